# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    sci_period_start = fields.Date(
        string="Period From",
        copy=False,
        readonly=True,
        help="First day of the contract period this line invoices.",
    )
    sci_period_end = fields.Date(
        string="Period To",
        copy=False,
        readonly=True,
        help="Last day of the contract period this line invoices.",
    )
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

    def init(self):
        res = super().init()
        # A period of a contract line is invoiced at most once: enforced by
        # the database, whatever path (ours, OCA's, two overlapping runs)
        # creates the line. A cancelled invoice frees its periods.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON account_move_line "
                "(contract_line_id, sci_period_start) "
                "WHERE sci_period_start IS NOT NULL AND contract_line_id IS NOT NULL "
                "AND parent_state != 'cancel'",
                SQL.identifier("account_move_line_sci_contract_period_uniq"),
            )
        )
        return res

    def _copy_data_extend_business_fields(self, values):
        # Credit notes and "reverse and create invoice" keep the link to the
        # shipments, so that they give the invoiced quantity back.
        res = super()._copy_data_extend_business_fields(values)
        values["sci_stock_move_ids"] = [(6, None, self.sci_stock_move_ids.ids)]
        return res
