# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class StockLot(models.Model):
    _inherit = "stock.lot"

    contract_line_ids = fields.One2many(
        comodel_name="contract.line",
        inverse_name="lot_id",
        string="Contract Lines",
    )
    service_contract_count = fields.Integer(
        string="Service Contracts", compute="_compute_service_contract_count"
    )

    def _compute_service_contract_count(self):
        counts = {
            lot.id: count
            for lot, count in self.env["contract.line"]._read_group(
                [("lot_id", "in", self.ids)], ["lot_id"], ["contract_id:count_distinct"]
            )
        }
        for lot in self:
            lot.service_contract_count = counts.get(lot.id, 0)

    def action_view_service_contracts(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "contract.action_customer_contract"
        )
        action["domain"] = [("contract_line_ids.lot_id", "=", self.id)]
        return action
