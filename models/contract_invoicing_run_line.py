# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ContractInvoicingRunLine(models.Model):
    _name = "contract.invoicing.run.line"
    _description = "Contract Invoicing Run: skipped or failed contract"
    _order = "run_id desc, status, contract_id, period_start"

    run_id = fields.Many2one(
        comodel_name="contract.invoicing.run",
        string="Run",
        required=True,
        index=True,
        ondelete="cascade",
        readonly=True,
    )
    contract_id = fields.Many2one(
        comodel_name="contract.contract",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
    )
    partner_id = fields.Many2one(related="contract_id.partner_id")
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True, string="Company"
    )
    status = fields.Selection(
        selection=[
            ("skipped", "Skipped"),
            ("failed", "Failed"),
            ("gap", "Period not invoiced"),
        ],
        required=True,
        readonly=True,
    )
    reason = fields.Text(readonly=True)
    contract_line_id = fields.Many2one(
        comodel_name="contract.line", ondelete="set null", readonly=True
    )
    period_start = fields.Date(string="Period From", readonly=True)
    period_end = fields.Date(string="Period To", readonly=True)
