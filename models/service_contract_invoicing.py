# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The one engine that invoices service contracts.

Create Contract Invoices (wizard), its scheduled action and Create Service
Invoice (contract form) all call ``run``. Per batch it row-locks the contracts
(skipping those another run holds), computes every due period of every line,
builds all invoice values and creates the invoices with one ``create``. The
database refuses a contract line period invoiced twice (unique index on the
invoice lines), whatever path tries.
"""

import logging
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from psycopg2 import OperationalError

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.http import request
from odoo.service.model import PG_CONCURRENCY_ERRORS_TO_RETRY
from odoo.tools import SQL, config, format_date

from .trusted_context import Trusted

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A scheduled run stops taking new batches after this many seconds, reports
# what remains and lets Odoo call it again, well before limit_time_cpu.
CRON_TIME_BUDGET = 40


def is_concurrency_error(error):
    """Whether ``error`` is a PostgreSQL concurrency error (serialization
    failure, lock not available, deadlock) that a new transaction may not
    meet again: never a contract's fault, always retried, never reported."""
    return (
        isinstance(error, OperationalError)
        and error.pgcode in PG_CONCURRENCY_ERRORS_TO_RETRY
    )


# Set (by not_retried) while code runs for a caller that does not retry a
# PostgreSQL concurrency error: a thread-local that only server code sets,
# never something a JSON-RPC client can send (the context is not an API).
_not_retried = threading.local()


@contextmanager
def not_retried():
    """Run the code inside as not retried on a PostgreSQL concurrency error:
    set by the callers that give the error to the user as their last word
    (this addon's scheduled actions, Odoo's auto-posting of entries)."""
    depth = getattr(_not_retried, "depth", 0)
    _not_retried.depth = depth + 1
    try:
        yield
    finally:
        _not_retried.depth = depth


def is_concurrency_retried():
    """Whether a PostgreSQL concurrency error raised now is retried by Odoo in
    a new transaction (which sees what the other transaction committed): yes
    for the HTTP requests Odoo serves (the web client, JSON-RPC calls) and
    queue_job's jobs, unless the caller said it does not retry (not_retried):
    scheduled actions (ir.cron, see ir_cron.py) and Odoo's auto-posting. There
    the error is the last word the user gets."""
    return not getattr(_not_retried, "depth", 0)


def is_testing():
    """Whether the code runs in a test, which must not commit."""
    return bool(
        config["test_enable"] or getattr(threading.current_thread(), "testing", False)
    )


def may_commit():
    """Whether a scheduled entry point may commit its work as it goes (batch
    by batch): only when run by the scheduled actions' worker (or a server
    script), outside any HTTP request. Called over HTTP (a user's JSON-RPC
    call, Run Manually, queue_job's runner, which forbids commits), it runs
    in the caller's transaction, committed or rolled back as a whole by Odoo.
    Never in tests."""
    return not request and not is_testing()


@dataclass
class InvoicingResult:
    """What a run did: invoices created, per-period preview lines, contracts
    skipped (contract, reason) and contracts that failed (contract, message)."""

    moves: object = None
    preview: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    invoiced_contract_ids: set = field(default_factory=set)
    gaps: list = field(default_factory=list)
    # A dry run's plans (see _plan_contract): what its invoices would hold.
    plans: list = field(default_factory=list)

    def merge(self, other):
        self.moves |= other.moves
        self.preview += other.preview
        self.skipped += other.skipped
        self.failures += other.failures
        self.gaps += other.gaps
        self.plans += other.plans
        self.invoiced_contract_ids |= other.invoiced_contract_ids

    def problem_values(self):
        """What this result skipped or failed and the periods it left
        behind, as (contract, values) pairs: the values of one result line
        (contract, status, reason, and a gap's line and period). A run's
        lines and Create Contract Invoices' result both list them."""
        rows = [
            (contract, {"contract_id": contract.id, "status": status, "reason": reason})
            for status, pairs in (("skipped", self.skipped), ("failed", self.failures))
            for contract, reason in pairs
        ]
        rows += [
            (
                gap["contract"],
                {
                    "contract_id": gap["contract"].id,
                    "contract_line_id": gap["line"].id,
                    "period_start": gap["period_start"],
                    "period_end": gap["period_end"],
                    "status": "gap",
                    "reason": gap["reason"],
                },
            )
            for gap in self.gaps
        ]
        return rows


class ServiceContractInvoicing(models.AbstractModel):
    _name = "service.contract.invoicing"
    _description = "Service Contract Invoicing Engine"

    # === Entry points ===

    @api.model
    def run(
        self,
        contracts,
        posting_date,
        invoice_to_date,
        combine=False,
        post=False,
        dry_run=False,
        commit=False,
        time_budget=None,
        invoicing_run=None,
        include_gaps=False,
    ):
        """Invoice every period of ``contracts`` due on or before
        ``invoice_to_date``, dated ``posting_date``.

        :param commit: commit after each batch (scheduled action only), so an
            interruption loses at most one batch and a rerun does the rest.
        :param time_budget: seconds after which no new batch is started
        :param invoicing_run: the contract.invoicing.run each batch reports
            into and whose invoices it marks
        :param include_gaps: also invoice the periods not invoiced that
            cancelled invoices left before the last invoiced one
        :return: InvoicingResult
        """
        posting_date = self._to_date(posting_date)
        invoice_to_date = self._to_date(invoice_to_date)
        if not (
            isinstance(contracts, models.BaseModel)
            and contracts._name == "contract.contract"
        ) or not (posting_date and invoice_to_date):
            raise UserError(
                self.env._(
                    "Contract invoicing needs service contracts, a posting date "
                    "and an invoice-to date: use Create Contract Invoices."
                )
            )
        contracts._sci_check_invoicing_user()
        result = InvoicingResult(moves=self.env["account.move"])
        started = time.monotonic()
        batches = self._split_batches(contracts, combine)
        done = 0
        for batch in batches:
            if time_budget and time.monotonic() - started > time_budget:
                break
            batch_result = self._run_batch(
                batch,
                posting_date,
                invoice_to_date,
                combine,
                post,
                dry_run,
                include_gaps=include_gaps,
                invoicing_run=invoicing_run,
            )
            if invoicing_run and not dry_run:
                invoicing_run._record_batch(batch_result)
            result.merge(batch_result)
            done += len(batch)
            if commit and not dry_run:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env["ir.cron"]._notify_progress(
                    done=done, remaining=len(contracts) - done
                )
                self.env.invalidate_all()
        return result

    @api.model
    def _to_date(self, value):
        """``value`` (a date, or a date as JSON-RPC sends it) as a date; a
        clear error for anything else."""
        try:
            return fields.Date.to_date(value) if value else None
        except (TypeError, ValueError) as error:
            raise UserError(
                self.env._(
                    "%(value)s is not a date: give dates as YYYY-MM-DD.",
                    value=value,
                )
            ) from error

    @api.model
    def _split_batches(self, contracts, combine, size=None):
        """``contracts`` in batches of about ``size``, in their order. When
        combining, every combinable contract of one combine key is in the
        same batch (however large), so that they share one invoice."""
        size = size or BATCH_SIZE
        keys = {}
        for contract in contracts:
            key = (
                ("combine", *self._combine_key(contract))
                if combine and contract.combine_invoices
                else ("contract", contract.id)
            )
            keys.setdefault(key, []).append(contract.id)
        batches, current = [], []
        for ids in keys.values():
            if current and len(current) + len(ids) > size:
                batches.append(current)
                current = []
            current += ids
        if current:
            batches.append(current)
        return [contracts.browse(ids) for ids in batches]

    @api.model
    def _failed_result(self, contracts, reason):
        """An InvoicingResult in which every contract of ``contracts``
        failed for ``reason``."""
        return InvoicingResult(
            moves=self.env["account.move"],
            failures=[(contract, reason) for contract in contracts],
        )

    @api.model
    def _due_contracts_domain(self, invoice_to_date):
        return self.env["contract.contract"]._sci_invoiceable_domain() + [
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", invoice_to_date),
        ]

    @api.model
    def _cron_create_invoices(self, limit=None, invoice_oca_contracts=True):
        """Scheduled action: invoice every due service contract, dated today,
        up to today plus the lead time set in the settings; then, with
        ``invoice_oca_contracts``, the other contracts with OCA's own
        invoicing."""
        today = fields.Date.context_today(self)
        lead_days = int(
            self.env["ir.config_parameter"]
            .sudo()  # reading a setting the cron user may not read otherwise
            .get_param("service_contract_invoicing.invoice_lead_days", "0")
        )
        invoice_to_date = fields.Date.add(today, days=lead_days)
        contracts = self.env["contract.contract"].search(
            self._due_contracts_domain(invoice_to_date), order="id", limit=limit
        )
        # Commits per batch in the scheduled actions' worker only; called over
        # RPC (OCA's public cron_recurring_create_invoice ends here), in the
        # caller's transaction: an error leaves nothing, no run "running".
        commit = may_commit()
        invoicing_run = self.env["contract.invoicing.run"]._start(
            contracts,
            trigger="cron",
            posting_date=today,
            invoice_to_date=invoice_to_date,
            combine=True,
            filters=self.env._(
                "Due up to today plus %(days)s days of lead time", days=lead_days
            ),
        )
        if commit:
            self.env.cr.commit()  # pylint: disable=invalid-commit
        result = invoicing_run._execute(
            contracts, commit=commit, time_budget=CRON_TIME_BUDGET
        )
        _logger.info(
            "Create Contract Invoices %s: %s, %d contracts invoiced, %d invoices, "
            "%d skipped, %d failed",
            invoicing_run.name,
            invoicing_run.state,
            invoicing_run.invoiced_contract_count,
            invoicing_run.invoice_count,
            invoicing_run.skipped_count,
            invoicing_run.failed_count,
        )
        if invoice_oca_contracts:
            # The only active scheduled action: contracts that keep OCA's
            # rules are invoiced by OCA's own code, as OCA's cron did.
            self.env["contract.contract"]._sci_cron_invoice_oca_contracts()
        return result

    # === One batch ===

    def _lock_contracts(self, contracts):
        """Row-lock the contracts that no other transaction holds; an
        overlapping run skips the others instead of waiting or invoicing
        them twice. A contract that another run changed and committed since
        this transaction began cannot be locked (serialization failure): it
        is skipped too, the next run invoices what it still owes.

        :return: (locked contracts, contracts changed by another run)"""
        if not contracts:
            return contracts, contracts
        contracts.flush_recordset()
        try:
            with self.env.cr.savepoint(flush=False):
                locked_ids = self._lock_rows(contracts.ids)
            changed_ids = set()
        except OperationalError as error:
            if not is_concurrency_error(error):
                raise
            # One by one: only the contracts changed meanwhile are left out.
            locked_ids, changed_ids = set(), set()
            for contract_id in contracts.ids:
                try:
                    with self.env.cr.savepoint(flush=False):
                        locked_ids |= self._lock_rows([contract_id])
                except OperationalError as row_error:
                    if not is_concurrency_error(row_error):
                        raise
                    changed_ids.add(contract_id)
        locked = contracts.filtered(lambda c: c.id in locked_ids)
        # What another run committed before we locked must be seen.
        locked.invalidate_recordset()
        locked.contract_line_ids.invalidate_recordset()
        return locked, contracts.filtered(lambda c: c.id in changed_ids)

    def _lock_rows(self, contract_ids):
        self.env.cr.execute(
            SQL(
                "SELECT id FROM contract_contract WHERE id IN %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(contract_ids),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}

    def _check_lock_dates(self, contracts, posting_date):
        """Contracts whose company (and journal) locks ``posting_date``:
        {contract: reason}."""
        reasons = {}
        violations = {}
        for contract in contracts:
            key = (contract.company_id, contract.journal_id)
            if key not in violations:
                violations[key] = contract.company_id._get_violated_lock_dates(
                    posting_date, True, contract.journal_id
                )
            violated = violations[key]
            if violated:
                reasons[contract] = self.env._(
                    "the posting date %(date)s is inside a locked accounting "
                    "period of %(company)s (locked up to %(lock)s): choose a "
                    "later posting date",
                    date=format_date(self.env, posting_date),
                    company=contract.company_id.name,
                    lock=format_date(self.env, violated[-1][0]),
                )
        return reasons

    def _run_batch(
        self,
        contracts,
        posting_date,
        invoice_to_date,
        combine,
        post,
        dry_run,
        include_gaps=False,
        invoicing_run=None,
    ):
        """One batch of ``run`` (see its parameters); the invoices created
        are marked with ``invoicing_run``."""
        result = InvoicingResult(moves=self.env["account.move"])
        if dry_run:
            locked, changed = contracts, contracts.browse()
        else:
            locked, changed = self._lock_contracts(contracts)
        for contract in contracts - locked:
            result.skipped.append(
                (
                    contract,
                    self.env._("invoiced by another run since this run started")
                    if contract in changed
                    else self.env._("being invoiced by another run"),
                )
            )
        lock_date_reasons = self._check_lock_dates(locked, posting_date)
        gaps = self._period_gaps(locked.contract_line_ids)
        plans = []
        for contract in locked:
            reason = contract._sci_not_invoiceable_reason()
            if reason:
                result.skipped.append((contract, reason))
                continue
            if contract in lock_date_reasons:
                result.failures.append((contract, lock_date_reasons[contract]))
                continue
            try:
                plan = self._plan_contract(contract, invoice_to_date)
            except (UserError, ValidationError) as error:
                result.failures.append((contract, error.args[0]))
                continue
            contract_gaps = [gap for gap in gaps if gap[0].contract_id == contract]
            if include_gaps and contract_gaps:
                plan["lines"] = self._plan_gaps(contract_gaps) + plan["lines"]
                plan["lines"].sort(
                    key=lambda item: (item[1][0], item[0].sequence, item[0].id)
                )
            elif contract_gaps:
                result.gaps += [
                    {
                        "contract": contract,
                        "line": line,
                        "period_start": start,
                        "period_end": end,
                        "reason": self.env._(
                            "period not invoiced (its invoice was cancelled): "
                            "tick Invoice periods not invoiced to invoice it"
                        ),
                    }
                    for line, start, end in contract_gaps
                ]
            if not plan["lines"]:
                result.skipped.append(
                    (
                        contract,
                        self.env._(
                            "nothing due on or before %(date)s",
                            date=format_date(self.env, invoice_to_date),
                        ),
                    )
                )
                continue
            plans.append(plan)
            result.preview += [
                {
                    "contract": contract,
                    "line": line,
                    "period_start": start,
                    "period_end": end,
                    "amount": line.currency_id.round(
                        line.price_unit
                        * line._get_quantity_to_invoice(start, end, next_date)
                        * (1 - (line.discount or 0.0) / 100.0)
                    ),
                }
                for line, (start, end, next_date) in plan["lines"]
                if not line.display_type
            ]
        if dry_run or not plans:
            result.plans = plans
            return result
        groups, vals_list = [], []
        for group in self._group_plans(plans, combine):
            try:
                vals_list.append(self._prepare_invoice_values(group, posting_date))
            except (UserError, ValidationError) as error:
                result.failures += [(plan["contract"], error.args[0]) for plan in group]
                continue
            groups.append(group)
        moves, failed = self._create_moves(
            groups, vals_list, invoicing_run=invoicing_run
        )
        result.moves |= moves
        invoiced = []
        for index, group in enumerate(groups):
            if index in failed:
                result.failures += [(plan["contract"], failed[index]) for plan in group]
            else:
                invoiced += group
        self._advance_lines(invoiced)
        self.env["contract.contract"].concat(
            *(plan["contract"] for plan in invoiced)
        )._sci_clear_price_increase_text()
        self._after_create_moves(moves)
        result.invoiced_contract_ids |= {plan["contract"].id for plan in invoiced}
        if post and moves:
            result.failures += self._post_moves(moves)
        return result

    def _check_customer(self, contract):
        partner = contract.invoice_partner_id or contract.partner_id
        commercial = partner.commercial_partner_id
        if "block" in (partner.invoice_warn, commercial.invoice_warn):
            raise UserError(
                self.env._(
                    "Contract %(contract)s: customer %(partner)s is blocked for "
                    "invoicing (%(message)s). Lift the block on the customer to "
                    "invoice it.",
                    contract=contract.display_name,
                    partner=commercial.display_name,
                    message=partner.invoice_warn_msg
                    or commercial.invoice_warn_msg
                    or "",
                )
            )
        if not partner.active:
            raise UserError(
                self.env._(
                    "Contract %(contract)s: the invoice address %(partner)s is "
                    "archived. Restore it or choose another on the contract.",
                    contract=contract.display_name,
                    partner=partner.display_name,
                )
            )

    def _plan_contract(self, contract, invoice_to_date):
        """What a contract invoices up to invoice_to_date:

        - ``invoice_lines``: the contract lines OCA's _get_lines_to_invoice
          selects, in contract order: the due lines, with the section and note
          lines that head or follow them;
        - ``lines``: the (line, period) pairs due, every period not invoiced
          yet of each due line (catch-up), sorted by period.
        """
        self._check_customer(contract)
        invoice_lines = contract._get_lines_to_invoice(invoice_to_date)
        planned = []
        for line in invoice_lines:
            if line.display_type and not line.is_recurring_note:
                continue
            periods = line._sci_due_periods(invoice_to_date)
            if periods:
                if not line.display_type:
                    line._sci_check_can_invoice()
                planned += [(line, period) for period in periods]
        planned.sort(key=lambda item: (item[1][0], item[0].sequence, item[0].id))
        return {"contract": contract, "lines": planned, "invoice_lines": invoice_lines}

    def _combine_key(self, contract):
        return (
            contract.invoice_partner_id.id or contract.partner_id.id,
            contract.currency_id.id,
            contract.company_id.id,
            contract.journal_id.id,
            contract.payment_term_id.id,
            contract.fiscal_position_id.id,
            contract.cash_rounding_id.id,
        )

    def _group_plans(self, plans, combine):
        """Lists of plans that share one invoice: combinable contracts with the
        same invoicing terms together, every other contract alone."""
        groups = []
        combined = defaultdict(list)
        for plan in plans:
            contract = plan["contract"]
            if combine and contract.combine_invoices:
                combined[self._combine_key(contract)].append(plan)
            else:
                groups.append([plan])
        return groups + list(combined.values())

    # === Periods not invoiced ===

    @api.model
    def _period_gaps_all(self):
        """_period_gaps of every contract line that has a cancelled period."""
        self.env["account.move.line"].flush_model(["contract_line_id", "parent_state"])
        self.env.cr.execute(
            SQL(
                "SELECT DISTINCT contract_line_id FROM account_move_line "
                "WHERE parent_state = 'cancel' AND contract_line_id IS NOT NULL "
                "AND sci_period_start IS NOT NULL"
            )
        )
        line_ids = [row[0] for row in self.env.cr.fetchall()]
        return self._period_gaps(self.env["contract.line"].browse(line_ids))

    @api.model
    def _period_gaps(self, contract_lines):
        """Periods of ``contract_lines`` that a cancelled invoice gave back
        while later periods stayed invoiced: on or before the line's last
        invoiced date, on no invoice that is not cancelled. Nothing invoices
        them again unless asked (the next period follows the last invoiced).

        :return: [(contract line, period start, period end)] in order"""
        if not contract_lines:
            return []
        self.env["account.move.line"].flush_model(
            ["contract_line_id", "sci_period_start", "sci_period_end", "parent_state"]
        )
        contract_lines.flush_recordset(["last_date_invoiced"])
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT gap.contract_line_id, gap.sci_period_start,
                       gap.sci_period_end
                  FROM account_move_line gap
                  JOIN contract_line cl ON cl.id = gap.contract_line_id
                 WHERE gap.contract_line_id IN %(lines)s
                   AND gap.parent_state = 'cancel'
                   AND gap.sci_period_start IS NOT NULL
                   AND gap.sci_period_end <= cl.last_date_invoiced
                   AND NOT EXISTS (
                       SELECT 1 FROM account_move_line live
                        WHERE live.contract_line_id = gap.contract_line_id
                          AND live.sci_period_start = gap.sci_period_start
                          AND live.parent_state != 'cancel')
                 ORDER BY gap.contract_line_id, gap.sci_period_start
                """,
                lines=tuple(contract_lines.ids),
            )
        )
        Line = self.env["contract.line"]
        return [
            (Line.browse(line_id), start, end)
            for line_id, start, end in self.env.cr.fetchall()
        ]

    def _plan_gaps(self, gaps):
        """Plan items, as _plan_contract makes them, for periods not
        invoiced."""
        return [
            (line, (start, end, line._sci_period(start)[2]))
            for line, start, end in gaps
        ]

    # === Values ===

    def _prepare_invoice_values(self, group, posting_date):
        """Invoice values for a group of plans (one contract, or several
        combined): a section line naming the contract heads each contract's
        lines, as Business Central's contract invoices do."""
        first = group[0]["contract"]
        vals = first._prepare_invoice(posting_date)
        vals["invoice_line_ids"] = []
        if len(group) > 1:
            vals["ref"] = ", ".join(
                p["contract"].code for p in group if p["contract"].code
            )
            vals["invoice_origin"] = ", ".join(
                p["contract"].name for p in group if p["contract"].name
            )
        lines_vals = []
        for plan in group:
            contract = plan["contract"]
            lines_vals.append(self._prepare_section_values(contract))
            contract_vals = self._prepare_contract_lines_values(plan)
            if not contract._sci_shows_contract_lines():
                contract_vals = self._summarize_contract_lines_values(
                    contract, contract_vals, vals
                )
            lines_vals += contract_vals
        # The invoice shows its lines by sequence: numbered in the order built
        # here (contract by contract, each in its own order), since the
        # contract lines' own sequences repeat across combined contracts.
        for sequence, line_vals in enumerate(lines_vals, start=1):
            line_vals["sequence"] = sequence
        vals["invoice_line_ids"] = [Command.create(v) for v in lines_vals]
        return vals

    def _prepare_contract_lines_values(self, plan):
        """Invoice line values of one contract, in contract order: each line
        OCA's _get_lines_to_invoice selected, a due line once per due period
        (in period order), a section or note line once."""
        periods = defaultdict(list)
        for line, period in plan["lines"]:
            periods[line].append(period)
        date_format = self._date_format(plan["contract"].partner_id.lang)
        vals_list = []
        # Lines OCA selects, then those only a gap brings (not due otherwise).
        lines = plan["invoice_lines"] | self.env["contract.line"].concat(*periods)
        for line in lines:
            if line in periods:
                dated_line = line.with_context(sci_date_format=Trusted(date_format))
                vals_list += [
                    dated_line._sci_prepare_invoice_line_values(start, end, next_date)
                    for start, end, next_date in periods[line]
                ]
            elif line.display_type and not line.is_recurring_note:
                vals_list.append(line._sci_prepare_display_line_values())
        vals_list += plan["contract"]._sci_price_increase_note_values()
        return [vals for vals in vals_list if vals]

    def _prepare_section_values(self, contract):
        return {
            "display_type": "line_section",
            "name": contract.display_name,
        }

    def _date_format(self, lang_code):
        # res.lang._get_data is cached: no query per contract.
        lang = self.env["res.lang"]._get_data(code=lang_code or self.env.lang)
        return lang.date_format or "%m/%d/%Y"

    # === Writes ===

    def _create_moves(self, groups, vals_list, invoicing_run=None):
        """Create all invoices at once; when that fails, one by one, so a
        failing contract keeps the others' invoices. A PostgreSQL concurrency
        error is no contract's fault: it is raised, for Odoo (request) or
        queue_job (job) to retry the whole transaction.

        :return: (moves, {index of a failed group: message})"""
        Move = self.env["account.move"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )
        if invoicing_run:
            for vals in vals_list:
                vals["sci_invoicing_run_id"] = invoicing_run.id
        try:
            with self.env.cr.savepoint():
                return Move.create(vals_list), {}
        except Exception as error:  # noqa: BLE001 - isolated per contract just below
            if is_concurrency_error(error):
                raise
            _logger.info("Batch invoice creation failed, retrying one by one")
        moves = Move
        failed = {}
        for index, vals in enumerate(vals_list):
            try:
                with self.env.cr.savepoint():
                    moves |= Move.create([vals])
            except Exception as error:  # noqa: BLE001 - reported to the user
                if is_concurrency_error(error):
                    raise
                failed[index] = str(error.args[0] if error.args else error)
        return moves, failed

    def _advance_lines(self, plans):
        """Move each invoiced line's last invoiced date to the end of its last
        invoiced period, one write per distinct date."""
        by_date = defaultdict(list)
        for plan in plans:
            last = {}
            for line, (__, end, __) in plan["lines"]:
                # Never backwards: a period not invoiced (a gap) lies before
                # the last invoiced date.
                last[line] = max(
                    end, last.get(line, end), line.last_date_invoiced or end
                )
            for line, end in last.items():
                by_date[end].append(line.id)
        # Invoicing bookkeeping: a Service Contract User invoices contracts
        # they may read (record rules applied when selecting them) but not
        # change, so the invoiced date is recorded as superuser.
        Line = (
            self.env["contract.line"].sudo().with_context(sci_skip_lock_check=Trusted())
        )
        for end, line_ids in by_date.items():
            Line.browse(line_ids).write({"last_date_invoiced": end})

    def _after_create_moves(self, moves):
        """OCA's steps after creating contract invoices, for the whole batch at
        once: the message naming the contract on each invoice
        (_add_contract_origin), then the contract's followers subscribed to it
        (_invoice_followers). OCA looks each contract's invoices up by a search
        on all its invoice lines; the invoices just created are given in the
        context instead (contract.contract._get_related_invoices)."""
        invoices_by_contract = defaultdict(list)
        for move in moves:
            for contract in move.invoice_line_ids.contract_line_id.contract_id:
                invoices_by_contract[contract.id].append(move.id)
        if not invoices_by_contract:
            return
        contracts = (
            self.env["contract.contract"]
            .browse(list(invoices_by_contract))
            .with_context(sci_invoices_by_contract=Trusted(dict(invoices_by_contract)))
        )
        contracts._add_contract_origin(moves)
        contracts._invoice_followers(moves)

    def _post_moves(self, moves):
        failures = []
        try:
            with self.env.cr.savepoint():
                moves.action_post()
                return failures
        except Exception as error:  # noqa: BLE001 - isolated per invoice just below
            if is_concurrency_error(error):
                raise
            _logger.info("Batch posting failed, posting one by one")
        for move in moves:
            try:
                with self.env.cr.savepoint():
                    move.action_post()
            except Exception as error:  # noqa: BLE001 - reported to the user
                if is_concurrency_error(error):
                    raise
                contract = move.invoice_line_ids.contract_line_id.contract_id[:1]
                failures.append(
                    (
                        contract,
                        self.env._(
                            "invoice %(move)s created but not posted: %(error)s",
                            move=move.display_name,
                            error=error.args[0] if error.args else error,
                        ),
                    )
                )
        return failures
