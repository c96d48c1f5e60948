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
