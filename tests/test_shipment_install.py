# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import tagged

from odoo.addons.service_contract_invoicing.hooks import _sci_fill_shipment_columns

from .test_shipment_invoicing import TestShipmentInvoicingBase

FIELDS = (
    "sci_is_shipment",
    "sci_qty_returned",
    "sci_qty_invoiced",
    "sci_qty_to_invoice",
    "sci_invoice_status",
)


@tagged("post_install", "-at_install")
class TestShipmentInstall(TestShipmentInvoicingBase):
    """The pre_init_hook fills the stock columns in SQL as if the deliveries
    had been made before install."""

    def _run_hook(self):
        """Empty the columns of every move and picking, as before install,
        then run the hook."""
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE stock_move SET sci_is_shipment = NULL, "
            "sci_is_before_install = NULL, sci_qty_returned = NULL, "
            "sci_qty_invoiced = NULL, sci_qty_consumed = NULL, "
            "sci_qty_to_invoice = NULL, sci_invoice_status = NULL"
        )
        self.env.cr.execute("UPDATE stock_picking SET sci_invoice_status = NULL")
        _sci_fill_shipment_columns(self.env.cr)
        self.env.invalidate_all()

    def test_history_at_install(self):
        # SO1 invoiced from its order before install (Odoo's Create Invoice):
        # fully for the gadget, 4 of the 6 widgets.
        invoice = self.so1._create_invoices()
        invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_a
        ).quantity = 4.0
        invoice.action_post()
        without_order = self._picking_without_order()
        self._run_hook()

        moves = self.move_p1_a | self.move_p1_b | self.move_p2_a
        self.assertTrue(all(moves.mapped("sci_is_before_install")))
        # Invoiced from the order: nothing left here; fully invoiced once
        # the order line is.
        self.assertEqual(self.move_p1_b.sci_qty_to_invoice, 0.0)
        self.assertEqual(self.move_p1_b.sci_invoice_status, "invoiced")
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 0.0)
        self.assertEqual(self.move_p1_a.sci_invoice_status, "no")
        self.assertEqual(self.p1.sci_invoice_status, "invoiced")
        # Not invoiced: delivered minus returned is left.
        self.assertEqual(self.move_p2_a.sci_qty_returned, 1.0)
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 2.0)
        self.assertEqual(self.p2.sci_invoice_status, "to invoice")
        # Without order: nothing to invoice.
        self.assertEqual(without_order.move_ids.sci_qty_to_invoice, 0.0)
        self.assertEqual(without_order.sci_invoice_status, "no")
        self.assertFalse(self.p2_return.move_ids.sci_is_shipment)
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertEqual(offered, {(self.p2.name, "SCI Widget"): 2.0})

        # The hook gives what the fields' compute methods give.
        hooked = {move: [move[name] for name in FIELDS] for move in moves}
        for name in FIELDS:
            self.env.add_to_compute(self.env["stock.move"]._fields[name], moves)
        moves.flush_recordset()
        for move in moves:
            self.assertEqual([move[name] for name in FIELDS], hooked[move])

        # The setting offers the deliveries without order made before install.
        settings = self.env["res.config.settings"].create(
            {"sci_offer_shipments_before_install": True}
        )
        settings.execute()
        self.assertEqual(without_order.move_ids.sci_qty_to_invoice, 2.0)
        self.assertEqual(without_order.sci_invoice_status, "to invoice")
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertEqual(offered[(without_order.name, "SCI Widget")], 2.0)
        settings = self.env["res.config.settings"].create(
            {"sci_offer_shipments_before_install": False}
        )
        settings.execute()
        self.assertEqual(without_order.sci_invoice_status, "no")
