# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    sci_stock_move_ids = fields.Many2many(
        comodel_name="stock.move",
        relation="sci_account_move_line_stock_move_rel",
        column1="move_line_id",
        column2="stock_move_id",
        string="Shipment Moves",
        readonly=True,
        copy=False,
        help="Customer shipment moves this line invoices (Get Shipment Lines).",
    )

    def _copy_data_extend_business_fields(self, values):
        # Credit notes and "reverse and create invoice" keep the link to the
        # shipments, so that they give the invoiced quantity back.
        res = super()._copy_data_extend_business_fields(values)
        values["sci_stock_move_ids"] = [(6, None, self.sci_stock_move_ids.ids)]
        return res
