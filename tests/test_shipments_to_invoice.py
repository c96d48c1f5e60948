# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .test_delivered_services import TestDeliveredServicesBase


@tagged("post_install", "-at_install")
class TestShipmentsToInvoice(TestDeliveredServicesBase):
    """Shipments to Invoice: one row per delivery line and delivered service
    left to invoice; Create Invoice starts the customer's invoice."""

    def _rows(self, partner=None):
        return self.env["service.shipment.to.invoice"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    @staticmethod
    def _key(row):
        return (row.order_id.name, row.picking_id.name or False, row.product_id.name)

    def test_rows(self):
        rows = self._rows()
        self.assertEqual(
            {self._key(row): (row.quantity, row.amount) for row in rows},
            {
                (self.so1.name, self.p1.name, "SCI Widget"): (6.0, 600.0),
                (self.so1.name, self.p1.name, "SCI Gadget"): (5.0, 180.0),
                (self.so2.name, self.p2.name, "SCI Widget"): (2.0, 160.0),
                (self.so_service.name, False, "SCI Field Labour"): (4.0, 220.0),
            },
        )
        row_p1 = rows.filtered(lambda row: row.move_id == self.move_p1_a)
        self.assertEqual(row_p1.date, self.move_p1_a.date)
        self.assertEqual(row_p1.uom_id, self.uom_unit)
        self.assertEqual(row_p1.source, "shipment")
        self.assertEqual(
            self._rows(self.other_customer).picking_id, self.so_other.picking_ids
        )
        # Partly invoiced: the rest is left.
        self._invoice_shipments([(self.p1, self.product_a, 4.0)])
        self.assertEqual(
            self._rows().filtered(lambda row: row.move_id == self.move_p1_a).quantity,
            2.0,
        )

    def test_create_invoice(self):
        rows = self._rows().filtered(
            lambda row: row.move_id == self.move_p2_a or row.source == "service"
        )
        action = rows.action_create_invoice()
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.state, "draft")
        self.assertEqual(invoice.move_type, "out_invoice")
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(
            {
                (line.product_id.name, line.quantity, line.price_unit)
                for line in invoice.invoice_line_ids
            },
            {("SCI Widget", 2.0, 80.0), ("SCI Field Labour", 4.0, 55.0)},
        )
        invoice.action_post()
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        self.assertEqual(self.service_line.qty_invoiced, 4.0)
        self.assertFalse(
            self._rows().filtered(
                lambda row: row.move_id == self.move_p2_a or row.source == "service"
            )
        )

    @freeze_time("2026-11-20")
    def test_create_invoice_refused(self):
        rows = self.env["service.shipment.to.invoice"].search(
            [("partner_id", "in", (self.customer | self.other_customer).ids)]
        )
        with self.assertRaisesText(UserError, "SCI Customer", "SCI Other Customer"):
            rows.action_create_invoice()
        currency = self._foreign_currency()
        pricelist = self.env["product.pricelist"].create(
            {"name": "SCI Foreign", "currency_id": currency.id}
        )
        order = self._create_sale_order(
            self.customer, [(self.product_b, 2, 30.0, 0.0)], pricelist_id=pricelist.id
        )
        self._deliver(order.picking_ids, {self.product_b: 2})
        with self.assertRaisesText(UserError, order.name, self.so1.name, "currencies"):
            self._rows().action_create_invoice()
        # A foreign order alone: an invoice in its currency.
        action = (
            self._rows().filtered(lambda r: r.order_id == order).action_create_invoice()
        )
        invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.currency_id, currency)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 30.0)

    def test_views(self):
        action = self.env.ref(
            "service_contract_invoicing.service_shipment_to_invoice_action"
        )
        self.assertIn("groupby_partner", action.context)
        self.assertNotIn("barcode", str(action.help))
        menu = self.env.ref("service_contract_invoicing.menu_stock_picking_to_invoice")
        self.assertEqual(
            menu.parent_id,
            self.env.ref("service_contract_invoicing.menu_service_contract_root"),
        )
        self.assertEqual(menu.sequence, 40)
        self.assertEqual(menu.action, action)
        arch = self.env["service.shipment.to.invoice"].get_views([(False, "list")])[
            "views"
        ]["list"]["arch"]
        for name in (
            "partner_id",
            "order_id",
            "picking_id",
            "date",
            "product_id",
            "quantity",
            "amount",
        ):
            self.assertIn(f'name="{name}"', arch)
        self.assertIn('name="action_create_invoice"', arch)
        self.assertNotIn("scheduled_date", arch)
