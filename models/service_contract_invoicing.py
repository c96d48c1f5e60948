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
from dataclasses import dataclass, field

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, config, format_date

_logger = logging.getLogger(__name__)

BATCH_SIZE = 200
# A scheduled run stops taking new batches after this many seconds, reports
# what remains and lets Odoo call it again, well before limit_time_cpu.
CRON_TIME_BUDGET = 40


@dataclass
class InvoicingResult:
    """What a run did: invoices created, per-period preview lines, contracts
    skipped (contract, reason) and contracts that failed (contract, message)."""

    moves: object = None
    preview: list = field(default_factory=list)
    skipped: list = field(default_factory=list)
    failures: list = field(default_factory=list)
    invoiced_contract_ids: set = field(default_factory=set)

    def merge(self, other):
        self.moves |= other.moves
        self.preview += other.preview
        self.skipped += other.skipped
        self.failures += other.failures
        self.invoiced_contract_ids |= other.invoiced_contract_ids


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
    ):
        """Invoice every period of ``contracts`` due on or before
        ``invoice_to_date``, dated ``posting_date``.

        :param commit: commit after each batch (scheduled action only), so an
            interruption loses at most one batch and a rerun does the rest.
        :param time_budget: seconds after which no new batch is started
        :return: InvoicingResult
        """
        result = InvoicingResult(moves=self.env["account.move"])
        ids = contracts.ids
        started = time.monotonic()
        for start in range(0, len(ids), BATCH_SIZE):
            if time_budget and time.monotonic() - started > time_budget:
                break
            batch = contracts.browse(ids[start : start + BATCH_SIZE])
            result.merge(
                self._run_batch(
                    batch, posting_date, invoice_to_date, combine, post, dry_run
                )
            )
            if commit and not dry_run:
                self.env.cr.commit()  # pylint: disable=invalid-commit
                self.env["ir.cron"]._notify_progress(
                    done=min(start + BATCH_SIZE, len(ids)),
                    remaining=max(len(ids) - start - BATCH_SIZE, 0),
                )
                self.env.invalidate_all()
        return result

    @api.model
    def _due_contracts_domain(self, invoice_to_date):
        return self.env["contract.contract"]._sci_invoiceable_domain() + [
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", invoice_to_date),
        ]

    @api.model
    def _cron_create_invoices(self, limit=None):
        """Scheduled action: invoice every due contract, dated today, up to
        today plus the lead time set in the settings."""
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
        # Tests run inside one transaction that must not be committed.
        testing = config["test_enable"] or getattr(
            threading.current_thread(), "testing", False
        )
        result = self.run(
            contracts,
            posting_date=today,
            invoice_to_date=invoice_to_date,
            combine=True,
            commit=not testing,
            time_budget=CRON_TIME_BUDGET,
        )
        for contract, message in result.failures:
            _logger.warning(
                "Contract %s not invoiced: %s", contract.display_name, message
            )
        _logger.info(
            "Create Contract Invoices: %d contracts invoiced, %d invoices, "
            "%d skipped, %d failed",
            len(result.invoiced_contract_ids),
            len(result.moves),
            len(result.skipped),
            len(result.failures),
        )
        return result

    # === One batch ===

    def _lock_contracts(self, contracts):
        """Row-lock the contracts that no other transaction holds; an
        overlapping run skips the others instead of waiting or invoicing
        them twice."""
        if not contracts:
            return contracts
        contracts.flush_recordset()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM contract_contract WHERE id IN %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                tuple(contracts.ids),
            )
        )
        locked_ids = {row[0] for row in self.env.cr.fetchall()}
        locked = contracts.filtered(lambda c: c.id in locked_ids)
        # What another run committed before we locked must be seen.
        locked.invalidate_recordset()
        locked.contract_line_ids.invalidate_recordset()
        return locked

    def _run_batch(
        self, contracts, posting_date, invoice_to_date, combine, post, dry_run
    ):
        result = InvoicingResult(moves=self.env["account.move"])
        locked = contracts if dry_run else self._lock_contracts(contracts)
        for contract in contracts - locked:
            result.skipped.append(
                (contract, self.env._("being invoiced by another run"))
            )
        plans = []
        for contract in locked:
            reason = contract._sci_not_invoiceable_reason()
            if reason:
                result.skipped.append((contract, reason))
                continue
            try:
                plan = self._plan_contract(contract, invoice_to_date)
            except (UserError, ValidationError) as error:
                result.failures.append((contract, error.args[0]))
                continue
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
            ]
        if dry_run or not plans:
            return result
        groups, vals_list = [], []
        for group in self._group_plans(plans, combine):
            try:
                vals_list.append(self._prepare_invoice_values(group, posting_date))
            except (UserError, ValidationError) as error:
                result.failures += [(plan["contract"], error.args[0]) for plan in group]
                continue
            groups.append(group)
        moves, failed = self._create_moves(groups, vals_list)
        result.moves |= moves
        invoiced = []
        for index, group in enumerate(groups):
            if index in failed:
                result.failures += [(plan["contract"], failed[index]) for plan in group]
            else:
                invoiced += group
        self._advance_lines(invoiced)
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
        """The (line, period) pairs of a contract due up to invoice_to_date."""
        self._check_customer(contract)
        lines = contract.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        )
        planned = []
        for line in lines:
            periods = line._sci_due_periods(invoice_to_date)
            if periods:
                line._sci_check_can_invoice()
                planned += [(line, period) for period in periods]
        planned.sort(key=lambda item: (item[1][0], item[0].sequence, item[0].id))
        return {"contract": contract, "lines": planned}

    def _combine_key(self, contract):
        return (
            contract.invoice_partner_id.id or contract.partner_id.id,
            contract.currency_id.id,
            contract.company_id.id,
            contract.journal_id.id,
            contract.payment_term_id.id,
            contract.fiscal_position_id.id,
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

    # === Values ===

    def _prepare_invoice_values(self, group, posting_date):
        """Invoice values for a group of plans (one contract, or several
        combined: then a section line heads each contract's lines)."""
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
        for plan in group:
            contract = plan["contract"]
            if len(group) > 1:
                vals["invoice_line_ids"].append(
                    Command.create(self._prepare_section_values(contract))
                )
            date_format = self._date_format(contract.partner_id.lang)
            for line, (start, end, next_date) in plan["lines"]:
                line_vals = line.with_context(
                    sci_date_format=date_format
                )._sci_prepare_invoice_line_values(start, end, next_date)
                vals["invoice_line_ids"].append(Command.create(line_vals))
        return vals

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

    def _create_moves(self, groups, vals_list):
        """Create all invoices at once; when that fails, one by one, so a
        failing contract keeps the others' invoices.

        :return: (moves, {index of a failed group: message})"""
        Move = self.env["account.move"].with_context(
            tracking_disable=True,
            mail_create_nolog=True,
            mail_create_nosubscribe=True,
            mail_notrack=True,
        )
        try:
            with self.env.cr.savepoint():
                return Move.create(vals_list), {}
        except Exception:  # noqa: BLE001 - isolated per contract just below
            _logger.info("Batch invoice creation failed, retrying one by one")
        moves = Move
        failed = {}
        for index, vals in enumerate(vals_list):
            try:
                with self.env.cr.savepoint():
                    moves |= Move.create([vals])
            except Exception as error:  # noqa: BLE001 - reported to the user
                failed[index] = str(error.args[0] if error.args else error)
        return moves, failed

    def _advance_lines(self, plans):
        """Move each invoiced line's last invoiced date to the end of its last
        invoiced period, one write per distinct date."""
        by_date = defaultdict(list)
        for plan in plans:
            last = {}
            for line, (__, end, __) in plan["lines"]:
                last[line] = max(end, last.get(line, end))
            for line, end in last.items():
                by_date[end].append(line.id)
        # Invoicing bookkeeping: a Service Contract User invoices contracts
        # they may read (record rules applied when selecting them) but not
        # change, so the invoiced date is recorded as superuser.
        Line = self.env["contract.line"].sudo().with_context(sci_skip_lock_check=True)
        for end, line_ids in by_date.items():
            Line.browse(line_ids).write({"last_date_invoiced": end})

    def _post_moves(self, moves):
        failures = []
        try:
            with self.env.cr.savepoint():
                moves.action_post()
                return failures
        except Exception:  # noqa: BLE001 - isolated per invoice just below
            _logger.info("Batch posting failed, posting one by one")
        for move in moves:
            try:
                with self.env.cr.savepoint():
                    move.action_post()
            except Exception as error:  # noqa: BLE001 - reported to the user
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
