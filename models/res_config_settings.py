# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sci_invoice_lead_days = fields.Integer(
        string="Contract Invoicing Lead Time (days)",
        config_parameter="service_contract_invoicing.invoice_lead_days",
        default=0,
        help="The scheduled action Create Contract Invoices invoices every "
        "contract due up to today plus this many days.",
    )
    sci_invoicing_cron_active = fields.Boolean(
        string="Invoice Contracts Every Day",
        help="Activates the scheduled action Create Contract Invoices.",
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
        res = super().set_values()
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
