# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sci_invoice_lead_days = fields.Integer(
        string="Contract Invoicing Lead Time (days)",
        config_parameter="service_contract_invoicing.invoice_lead_days",
        default=0,
        help="The scheduled action Create Contract Invoices invoices every "
        "contract due up to today plus this many days.",
    )
