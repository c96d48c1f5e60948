# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    def _sci_shipment_moves(self):
        """Customer shipment moves linked to the lines of ``self``."""
        return self.invoice_line_ids.sci_stock_move_ids

    def _post(self, soft=True):
        # Lock the shipments before posting and check, after posting, their
        # invoiced quantities: two invoices posted at the same time over the
        # same shipment cannot both pass.
        customer_moves = ("out_invoice", "out_refund")
        self.filtered(
            lambda move: move.move_type in customer_moves
        )._sci_shipment_moves()._sci_lock()
        posted = super()._post(soft=soft)
        posted.filtered(
            lambda move: move.move_type in customer_moves
        )._sci_shipment_moves()._sci_check_invoiced_quantity()
        return posted

    def action_sci_get_shipment_lines(self):
        """Open Get Shipment Lines on a draft customer invoice."""
        self.ensure_one()
        self._sci_check_can_get_shipment_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Get Shipment Lines"),
            "res_model": "service.shipment.line.select",
            "view_mode": "form",
            "target": "new",
            "context": {"default_invoice_id": self.id},
        }

    def _sci_check_can_get_shipment_lines(self):
        for invoice in self:
            if invoice.move_type != "out_invoice":
                raise UserError(
                    self.env._(
                        "%(move)s is not a customer invoice: Get Shipment Lines "
                        "only fills customer invoices.",
                        move=invoice.display_name,
                    )
                )
            if invoice.state != "draft":
                raise UserError(
                    self.env._(
                        "Invoice %(move)s is not a draft: reset it to draft "
                        "before adding shipment lines.",
                        move=invoice.display_name,
                    )
                )
            if not invoice.partner_id:
                raise UserError(
                    self.env._(
                        "Invoice %(move)s has no customer: set the customer "
                        "first, then get its shipment lines.",
                        move=invoice.display_name,
                    )
                )
