# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .amounts import split_amount
from .trusted_context import Trusted, trusted_option

# Fields recording what an invoice line invoices for the addon: written when
# the line is created, then only by the addon's code under this key.
BOOKKEEPING_WRITE_KEY = "sci_invoice_line_write"
BOOKKEEPING_FIELDS = {
    "sci_period_start",
    "sci_period_end",
    "sci_credited_line_id",
    "sci_credit_period_start",
    "sci_credit_period_end",
    "sci_is_contract_detail",
    "sci_detail_quantity",
    "sci_detail_price_unit",
    "sci_detail_discount",
    "sci_detail_amount",
}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    sci_period_start = fields.Date(
        string="Period From",
        copy=False,
        readonly=True,
        help="First day of the contract period this line invoices.",
    )
    sci_period_end = fields.Date(
        string="Period To",
        copy=False,
        readonly=True,
        help="Last day of the contract period this line invoices.",
    )
    sci_stock_move_ids = fields.Many2many(
        comodel_name="stock.move",
        relation="sci_account_move_line_stock_move_rel",
        column1="move_line_id",
        column2="stock_move_id",
        string="Shipment Moves",
        readonly=True,
        copy=False,
        help="Customer shipment moves this line invoices (Get Shipment Lines).",
    )
    sci_is_delivered_service = fields.Boolean(
        string="Delivered Service",
        readonly=True,
        copy=False,
        help="The line invoices the delivered quantity of a service order line "
        "(Get Shipment Lines): posting checks it stays within what was "
        "delivered, and the service ledger records it.",
    )
    # Credit memos of a service contract that shrank (a line removed, the
    # contract cancelled): the invoice line credited and the days credited.
    sci_credited_line_id = fields.Many2one(
        comodel_name="account.move.line",
        string="Credited Invoice Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    sci_credit_period_start = fields.Date(
        string="Credited From", readonly=True, copy=False
    )
    sci_credit_period_end = fields.Date(string="Credited To", readonly=True, copy=False)

    # Contract Lines on Invoice unticked: a note line per contract line and
    # period under the line that carries the contract's amount. It keeps the
    # contract line's period (invoiced once, given back on cancel) and its
    # figures, for the service ledger's per-line entries.
    sci_is_contract_detail = fields.Boolean(
        string="Contract Line Detail",
        readonly=True,
        help="A note listing a contract line under the invoice line that "
        "carries the contract's amount (Contract Lines on Invoice unticked).",
    )
    sci_detail_quantity = fields.Float(
        string="Detail Quantity", digits="Product Unit of Measure", readonly=True
    )
    sci_detail_price_unit = fields.Float(
        string="Detail Unit Price", digits="Product Price", readonly=True
    )
    sci_detail_discount = fields.Float(
        string="Detail Discount (%)", digits="Discount", readonly=True
    )
    sci_detail_amount = fields.Monetary(
        string="Detail Amount",
        currency_field="currency_id",
        readonly=True,
        help="The contract line's amount for the period, before taxes: its "
        "share of the line above.",
    )

    def init(self):
        res = super().init()
        # A period of a contract line is invoiced at most once: enforced by
        # the database, whatever path (ours, OCA's, two overlapping runs)
        # creates the line. A cancelled invoice frees its periods.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON account_move_line "
                "(contract_line_id, sci_period_start) "
                "WHERE sci_period_start IS NOT NULL AND contract_line_id IS NOT NULL "
                "AND parent_state != 'cancel'",
                SQL.identifier("account_move_line_sci_contract_period_uniq"),
            )
        )
        # Periods given back by cancelled invoices (the gaps Create Contract
        # Invoices looks for on every run): found through this partial index,
        # not by a scan of every journal item (tools/benchmark_bigdb).
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON account_move_line "
                "(contract_line_id) WHERE parent_state = 'cancel' "
                "AND contract_line_id IS NOT NULL AND sci_period_start IS NOT NULL",
                SQL.identifier("account_move_line_sci_cancelled_period_index"),
            )
        )
        return res

    def _copy_data_extend_business_fields(self, values):
        # Credit notes and "reverse and create invoice" keep the link to the
        # shipments, so that they give the invoiced quantity back.
        res = super()._copy_data_extend_business_fields(values)
        values["sci_stock_move_ids"] = [(6, None, self.sci_stock_move_ids.ids)]
        values["sci_is_delivered_service"] = self.sci_is_delivered_service
        return res

    def _sci_detail_summaries(self):
        """{contract detail note of ``self``: the line above it carrying its
        amount}: as the customer reads the invoice, the nearest line before
        it (by sequence) with an amount and no contract line of its own,
        within the same section: a line of another contract, a section or a
        shipment line in between ends the block."""
        summaries = {}
        for move in self.move_id:
            summary = self.browse()
            for line in move.invoice_line_ids.sorted(lambda ln: (ln.sequence, ln.id)):
                if line.sci_is_contract_detail:
                    if summary:
                        summaries[line] = summary
                elif line.display_type == "product":
                    own = line.contract_line_id or line._sci_is_shipment_line()
                    summary = self.browse() if own else line
                elif line.display_type == "line_section":
                    summary = self.browse()
        return {line: summaries[line] for line in self if line in summaries}

    def _sci_detail_amounts(self):
        """{contract detail note of ``self``: (subtotal, balance)}: the
        subtotal and balance of the line above it, split between its notes in
        proportion of their amounts, the cents left on the last note: the
        notes of a line add up to it exactly. (Posting refuses a note without
        such a line: see account.move._sci_check_contract_details.)"""
        summaries = self.move_id.invoice_line_ids._sci_detail_summaries()
        notes_of = defaultdict(list)
        for note, summary in summaries.items():
            notes_of[summary].append(note)
        result = {}
        for summary, notes in notes_of.items():
            subtotals = split_amount(
                summary.price_subtotal,
                [n.sci_detail_amount for n in notes],
                summary.currency_id,
            )
            balances = split_amount(
                summary.balance,
                [n.sci_detail_amount for n in notes],
                summary.company_currency_id,
            )
            for note, subtotal, balance in zip(notes, subtotals, balances, strict=True):
                result[note] = (subtotal, balance)
        return {line: result[line] for line in self if line in result}

    def _sci_is_shipment_line(self):
        """Whether the line invoices a shipment or a delivered service (Get
        Shipment Lines)."""
        self.ensure_one()
        return bool(self.sci_stock_move_ids or self.sci_is_delivered_service)

    def write(self, vals):
        # What a line invoices (its contract period, the invoice line a credit
        # memo credits, a contract line's share) is written when the line is
        # made, and afterwards only by the addon's own bookkeeping: a client
        # changing it would free a period to invoice twice or move amounts
        # between contract lines in the service ledger.
        changed = BOOKKEEPING_FIELDS.intersection(vals)
        if changed and not trusted_option(self.env, BOOKKEEPING_WRITE_KEY):
            raise UserError(
                self.env._(
                    "Invoice lines %(lines)s: %(fields)s cannot be changed. They "
                    "record what the line invoices; cancel the invoice or delete "
                    "the line instead.",
                    lines=", ".join(self.mapped("name") or []) or "-",
                    fields=", ".join(
                        self._fields[name]._description_string(self.env)
                        for name in sorted(changed)
                    ),
                )
            )
        return super().write(vals)

    def unlink(self):
        # Deleting a period line of a draft invoice frees the period.
        self.filtered(lambda line: line.parent_state == "draft")._sci_release_periods()
        return super().unlink()

    def _sci_period_lines(self):
        """The lines of ``self`` invoicing a period of a service contract:
        OCA's other contracts keep OCA's rules (no period given back)."""
        return self.filtered(
            lambda line: line.contract_line_id
            and line.sci_period_start
            and line.sci_period_end
            and line.contract_line_id.contract_id._sci_service_contracts()
        )

    def _sci_release_periods(self):
        """Give the contract periods of ``self`` back to their contract lines,
        when they are the latest invoiced ones: the last invoiced date goes
        back to the day before the earliest released period (no date when that
        is the line's start), so these periods are invoiced again. A period
        followed by invoiced ones stays a gap: the dates are left alone."""
        periods = defaultdict(dict)
        for line in self._sci_period_lines():
            periods[line.contract_line_id][line.sci_period_end] = line.sci_period_start
        by_date = defaultdict(list)
        for contract_line, starts_by_end in periods.items():
            last = contract_line.last_date_invoiced
            while last and last in starts_by_end:
                last = fields.Date.subtract(starts_by_end.pop(last), days=1)
            if last == contract_line.last_date_invoiced:
                continue
            if contract_line.date_start and last < contract_line.date_start:
                last = False
            by_date[last].append(contract_line.id)
        self._sci_write_last_date_invoiced(by_date)

    def _sci_reclaim_periods(self):
        """The contract periods of ``self`` (a cancelled invoice back to
        draft) are invoiced again: move the last invoiced date of their lines
        over those that follow it."""
        periods = defaultdict(dict)
        for line in self._sci_period_lines():
            periods[line.contract_line_id][line.sci_period_start] = line.sci_period_end
        by_date = defaultdict(list)
        for contract_line, ends_by_start in periods.items():
            last = contract_line.last_date_invoiced
            while True:
                start = (
                    fields.Date.add(last, days=1) if last else contract_line.date_start
                )
                if start not in ends_by_start:
                    break
                last = ends_by_start.pop(start)
            if last != contract_line.last_date_invoiced:
                by_date[last].append(contract_line.id)
        self._sci_write_last_date_invoiced(by_date)

    def _sci_move_periods_to(self, copies):
        """Give the contract periods of ``self`` (an invoice reversed by
        Reverse and create invoice) to ``copies``, the lines of the new
        invoice copied from them (same contract line and label)."""
        sources = defaultdict(list)
        for line in self._sci_period_lines().sorted(
            lambda line: (line.sequence, line.id)
        ):
            sources[(line.contract_line_id, line.name)].append(line)
        moves = []
        for copy in copies.filtered(
            lambda line: line.contract_line_id and not line.sci_period_start
        ).sorted(lambda line: (line.sequence, line.id)):
            candidates = sources.get((copy.contract_line_id, copy.name))
            if candidates:
                source = candidates.pop(0)
                moves.append(
                    (source, copy, source.sci_period_start, source.sci_period_end)
                )
        if not moves:
            return
        # The reversed invoice lets go first: one live line per period. Its
        # ledger entries keep the period they were posted with.
        sources = self.browse([source.id for source, __, __, __ in moves]).with_context(
            **{BOOKKEEPING_WRITE_KEY: Trusted()}
        )
        sources.write({"sci_period_start": False, "sci_period_end": False})
        sources.flush_recordset(["sci_period_start", "sci_period_end"])
        for __, copy, start, end in moves:
            copy.with_context(**{BOOKKEEPING_WRITE_KEY: Trusted()}).write(
                {"sci_period_start": start, "sci_period_end": end}
            )

    def _sci_write_last_date_invoiced(self, by_date):
        # Bookkeeping that follows an invoice change Odoo already allowed
        # (cancel, reset to draft, delete: checked by Odoo before this runs):
        # whoever may change the invoice frees or takes back its periods,
        # without the right to edit contracts, hence sudo(). As invoicing
        # does, a Locked contract lets its invoiced dates move.
        ContractLine = (
            self.env["contract.line"].sudo().with_context(sci_skip_lock_check=Trusted())
        )
        for last, line_ids in by_date.items():
            ContractLine.browse(line_ids).write({"last_date_invoiced": last})

    def _sci_revenue_to_defer(self):
        """Lines of customer invoices, not posted yet, invoicing a prepaid
        period of a contract that defers its revenue, when the period is
        longer than a month or ends after the invoice's month."""

        def to_defer(line):
            contract_line = line.contract_line_id
            move = line.move_id
            if not (
                move.move_type == "out_invoice"
                and line.display_type == "product"
                and contract_line
                and line.sci_period_start
                and line.sci_period_end
                and contract_line.recurring_invoicing_type == "pre-paid"
                and contract_line.contract_id._sci_defers_revenue()
                and not line.company_currency_id.is_zero(line.balance)
            ):
                return False
            start, end = line.sci_period_start, line.sci_period_end
            invoice_month = (
                move.invoice_date or fields.Date.context_today(line)
            ).replace(day=1)
            return start.replace(day=1) != end.replace(day=1) or (
                end.replace(day=1) > invoice_month
            )

        return self.filtered(to_defer)
