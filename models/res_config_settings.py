# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .stock_move import OFFER_BEFORE_INSTALL_PARAM


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sci_invoice_lead_days = fields.Integer(
        string="Contract Invoicing Lead Time (days)",
        config_parameter="service_contract_invoicing.invoice_lead_days",
        default=0,
        help="The scheduled action Create Contract Invoices invoices every "
        "contract due up to today plus this many days.",
    )
    sci_defer_prepaid_revenue = fields.Boolean(
        related="company_id.sci_defer_prepaid_revenue", readonly=False
    )
    sci_deferred_revenue_account_id = fields.Many2one(
        related="company_id.sci_deferred_revenue_account_id",
        readonly=False,
        domain="[('account_type', '=', 'liability_current'), "
        "('company_ids', 'parent_of', company_id)]",
    )
    sci_deferral_journal_id = fields.Many2one(
        related="company_id.sci_deferral_journal_id",
        readonly=False,
        domain="[('type', '=', 'general'), ('company_id', 'parent_of', company_id)]",
    )
    sci_background_threshold = fields.Integer(
        string="Contract Invoicing Background Threshold",
        config_parameter="service_contract_invoicing.background_threshold",
        default=500,
        help="A Create Contract Invoices run over more contracts than this runs "
        "in the background, one queue job per batch of contracts.",
    )
    sci_run_responsible_id = fields.Many2one(
        comodel_name="res.users",
        string="Contract Invoicing Runs Responsible",
        config_parameter="service_contract_invoicing.run_responsible_id",
        help="Gets an activity when a scheduled Create Contract Invoices run has "
        "failures. Empty: the scheduled action's user, or the administrator when "
        "that is the superuser.",
    )
    sci_offer_shipments_before_install = fields.Boolean(
        string="Offer Deliveries Made Before Install",
        config_parameter=OFFER_BEFORE_INSTALL_PARAM,
        help="Deliveries without sales order done before this addon was "
        "installed count as nothing to invoice. Turn this on to offer them in "
        "Get Shipment Lines and Shipments to Invoice.",
    )

    sci_invoicing_cron_active = fields.Boolean(
        string="Invoice Contracts Every Day",
        help="Activates the scheduled action Create Contract Invoices.",
    )

    @api.onchange("sci_defer_prepaid_revenue")
    def _onchange_sci_defer_prepaid_revenue(self):
        """Switched on: propose the chart's deferred revenue account."""
        for settings in self:
            if (
                settings.sci_defer_prepaid_revenue
                and not settings.sci_deferred_revenue_account_id
            ):
                settings.sci_deferred_revenue_account_id = (
                    settings.company_id._sci_proposed_deferred_revenue_account()
                )

    @api.constrains("sci_defer_prepaid_revenue", "sci_deferred_revenue_account_id")
    def _check_sci_deferred_revenue_account(self):
        """Deferral cannot be switched on without the account the invoices
        book it to (posting them would fail)."""
        for settings in self:
            if (
                settings.sci_defer_prepaid_revenue
                and not settings.sci_deferred_revenue_account_id
            ):
                proposed = settings.company_id._sci_proposed_deferred_revenue_account()
                raise ValidationError(
                    self.env._(
                        "Defer Prepaid Contract Revenue needs a Deferred Revenue "
                        "Account: choose one in Service Contracts > Configuration "
                        "> Settings > Prepaid Revenue%(example)s, or switch "
                        "deferral off.",
                        example=self.env._(
                            " (for example %(account)s)", account=proposed.display_name
                        )
                        if proposed
                        else "",
                    )
                )

    @api.model
    def _sci_invoicing_cron(self):
        """The scheduled action that invoices the service contracts."""
        return self.env.ref(
            "service_contract_invoicing.service_contract_invoicing_cron",
            raise_if_not_found=False,
        )

    @api.model
    def get_values(self):
        res = super().get_values()
        cron = self._sci_invoicing_cron()
        res["sci_invoicing_cron_active"] = bool(cron and cron.active)
        return res

    def set_values(self):
        before = self.env["stock.move"]._sci_offer_before_install()
        res = super().set_values()
        if self.env["stock.move"]._sci_offer_before_install() != before:
            self.env["stock.move"]._sci_recompute_before_install()
        cron = self._sci_invoicing_cron()
        if cron and cron.active != self.sci_invoicing_cron_active:
            cron.active = self.sci_invoicing_cron_active
        return res

    def action_sci_open_invoicing_cron(self):
        cron = self._sci_invoicing_cron()
        return {
            "type": "ir.actions.act_window",
            "res_model": "ir.cron",
            "res_id": cron.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "name": cron.name,
        }
