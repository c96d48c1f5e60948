# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Service contracts: amounts, annual amount spread, price updates and credit
# memos.
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_amount, format_date

from .amounts import split_amount
from .contract_contract import (
    PERIODS_PER_YEAR,
    RULE_PERIODS_PER_YEAR,
)
from .contract_period import recurrence_months
from .trusted_context import Trusted


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Amounts ===

    @api.depends(
        "invoice_period",
        "currency_id",
        "contract_line_ids.price_subtotal",
        "contract_line_ids.recurring_rule_type",
        "contract_line_ids.recurring_interval",
        "contract_line_ids.display_type",
        "contract_line_ids.is_canceled",
        # The form edits the lines through OCA's contract_line_fixed_ids:
        # computed before save too.
        "contract_line_fixed_ids.price_subtotal",
        "contract_line_fixed_ids.recurring_rule_type",
        "contract_line_fixed_ids.recurring_interval",
        "contract_line_fixed_ids.display_type",
        "contract_line_fixed_ids.is_canceled",
    )
    def _compute_amounts(self):
        """Amount per Period: what one period invoices, each line rounded to
        the currency as on the invoice. Annual Amount: each line's amount per
        period times its periods in a year, rounded once at the end, so a
        yearly 8,000.00 shows 8,000.00 (not OCA's rounded monthly amount x
        12, 8,000.04)."""
        for contract in self:
            if contract.invoice_period == "none":
                contract.amount_per_period = contract.annual_amount = 0.0
                continue
            currency = contract.currency_id
            lines = (
                contract.contract_line_ids | contract.contract_line_fixed_ids
            ).filtered(lambda line: not line.display_type and not line.is_canceled)
            per_period = annual = 0.0
            for line in lines:
                amount = currency.round(line.price_subtotal)
                per_period += amount
                annual += amount * contract._sci_line_periods_per_year(line)
            contract.amount_per_period = currency.round(per_period)
            contract.annual_amount = currency.round(annual)

    @api.model
    def _sci_line_periods_per_year(self, line):
        """How many times a year ``line`` is invoiced (its own recurrence)."""
        return RULE_PERIODS_PER_YEAR.get(line.recurring_rule_type, 12) / (
            line.recurring_interval or 1
        )

    def _sci_periods_per_year(self):
        self.ensure_one()
        if self.invoice_period in PERIODS_PER_YEAR:
            return PERIODS_PER_YEAR[self.invoice_period]
        months = recurrence_months(self.recurring_rule_type, self.recurring_interval)
        if months and 12 % months == 0:
            return 12 // months
        raise UserError(
            self.env._(
                "Contract %(contract)s: an annual amount can only be spread over "
                "an invoice period that divides a year.",
                contract=self.display_name,
            )
        )

    def _sci_spread_shares(self, lines, per_period):
        """Split one period's amount over the lines in proportion to their
        current amounts (equally when they have none). Each share is rounded
        to the currency; the rounding difference goes to the last line, so the
        shares always add up to the period amount."""
        currency = self.currency_id
        weights = [line.price_subtotal for line in lines]
        if not currency.compare_amounts(sum(weights), 0.0) > 0:
            weights = [1.0] * len(lines)
        return split_amount(per_period, weights, currency)

    def action_spread_annual_amount(self):
        self._sci_check_manager()
        for contract in self:
            contract._sci_check_locked({"contract_line_ids"})
            lines = contract.contract_line_ids.filtered(
                lambda line: not line.display_type and not line.is_canceled
            )
            currency = contract.currency_id
            if (
                not lines
                or currency.compare_amounts(contract.annual_amount_target, 0) <= 0
            ):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: enter a positive Annual Amount to "
                        "Spread and at least one contract line.",
                        contract=contract.display_name,
                    )
                )
            periods = contract._sci_periods_per_year()
            per_period = currency.round(contract.annual_amount_target / periods)
            for line, share in zip(
                lines, contract._sci_spread_shares(lines, per_period), strict=True
            ):
                factor = line.quantity * (1 - (line.discount or 0.0) / 100.0)
                if not factor:
                    raise UserError(
                        self.env._(
                            "Contract %(contract)s, line %(line)s: a zero quantity "
                            "or a 100%% discount cannot carry an amount.",
                            contract=contract.display_name,
                            line=line.name,
                        )
                    )
                line.write({"automatic_price": False, "price_unit": share / factor})
            difference = currency.round(
                contract.annual_amount_target - per_period * periods
            )
            contract.message_post(
                body=self.env._(
                    "Annual amount %(annual)s spread over %(periods)s periods of "
                    "%(per_period)s; rounding difference over a year: "
                    "%(difference)s.",
                    annual=contract.annual_amount_target,
                    periods=periods,
                    per_period=per_period,
                    difference=difference,
                )
            )
        return True

    # === Price updates (Update Contract Prices) ===

    def _sci_price_update_skip_reason(self):
        """Why Update Contract Prices leaves this contract's prices alone, or
        '' when it updates them."""
        self.ensure_one()
        if not self._sci_service_contracts():
            return self.env._("not a service contract")
        if self.contract_state == "cancelled":
            return self.env._("cancelled")
        if self.contract_state != "signed":
            return self.env._("not signed")
        if self.change_status == "open":
            return self.env._("Open contract: lock it to update its prices")
        if self.sci_price_update_period <= 0:
            return self.env._("no Price Update Period")
        return ""

    def _sci_price_update_lines(self):
        """The lines whose unit price a price update multiplies: product lines
        with a price of their own (a pricelist price follows its pricelist)."""
        self.ensure_one()
        return self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.automatic_price
        )

    def _sci_annual_amount_after_update(self, factor):
        """The Annual Amount this contract would show once its prices are
        multiplied by ``factor``, computed as _compute_amounts does."""
        self.ensure_one()
        if self.invoice_period == "none":
            return 0.0
        currency = self.currency_id
        updated = self._sci_price_update_lines()
        annual = 0.0
        for line in self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        ):
            if line in updated:
                amount = currency.round(
                    line.quantity
                    * line._sci_updated_price_unit(factor)
                    * (1 - (line.discount or 0.0) / 100.0)
                )
            else:
                amount = currency.round(line.price_subtotal)
            annual += amount * self._sci_line_periods_per_year(line)
        return currency.round(annual)

    def _sci_next_price_update_after(self, update_to_date):
        """The next price update date once updated by a run up to
        ``update_to_date``: moved on by the period until it is after that date,
        so that one run updates a contract once, and a second run with the same
        Update-to Date changes nothing."""
        self.ensure_one()
        months = relativedelta(months=self.sci_price_update_period)
        next_date = self.sci_next_price_update_date + months
        while next_date <= update_to_date:
            next_date += months
        return next_date

    def _sci_apply_price_update(self, percent, update_to_date):
        """Update Contract Prices on these contracts: each line's unit price
        times (1 + percent / 100), rounded to the Product Price precision; the
        next price update date moved on; old and new Annual Amount in the
        chatter. Only for a Service Contract Manager, on signed and Locked
        service contracts (see _sci_price_update_skip_reason).

        :return: [(contract, old annual amount, new annual amount)]"""
        self._sci_check_manager()
        self.check_access("write")
        factor = 1 + percent / 100.0
        today = fields.Date.context_today(self)
        done = []
        for contract in self:
            reason = contract._sci_price_update_skip_reason()
            if reason:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: prices not updated (%(reason)s).",
                        contract=contract.display_name,
                        reason=reason,
                    )
                )
            old_amount = contract.annual_amount
            contract._sci_price_update_lines()._sci_apply_price_update(factor)
            contract.write(
                {
                    "sci_next_price_update_date": (
                        contract._sci_next_price_update_after(update_to_date)
                    ),
                    "sci_last_price_update_percent": percent,
                    "sci_last_price_update_date": today,
                }
            )
            new_amount = contract.annual_amount
            contract.message_post(
                body=self.env._(
                    "Prices updated by %(percent)s%%: Annual Amount %(old)s -> "
                    "%(new)s. Next price update: %(next)s.",
                    percent=f"{percent:.2f}",
                    old=format_amount(self.env, old_amount, contract.currency_id),
                    new=format_amount(self.env, new_amount, contract.currency_id),
                    next=format_date(self.env, contract.sci_next_price_update_date),
                )
            )
            done.append((contract, old_amount, new_amount))
        return done

    def _sci_price_increase_note_values(self):
        """Invoice line values of this contract's Price Increase Text: a note
        line on its next invoice (see service.contract.invoicing)."""
        if not self.sci_price_increase_text:
            return []
        return [{"display_type": "line_note", "name": self.sci_price_increase_text}]

    def _sci_clear_price_increase_text(self):
        """The Price Increase Text went on an invoice: cleared."""
        contracts = self.filtered("sci_price_increase_text")
        # Invoicing bookkeeping: a Service Contract User invoices contracts
        # they may read but not change.
        contracts.sudo().write({"sci_price_increase_text": False})

    # === Credit memos when a contract shrinks ===

    def _compute_sci_credit_memo_due(self):
        for contract in self:
            contract.sci_credit_memo_due = bool(
                contract._sci_service_contracts()
                and contract.contract_line_ids._sci_credit_memo_candidates()
            )

    def _sci_shrink_on_cancel(self):
        """A cancelled service contract ends on the day it is cancelled: its
        lines invoiced beyond that day end then, and what was invoiced for the
        days after is credited (see contract.line._sci_shrink_values). Lines
        not started yet keep their dates: credit them with Odoo's Credit
        Note."""
        today = fields.Date.context_today(self)
        lines = self._sci_service_contracts().contract_line_ids.filtered(
            lambda line: not line.display_type
            and line.last_date_invoiced
            and line.last_date_invoiced > today
            and (not line.date_start or line.date_start <= today)
        )
        # Part of the cancellation a manager just made (checked by
        # action_cancel_contract): the cancelled contract's lines end today.
        lines._sci_write_unlocked({"date_end": today})

    def _sci_prepare_credit_memo_values(self, items, date_format):
        """Values of one draft credit memo of this contract: ``items`` are
        (contract line, invoice line, credit from, credit to) of invoices with
        the same customer, currency, journal and fiscal position."""
        self.ensure_one()
        invoice = items[0][1].move_id
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "currency_id": invoice.currency_id.id,
            "journal_id": invoice.journal_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "company_id": self.company_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": self.env._("Contract %(contract)s reduced", contract=self.name),
            "invoice_line_ids": [
                Command.create(
                    line.with_context(
                        sci_date_format=Trusted(date_format)
                    )._sci_prepare_credit_memo_line_values(origin, start, end)
                )
                for line, origin, start, end in items
            ],
        }

    def _sci_create_credit_memos(self):
        """Draft credit memos of these service contracts for what was invoiced
        after their lines ended (see contract.line._sci_credit_memo_candidates):
        one per contract and invoicing terms, one line per contract line and
        invoiced period, pro rata by day. Each invoiced period is credited
        once.

        :return: the credit memos"""
        Engine = self.env["service.contract.invoicing"]
        vals_list = []
        contracts = []
        for contract in self._sci_service_contracts():
            groups = defaultdict(list)
            for item in contract.contract_line_ids._sci_credit_memo_candidates():
                invoice = item[1].move_id
                key = (
                    invoice.partner_id,
                    invoice.currency_id,
                    invoice.journal_id,
                    invoice.fiscal_position_id,
                )
                groups[key].append(item)
            date_format = Engine._date_format(contract.partner_id.lang)
            for items in groups.values():
                vals_list.append(
                    contract._sci_prepare_credit_memo_values(items, date_format)
                )
                contracts.append(contract)
        if not vals_list:
            return self.env["account.move"]
        # Bookkeeping that follows a permitted change of the contract (a line
        # removed while Open, the contract cancelled, Create Credit Memo by a
        # manager): a draft for an accountant to check and post, whether or not
        # this user may create invoices.
        moves = self.env["account.move"].sudo().create(vals_list)
        self.invalidate_recordset(["sci_credit_memo_due"])
        for contract, move in zip(contracts, moves, strict=True):
            contract.sudo().message_post(
                body=Markup(self.env._("Credit memo created: %(link)s"))
                % {"link": move._get_html_link(title=move.display_name)}
            )
        return moves.sudo(False)

    def action_create_credit_memo(self):
        """Create Credit Memo: credit what was invoiced after the contract's
        lines were removed or the contract cancelled."""
        self._sci_check_manager()
        moves = self._sci_create_credit_memos()
        if not moves:
            raise UserError(
                self.env._(
                    "Nothing to credit on %(contracts)s: no invoiced period ends "
                    "after a removed line's End Date.",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        if len(moves) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = moves.id
        return action
