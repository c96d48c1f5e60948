# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Service contracts: deferral of prepaid revenue (settings, schedule).

from odoo import api, models
from odoo.exceptions import UserError, ValidationError


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Prepaid revenue deferral ===

    @api.depends("company_id")
    def _compute_sci_defer_revenue(self):
        for contract in self:
            contract.sci_defer_revenue = contract.company_id.sci_defer_prepaid_revenue

    def _compute_sci_deferred_revenue(self):
        Schedule = self.env["contract.revenue.schedule"]
        counts = dict(
            Schedule._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        pending = dict(
            Schedule._read_group(
                [("contract_id", "in", self.ids), ("state", "=", "pending")],
                ["contract_id"],
                ["amount:sum"],
            )
        )
        for contract in self:
            contract.sci_revenue_schedule_count = counts.get(contract, 0)
            contract.sci_deferred_revenue_pending = pending.get(contract, 0.0)

    @api.constrains("sci_deferred_revenue_account_id", "company_id")
    def _check_sci_deferred_revenue_account(self):
        for contract in self.filtered("sci_deferred_revenue_account_id"):
            contract.company_id._sci_check_deferred_revenue_account(
                contract.sci_deferred_revenue_account_id
            )

    @api.constrains("sci_defer_revenue", "sci_contract_lines_on_invoice")
    def _check_sci_deferral_shows_lines(self):
        # The deferral schedule is kept per invoice line of a contract line:
        # an invoice summing the contract's lines has none to schedule.
        for contract in self:
            if contract._sci_defers_revenue() and not (
                contract.sci_contract_lines_on_invoice
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s defers its prepaid revenue: its "
                        "invoices show its contract lines. Tick Contract Lines "
                        "on Invoice, or untick Defer Prepaid Revenue.",
                        contract=contract.display_name,
                    )
                )

    def action_view_sci_revenue_schedule(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.contract_revenue_schedule_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action

    def _sci_defers_revenue(self):
        """Whether prepaid periods of this contract are deferred."""
        self.ensure_one()
        return (
            self.is_service_contract
            and self.contract_type == "sale"
            and self.sci_defer_revenue
        )

    def _sci_deferred_revenue_account(self):
        """The deferred revenue account of this contract's invoices."""
        self.ensure_one()
        account = (
            self.sci_deferred_revenue_account_id
            or self.company_id.sci_deferred_revenue_account_id
        )
        if not account:
            raise UserError(
                self.env._(
                    "Contract %(contract)s defers its prepaid revenue but no "
                    "deferred revenue account is set. Choose one in Service "
                    "Contracts > Configuration > Settings > Prepaid Revenue, or "
                    "on the contract.",
                    contract=self.display_name,
                )
            )
        return account
