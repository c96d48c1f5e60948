# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Deferral schedule of prepaid contract revenue.

Posting a customer invoice line that invoices a prepaid contract period longer
than a month (or ending after the invoice's month) books its income to the
deferred revenue account and stores here one row per calendar month of the
period: the share of the line's amount (company currency, as booked) that the
month must recognise, the income account and analytic distribution it must
reach. *Post Prepaid Contract Entries* (``_sci_recognise``) posts, per company
and month, one entry moving the pending rows' amounts from the deferred revenue
account to the income accounts.

A credit note of a deferred line adds negative rows: the months not recognised
yet are reversed (never recognised), the months already recognised are
recognised back at once by a correction entry dated like the credit note.
"""

import calendar
import logging
from collections import defaultdict
from fractions import Fraction

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, split_every

from .amounts import split_amount
from .service_contract_invoicing import may_commit
from .trusted_context import Trusted, trusted_option

_logger = logging.getLogger(__name__)

# Rows read and written per chunk when recognising.
RECOGNITION_CHUNK = 5000


def month_end(day):
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


class ContractRevenueSchedule(models.Model):
    _name = "contract.revenue.schedule"
    _description = "Prepaid Contract Revenue Schedule"
    _inherit = ["analytic.mixin"]
    _order = "date, contract_id, id"
    _rec_name = "month"

    contract_id = fields.Many2one(
        comodel_name="contract.contract",
        string="Contract",
        required=True,
        readonly=True,
        index=True,
        ondelete="restrict",
    )
    contract_line_id = fields.Many2one(
        comodel_name="contract.line",
        string="Contract Line",
        readonly=True,
        ondelete="set null",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        index=True,
    )
    move_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Invoice Line",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="The invoice (or credit note) line whose revenue this row defers.",
    )
    invoice_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        related="move_line_id.move_id",
        store=True,
        index=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company", required=True, readonly=True, index=True
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency",
        related="company_id.currency_id",
        string="Company Currency",
    )
    period_start = fields.Date(
        string="Period From", readonly=True, help="Invoiced contract period."
    )
    period_end = fields.Date(string="Period To", readonly=True)
    month = fields.Date(
        required=True,
        readonly=True,
        help="First day of the calendar month this row's revenue belongs to.",
    )
    date = fields.Date(
        string="Recognition Date",
        required=True,
        readonly=True,
        index=True,
        help="Date of the entry that recognises this row: the last day of its "
        "month, or of the invoice's month when the month is earlier.",
    )
    amount = fields.Monetary(
        currency_field="currency_id",
        readonly=True,
        help="Revenue of the month in the company's currency (negative on "
        "credit notes).",
    )
    income_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Income Account",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    deferred_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Deferred Revenue Account",
        required=True,
        readonly=True,
        ondelete="restrict",
    )
    state = fields.Selection(
        selection=[
            ("pending", "Not Recognised"),
            ("recognised", "Recognised"),
            ("reversed", "Reversed"),
        ],
        default="pending",
        required=True,
        readonly=True,
        index=True,
        help="Reversed: credited by a credit note before it was recognised.",
    )
    recognition_move_id = fields.Many2one(
        comodel_name="account.move",
        string="Recognition Entry",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
    )
    origin_id = fields.Many2one(
        comodel_name="contract.revenue.schedule",
        string="Credited Row",
        readonly=True,
        index="btree_not_null",
        ondelete="restrict",
        help="On a credit note's row: the invoice's row it credits.",
    )
    credit_ids = fields.One2many(
        comodel_name="contract.revenue.schedule",
        inverse_name="origin_id",
        string="Credit Rows",
        readonly=True,
    )

    _sql_constraints = [
        (
            "recognised_has_entry",
            "CHECK (state != 'recognised' OR recognition_move_id IS NOT NULL)",
            "A recognised deferral row must name its recognition entry.",
        ),
    ]

    def init(self):
        res = super().init()
        # One row per month of an invoice line.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON contract_revenue_schedule "
                "(move_line_id, month)",
                SQL.identifier("contract_revenue_schedule_line_month_uniq"),
            )
        )
        return res

    @api.depends("contract_id", "month")
    def _compute_display_name(self):
        for row in self:
            month = row.month.strftime("%Y-%m") if row.month else ""
            row.display_name = f"{row.contract_id.display_name or ''} {month}"

    # === Schedule ===

    @api.model
    def _sci_monthly_shares(self, amount, period_start, period_end, currency):
        """Split ``amount`` over the calendar months of the period: equal
        shares for whole months, by days for a partial first or last month,
        rounded to the currency, the remainder on the last month.

        :return: list of (first day of the month, amount)"""
        weights = []
        day = period_start
        while day <= period_end:
            last = min(month_end(day), period_end)
            days_in_month = calendar.monthrange(day.year, day.month)[1]
            weights.append(
                (day.replace(day=1), Fraction((last - day).days + 1, days_in_month))
            )
            day = last + relativedelta(days=1)
        months = [month for month, __ in weights]
        shares = split_amount(amount, [weight for __, weight in weights], currency)
        return list(zip(months, shares, strict=True))

    @api.model
    def _sci_recognition_date(self, month, move_date):
        """Rows are recognised at the end of their month, never before the end
        of the month of the document that booked them."""
        return max(month_end(month), month_end(move_date))

    @api.model
    def _sci_prepare_rows_values(self, line, income_account, analytic, deferred):
        """Schedule rows of an invoice line whose revenue is deferred."""
        company = line.company_id
        amount = -line.balance
        contract_line = line.contract_line_id
        return [
            {
                "contract_id": contract_line.contract_id.id,
                "contract_line_id": contract_line.id,
                "partner_id": line.move_id.commercial_partner_id.id,
                "move_line_id": line.id,
                "company_id": company.id,
                "period_start": line.sci_period_start,
                "period_end": line.sci_period_end,
                "month": month,
                "date": self._sci_recognition_date(month, line.move_id.date),
                "amount": share,
                "income_account_id": income_account.id,
                "deferred_account_id": deferred.id,
                "analytic_distribution": analytic or False,
            }
            for month, share in self._sci_monthly_shares(
                amount, line.sci_period_start, line.sci_period_end, company.currency_id
            )
        ]

    @api.model
    def _sci_create_for_lines(self, deferred_lines):
        """Schedules of posted invoice lines booked to the deferred revenue
        account: ``deferred_lines`` maps each line to its (income account,
        analytic distribution)."""
        vals_list = []
        for line, (income_account, analytic) in deferred_lines.items():
            vals_list += self._sci_prepare_rows_values(
                line, income_account, analytic, line.account_id
            )
        # Bookkeeping of the posting: whoever posts the invoice writes its
        # schedule, even without the right to change schedules.
        return self.sudo().create(vals_list)

    # === Credit notes ===

    @api.model
    def _sci_create_for_credit_notes(self, refunds):
        """Credit the schedules of the invoices ``refunds`` reverse.

        A credit note line on the deferred revenue account credits the
        schedule of the invoice line it reverses (same contract line and
        product, in order), month by month in proportion of what each month
        still holds: the part of a pending month is reversed (never
        recognised), the part of a recognised month is recognised back at once
        by a correction entry dated like the credit note."""
        # Posting bookkeeping (see _sci_create_for_lines).
        self = self.sudo()
        lines = refunds.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.contract_line_id
            and line.move_id.reversed_entry_id
        )
        origins = self.search(
            [
                ("invoice_id", "in", lines.move_id.reversed_entry_id.ids),
                ("origin_id", "=", False),
            ]
        )
        candidates = defaultdict(list)
        for invoice_line in origins.move_line_id.sorted(
            lambda line: (line.sequence, line.id)
        ):
            key = (
                invoice_line.move_id.id,
                invoice_line.contract_line_id.id,
                invoice_line.product_id.id,
            )
            candidates[key].append(invoice_line)
        rows_by_line = defaultdict(lambda: self.browse())
        for row in origins:
            rows_by_line[row.move_line_id] |= row
        created = self._sci_create_for_credit_memos(refunds)
        for line in lines.sorted(
            lambda line: (line.move_id.id, line.sequence, line.id)
        ):
            key = (
                line.move_id.reversed_entry_id.id,
                line.contract_line_id.id,
                line.product_id.id,
            )
            if not candidates[key]:
                continue
            rows = rows_by_line[candidates[key].pop(0)].sorted("month")
            if line.account_id not in rows.deferred_account_id:
                # Credited straight to another account: the user's choice.
                continue
            created |= self._sci_credit_rows(line, rows)
        to_recognise = created.filtered(lambda row: row.origin_id.state == "recognised")
        by_refund = defaultdict(lambda: self.browse())
        for row in to_recognise:
            by_refund[row.invoice_id] |= row
        for refund, refund_rows in by_refund.items():
            move = self._sci_create_recognition_move(
                refund.company_id,
                refund.date,
                self._sci_aggregate(refund_rows),
                ref=self.env._(
                    "Recognised prepaid revenue credited by %(move)s",
                    move=refund.name,
                ),
            )
            self._sci_mark_recognised(refund_rows.ids, move)
        return created

    def _sci_credit_rows(self, line, rows):
        """Rows crediting ``rows`` (the schedule of one invoice line) by the
        amount of the credit note line ``line``, in proportion of what each
        month still holds (see _sci_create_credit_rows)."""
        currency = line.company_id.currency_id
        remaining = {
            row: row.amount + sum(row.credit_ids.mapped("amount")) for row in rows
        }
        live = [row for row in rows if not currency.is_zero(remaining[row])]
        shares = split_amount(line.balance, [remaining[row] for row in live], currency)
        return self._sci_create_credit_rows(line, dict(zip(live, shares, strict=True)))

    def _sci_create_credit_rows(self, line, shares):
        """Rows crediting each schedule row of ``shares`` by its share of the
        credit note line ``line``. The credits of recognised months are left
        pending for the caller's correction entry; a pending month credited in
        full and its credits are reversed."""
        currency = line.company_id.currency_id
        vals_list = [
            {
                "contract_id": row.contract_id.id,
                "contract_line_id": row.contract_line_id.id,
                "partner_id": row.partner_id.id,
                "move_line_id": line.id,
                "company_id": row.company_id.id,
                "period_start": row.period_start,
                "period_end": row.period_end,
                "month": row.month,
                "date": max(
                    row.date,
                    self._sci_recognition_date(row.month, line.move_id.date),
                ),
                "amount": -share,
                "income_account_id": row.income_account_id.id,
                "deferred_account_id": row.deferred_account_id.id,
                "analytic_distribution": row.analytic_distribution,
                "origin_id": row.id,
            }
            for row, share in shares.items()
            if not currency.is_zero(share)
        ]
        created = self.create(vals_list)
        cancelled = created.origin_id.filtered(
            lambda row: row.state == "pending"
            and currency.is_zero(row.amount + sum(row.credit_ids.mapped("amount")))
        )
        (cancelled | cancelled.credit_ids).with_context(
            sci_schedule_write=Trusted()
        ).write({"state": "reversed"})
        return created

    @api.model
    def _sci_create_for_credit_memos(self, refunds):
        """Credit the schedules of the invoice lines that the credit memos of
        a shrunk contract credit (``sci_credited_line_id``, see
        contract.line._sci_credit_memo_candidates), when the credit memo line
        is on the deferred revenue account: each month by the days credited
        in it (a whole month in full). The difference between the credit
        memo's rule (by day over the period) and the schedule's (by month) goes
        to the last month served, recognised back at once when it is already
        recognised."""
        lines = refunds.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and line.sci_credited_line_id
        )
        if not lines:
            return self.browse()
        origins = self.search(
            [
                ("move_line_id", "in", lines.sci_credited_line_id.ids),
                ("origin_id", "=", False),
            ]
        )
        created = self.browse()
        for line in lines:
            rows = origins.filtered(
                lambda row, line=line: row.move_line_id == line.sci_credited_line_id
            ).sorted("month")
            if rows and line.account_id in rows.deferred_account_id:
                created |= self._sci_create_credit_rows(
                    line, self._sci_credit_memo_shares(line, rows)
                )
        return created

    @api.model
    def _sci_credit_memo_shares(self, line, rows):
        """{schedule row: amount credited} for the credit memo line ``line``
        (see _sci_create_for_credit_memos)."""
        currency = line.company_id.currency_id
        origin = line.sci_credited_line_id
        start, end = line.sci_credit_period_start, line.sci_credit_period_end
        shares = {}
        for row in rows:
            first = max(row.month, origin.sci_period_start)
            last = min(month_end(row.month), origin.sci_period_end)
            credit_first, credit_last = max(first, start), min(last, end)
            if credit_last < credit_first:
                continue
            remaining = row.amount + sum(row.credit_ids.mapped("amount"))
            shares[row] = currency.round(
                remaining
                * ((credit_last - credit_first).days + 1)
                / ((last - first).days + 1)
            )
        difference = currency.round(line.balance - sum(shares.values()))
        if not currency.is_zero(difference):
            served_month = (start - relativedelta(days=1)).replace(day=1)
            target = rows.filtered(lambda row: row.month == served_month)[:1] or (
                next(iter(shares)) if shares else rows[-1]
            )
            shares[target] = shares.get(target, 0.0) + difference
        return shares

    # === Undo ===

    @api.model
    def _sci_check_can_undo(self, moves):
        """Refuse to reset or cancel documents part of whose deferred revenue
        was recognised or credited, and recognition entries."""
        moves = moves.filtered(lambda move: move.state == "posted")
        if not moves:
            return
        recognised = self.sudo().search(
            [("recognition_move_id", "in", moves.ids)], limit=1
        )
        if recognised:
            raise UserError(
                self.env._(
                    "%(move)s recognises deferred contract revenue: it cannot be "
                    "reset to draft or cancelled. Reverse it with a journal "
                    "entry if it is wrong.",
                    move=recognised.recognition_move_id.display_name,
                )
            )
        rows = self.sudo().search([("invoice_id", "in", moves.ids)])
        for row in rows:
            if row.state == "recognised" or (not row.origin_id and row.credit_ids):
                raise UserError(
                    self.env._(
                        "%(move)s cannot be reset to draft or cancelled: the "
                        "prepaid revenue of %(month)s of contract %(contract)s is "
                        "already recognised or credited. Issue a credit note "
                        "instead.",
                        move=row.invoice_id.display_name,
                        month=row.month.strftime("%m/%Y"),
                        contract=row.contract_id.display_name,
                    )
                )

    @api.model
    def _sci_drop_for_moves(self, moves):
        """Drop the schedules of documents back to draft: their lines go back
        to their income account and analytic distribution, the invoice months
        a dropped credit note reversed are pending again."""
        # Undo bookkeeping of whoever resets the document.
        rows = self.sudo().search([("invoice_id", "in", moves.ids)])
        if not rows:
            return
        origins = rows.origin_id
        first_rows = {}
        for row in rows:
            first_rows.setdefault(row.move_line_id, row)
        for line, row in first_rows.items():
            if row.origin_id:
                continue  # a credit note keeps the deferred account it reverses
            line.write(
                {
                    "account_id": row.income_account_id.id,
                    "analytic_distribution": row.analytic_distribution,
                }
            )
        rows.with_context(sci_schedule_write=Trusted()).unlink()
        origins.exists().filtered(lambda row: row.state == "reversed").with_context(
            sci_schedule_write=Trusted()
        ).write({"state": "pending"})
        (origins.exists().credit_ids).filtered(
            lambda row: row.state == "reversed"
        ).with_context(sci_schedule_write=Trusted()).write({"state": "pending"})

    # === Recognition: Post Prepaid Contract Entries ===

    @api.model
    def _sci_pending_domain(self, until_date, companies=None):
        domain = [("state", "=", "pending"), ("date", "<=", until_date)]
        if companies:
            domain.append(("company_id", "in", companies.ids))
        return domain

    @api.model
    def _sci_check_lock_dates(self, groups):
        """Refuse, before anything is written, a month a lock date closes."""
        for company, day in groups:
            journal = company._sci_deferral_journal()
            violated = company._get_violated_lock_dates(day, False, journal)
            if violated:
                raise UserError(
                    self.env._(
                        "Company %(company)s: the prepaid contract revenue of "
                        "%(date)s cannot be recognised, the period is locked "
                        "(%(locks)s). Post until an earlier date, or change the "
                        "lock date.",
                        company=company.display_name,
                        date=day,
                        locks=self.env["res.company"]._format_lock_dates(violated),
                    )
                )

    @api.model
    def _sci_recognise(self, until_date, companies=None, commit=False):
        """Post Prepaid Contract Entries: one entry per company and month for
        every pending row recognised on or before ``until_date``.

        :param commit: commit after each entry (scheduled action)
        :return: the posted entries"""
        domain = self._sci_pending_domain(until_date, companies)
        groups = [
            (company, day)
            for company, day in self._read_group(
                domain, ["company_id", "date:day"], order="date:day, company_id"
            )
        ]
        self._sci_check_lock_dates(groups)
        moves = self.env["account.move"]
        for company, day in groups:
            row_ids = self._sci_lock_pending(company, day)
            if not row_ids:
                continue
            rows = self.browse(row_ids)
            move = self._sci_create_recognition_move(
                company,
                day,
                self._sci_aggregate(rows),
                ref=self.env._(
                    "Prepaid contract revenue %(month)s", month=day.strftime("%m/%Y")
                ),
            )
            self._sci_mark_recognised(row_ids, move)
            moves |= move
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return moves

    @api.model
    def _sci_lock_pending(self, company, day):
        """Ids of the pending rows of a company and date, row-locked; rows
        another run holds are left to it."""
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM contract_revenue_schedule WHERE state = 'pending' "
                "AND company_id = %s AND date = %s ORDER BY id "
                "FOR NO KEY UPDATE SKIP LOCKED",
                company.id,
                day,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _sci_aggregate(self, rows):
        """Amounts per deferred account and per (income account, analytic
        distribution), read in chunks."""
        deferred = defaultdict(float)
        income = defaultdict(float)
        fnames = [
            "amount",
            "income_account_id",
            "deferred_account_id",
            "analytic_distribution",
        ]
        for ids in split_every(RECOGNITION_CHUNK, rows.ids):
            for row in self.browse(ids).read(fnames, load=None):
                deferred[row["deferred_account_id"]] += row["amount"]
                analytic = tuple(sorted((row["analytic_distribution"] or {}).items()))
                income[(row["income_account_id"], analytic)] += row["amount"]
            self.invalidate_model(fnames)
        return deferred, income

    @api.model
    def _sci_create_recognition_move(self, company, day, totals, ref):
        """Post the entry moving ``totals`` (see _sci_aggregate) from the
        deferred revenue accounts to the income accounts."""
        deferred, income = totals
        currency = company.currency_id
        lines = []
        for account_id, amount in deferred.items():
            amount = currency.round(amount)
            if not currency.is_zero(amount):
                lines.append(
                    {
                        "name": ref,
                        "account_id": account_id,
                        "balance": amount,
                        "amount_currency": amount,
                        "currency_id": currency.id,
                    }
                )
        for (account_id, analytic), amount in income.items():
            amount = currency.round(amount)
            if not currency.is_zero(amount):
                lines.append(
                    {
                        "name": ref,
                        "account_id": account_id,
                        "balance": -amount,
                        "amount_currency": -amount,
                        "currency_id": currency.id,
                        "analytic_distribution": dict(analytic) or False,
                    }
                )
        if not lines:
            return self.env["account.move"]
        # Accounting bookkeeping of the schedule: the user who runs it (or the
        # cron) posts in the deferral journal whatever their journal rights.
        move = (
            self.env["account.move"]
            .sudo()
            .with_company(company)
            .create(
                {
                    "move_type": "entry",
                    "company_id": company.id,
                    "journal_id": company._sci_deferral_journal().id,
                    "date": day,
                    "ref": ref,
                    "line_ids": [fields.Command.create(vals) for vals in lines],
                }
            )
        )
        move.action_post()
        return move

    @api.model
    def _sci_mark_recognised(self, row_ids, move):
        """Link rows to their recognition entry. The update only takes
        pending rows: a row posted twice is refused. Rows that cancel out
        (no entry) are reversed."""
        self.flush_model()
        state = "recognised" if move else "reversed"
        for ids in split_every(RECOGNITION_CHUNK, row_ids):
            self.env.cr.execute(
                SQL(
                    "UPDATE contract_revenue_schedule SET state = %s, "
                    "recognition_move_id = %s, write_uid = %s, "
                    "write_date = (now() at time zone 'UTC') "
                    "WHERE id IN %s AND state = 'pending'",
                    state,
                    move.id or None,
                    self.env.uid,
                    tuple(ids),
                )
            )
            if self.env.cr.rowcount != len(ids):
                raise UserError(
                    self.env._(
                        "Post Prepaid Contract Entries: some deferral rows were "
                        "recognised meanwhile by another run. Nothing was posted; "
                        "run it again."
                    )
                )
        self.invalidate_model(["state", "recognition_move_id"])

    @api.model
    def _cron_recognise(self):
        """Scheduled action: recognise every pending row up to the end of the
        previous month, company by company (see _sci_recognise_companies)."""
        until_date = fields.Date.context_today(self).replace(day=1) - relativedelta(
            days=1
        )
        companies = self.env["res.company"].search([])
        moves, __ = self._sci_recognise_companies(
            until_date, companies, commit=may_commit()
        )
        return moves

    @api.model
    def _sci_recognise_companies(self, until_date, companies, commit=False):
        """Post Prepaid Contract Entries for each of ``companies`` on its own:
        a company whose recognition fails (a locked period, no journal...)
        leaves nothing behind (savepoint), its responsible gets an activity
        saying why, and the other companies are posted.

        :param commit: commit after each company (scheduled action's worker)
        :return: (posted entries, [(company, message)] of the failures)"""
        moves = self.env["account.move"]
        failures = []
        for company in companies:
            try:
                with self.env.cr.savepoint():
                    moves |= self._sci_recognise(until_date, companies=company)
            except (UserError, ValidationError) as error:
                message = error.args[0]
                _logger.warning(
                    "Post Prepaid Contract Entries, company %s: %s",
                    company.display_name,
                    message,
                )
                failures.append((company, message))
                self._sci_notify_recognition_failure(company, until_date, message)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        return moves, failures

    @api.model
    def _sci_notify_recognition_failure(self, company, until_date, message):
        """An activity for the responsible (the setting's user, else the
        user who ran it, else the administrator) on the company's deferral
        journal, or its contact when it has none."""
        Run = self.env["contract.invoicing.run"]
        user = Run.new({"user_id": self.env.uid})._responsible_user()
        if not user:
            return
        # Bookkeeping after a permitted run: the responsible is told on a
        # record the running user may not write.
        journal = company.sudo().sci_deferral_journal_id or self.env[
            "account.journal"
        ].sudo().search(
            [("company_id", "parent_of", company.id), ("type", "=", "general")],
            order="sequence, id",
            limit=1,
        )
        target = journal or company.sudo().partner_id
        target.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._(
                "Post Prepaid Contract Entries failed for %(company)s",
                company=company.display_name,
            ),
            note=self.env._(
                "Nothing was posted for %(company)s up to %(date)s: "
                "%(message)s Fix it and run Post Prepaid Contract Entries "
                "again.",
                company=company.display_name,
                date=until_date,
                message=message,
            ),
        )

    # === Protection ===

    def write(self, vals):
        if {"state", "recognition_move_id", "amount", "month", "date"} & set(
            vals
        ) and not trusted_option(self.env, "sci_schedule_write"):
            raise UserError(
                self.env._(
                    "Deferral schedule rows are changed by posting, credit notes "
                    "and Post Prepaid Contract Entries only."
                )
            )
        return super().write(vals)

    def unlink(self):
        if not trusted_option(self.env, "sci_schedule_write"):
            raise UserError(
                self.env._(
                    "Deferral schedule rows are deleted by resetting their "
                    "invoice to draft only."
                )
            )
        return super().unlink()
