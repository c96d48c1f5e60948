# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import format_date

from .test_shipment_invoicing import TestShipmentInvoicingBase


@tagged("post_install", "-at_install")
class TestShipmentInvoiceLines(TestShipmentInvoicingBase):
    """Invoice lines as Odoo makes them, offered to whom the order bills, in
    the order's currency."""

    def _product_with_taxes(self, name, taxes):
        return self.env["product.product"].create(
            {
                "name": name,
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 70.0,
                "taxes_id": [Command.set(taxes.ids)],
            }
        )

    def test_line_as_odoo_create_invoice(self):
        """Get Shipment Lines makes, for an order line and a quantity, the line
        Odoo's Create Invoice makes: fiscal position mapping the taxes,
        discount, analytic distribution, accounts."""
        tax_mapped = self.env["account.tax"].create(
            {"name": "SCI Tax 20% mapped", "amount": 20.0, "type_tax_use": "sale"}
        )
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "SCI Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax.id, "tax_dest_id": tax_mapped.id}
                    )
                ],
            }
        )
        customer = self.env["res.partner"].create(
            {
                "name": "SCI Export Customer",
                "is_company": True,
                "property_account_position_id": fiscal_position.id,
            }
        )
        product = self._product_with_taxes("SCI Export Widget", self.tax)
        self.env["stock.quant"]._update_available_quantity(
            product, self.warehouse.lot_stock_id, 10.0
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 5,
                            "price_unit": 120.0,
                            "discount": 15.0,
                        }
                    )
                ],
            }
        )
        order_line = order.order_line
        order_line.analytic_distribution = {str(self.analytic_account.id): 100}
        self.assertEqual(order.fiscal_position_id, fiscal_position)
        self.assertEqual(order_line.tax_id, tax_mapped)
        order.action_confirm()
        picking = order.picking_ids
        self._deliver(picking, {product: 3})

        fields_compared = (
            "product_id",
            "quantity",
            "product_uom_id",
            "price_unit",
            "discount",
            "tax_ids",
            "account_id",
            "analytic_distribution",
            "price_subtotal",
            "price_total",
            "sale_line_ids",
            "display_type",
            "is_downpayment",
        )
        odoo_invoice = order._create_invoices()
        odoo_line = odoo_invoice.invoice_line_ids
        expected = {name: odoo_line[name] for name in fields_compared}
        expected_name = odoo_line.name
        self.assertEqual(odoo_invoice.fiscal_position_id, fiscal_position)
        odoo_invoice.unlink()

        invoice = self._invoice_shipments(
            [(picking, product, 3.0)], invoice=self._new_invoice(customer), post=False
        )
        line = invoice.invoice_line_ids
        self.assertEqual(invoice.fiscal_position_id, fiscal_position)
        for name in fields_compared:
            with self.subTest(field=name):
                self.assertEqual(line[name], expected[name])
        self.assertEqual(line.tax_ids, tax_mapped)
        self.assertEqual(line.sci_stock_move_ids, picking.move_ids)
        # The label: Odoo's, then the delivery on a line of its own.
        self.assertEqual(
            line.name,
            f"{expected_name}\nDelivery {picking.name} of "
            f"{format_date(self.env, picking.move_ids.date)}",
        )
        invoice.action_post()
        self.assertEqual(order_line.qty_invoiced, 3.0)
        self.assertEqual(picking.sci_invoice_status, "invoiced")

    def test_offered_by_invoice_address(self):
        """An order billed to another customer is offered to that customer;
        an order shipped to another company's site is offered to the one it
        bills."""
        site = self.env["res.partner"].create(
            {"name": "SCI Building Site Ltd", "is_company": True}
        )
        shipped_elsewhere = self._create_sale_order(
            self.customer,
            [(self.product_b, 2, 40.0, 0.0)],
            partner_shipping_id=site.id,
        )
        self._deliver(shipped_elsewhere.picking_ids, {self.product_b: 2})
        billed_elsewhere = self._create_sale_order(
            self.customer,
            [(self.product_b, 1, 40.0, 0.0)],
            partner_invoice_id=self.other_customer.id,
        )
        self._deliver(billed_elsewhere.picking_ids, {self.product_b: 1})
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertEqual(
            offered[(shipped_elsewhere.picking_ids.name, "SCI Gadget")], 2.0
        )
        self.assertNotIn((billed_elsewhere.picking_ids.name, "SCI Gadget"), offered)
        self.assertNotIn(
            (shipped_elsewhere.picking_ids.name, "SCI Gadget"),
            self._offered(self._wizard_form(self._new_invoice(site))),
        )
        other = self._offered(self._wizard_form(self._new_invoice(self.other_customer)))
        self.assertEqual(other[(billed_elsewhere.picking_ids.name, "SCI Gadget")], 1.0)
        # Forced onto the wrong customer's invoice: refused, naming the shipment.
        wizard = self.env["service.shipment.line.select"].create(
            {
                "invoice_id": self._new_invoice().id,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": billed_elsewhere.picking_ids.move_ids.id,
                            "sale_line_id": billed_elsewhere.order_line.id,
                            "qty_available": 1.0,
                            "quantity": 1.0,
                            "is_selected": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesText(
            UserError, billed_elsewhere.picking_ids.name, "SCI Other Customer"
        ):
            wizard.action_confirm()

    @freeze_time("2026-11-20")
    def test_currency_not_mixed(self):
        currency = self._foreign_currency()
        pricelist = self.env["product.pricelist"].create(
            {"name": "SCI Foreign", "currency_id": currency.id}
        )
        order = self._create_sale_order(
            self.customer, [(self.product_b, 2, 30.0, 0.0)], pricelist_id=pricelist.id
        )
        self.assertEqual(order.currency_id, currency)
        picking = order.picking_ids
        self._deliver(picking, {self.product_b: 2})
        wizard_form = self._wizard_form(self._new_invoice())
        self.assertNotIn((picking.name, "SCI Gadget"), self._offered(wizard_form))
        self.assertIn(order.name, wizard_form.not_offered_note)
        self.assertIn(currency.name, wizard_form.not_offered_note)
        # On an invoice in the order's currency: the order's price as it is.
        invoice = self._new_invoice(currency_id=currency.id)
        wizard_form = self._wizard_form(invoice)
        self.assertEqual(
            self._offered(wizard_form), {(picking.name, "SCI Gadget"): 2.0}
        )
        self.assertIn(self.so1.name, wizard_form.not_offered_note)
        self._invoice_shipments([(picking, self.product_b, None)], invoice=invoice)
        self.assertEqual(invoice.invoice_line_ids.price_unit, 30.0)
        self.assertEqual(order.order_line.qty_invoiced, 2.0)
        # Forced: refused with the order and both currencies named.
        wizard = self.env["service.shipment.line.select"].create(
            {
                "invoice_id": self._new_invoice(currency_id=currency.id).id,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": self.move_p2_a.id,
                            "sale_line_id": self.so2.order_line.id,
                            "qty_available": 2.0,
                            "quantity": 2.0,
                            "is_selected": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesText(UserError, self.so2.name, currency.name):
            wizard.action_confirm()

    def test_wizard_columns_and_smart_button(self):
        wizard_form = self._wizard_form(self._new_invoice())
        self._select(wizard_form, self.p1, self.product_b, 2.0)
        wizard = wizard_form.save()
        line = wizard.line_ids.filtered("is_selected")
        self.assertEqual(line.product_uom_id, self.uom_unit)
        self.assertEqual(line.price_unit, 40.0)
        self.assertEqual(line.discount, 10.0)
        self.assertAlmostEqual(line.amount, 72.0)
        arch = self.env["service.shipment.line.select"].get_views([(False, "form")])[
            "views"
        ]["form"]["arch"]
        for name in ("product_uom_id", "price_unit", "amount", "not_offered_note"):
            self.assertIn(f'name="{name}"', arch)
        wizard.action_confirm()
        invoice = wizard.invoice_id
        self._invoice_shipments([(self.p2, self.product_a, None)], invoice=invoice)
        self.assertEqual(invoice.sci_picking_count, 2)
        action = invoice.action_view_sci_pickings()
        self.assertEqual(
            self.env["stock.picking"].search(action["domain"]), self.p1 | self.p2
        )

    def test_consumed_line_refused(self):
        contract = self.env["contract.contract"].create(
            {"name": "SCI Service Contract", "partner_id": self.customer.id}
        )
        self.p2.contract_id = contract
        self.p2.action_mark_consumed()
        wizard = self.env["service.shipment.line.select"].create(
            {
                "invoice_id": self._new_invoice().id,
                "line_ids": [
                    Command.create(
                        {
                            "move_id": self.move_p2_a.id,
                            "sale_line_id": self.so2.order_line.id,
                            "qty_available": 2.0,
                            "quantity": 2.0,
                            "is_selected": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesText(UserError, self.p2.name, "consumed"):
            wizard.action_confirm()

    @freeze_time("2026-11-20")
    def test_dialog_amount_is_the_invoice_line_amount(self):
        """Ordered in Dozens, delivered in Units: the dialog's amount is the
        invoice line's (2 dozens x 406.06), not 24 x the unit price rounded
        to the cent (24 x 33.84 = 812.16); with a 10% discount too. The Not
        offered note stays after Select All."""
        currency = self._foreign_currency()
        pricelist = self.env["product.pricelist"].create(
            {"name": "SCI Foreign", "currency_id": currency.id}
        )
        foreign = self._create_sale_order(
            self.customer, [(self.product_b, 1, 30.0, 0.0)], pricelist_id=pricelist.id
        )
        self._deliver(foreign.picking_ids, {self.product_b: 1})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 2,
                            "product_uom": self.uom_dozen.id,
                            "price_unit": 406.06,
                            "discount": discount,
                            "tax_id": [Command.set(self.tax.ids)],
                        }
                    )
                    for product, discount in (
                        (self.product_a, 0.0),
                        (self.product_b, 10.0),
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        self.assertEqual(picking.move_ids.product_uom, self.uom_unit)
        self.assertEqual(picking.move_ids.mapped("product_uom_qty"), [24.0, 24.0])
        self._deliver(picking, {self.product_a: 24, self.product_b: 24})
        invoice = self._new_invoice()
        wizard_form = self._wizard_form(invoice)
        wizard_form.sale_order_id = order
        wizard = wizard_form.save()
        self.assertIn(foreign.name, wizard.not_offered_note)
        wizard.action_select_all()
        self.assertIn(foreign.name, wizard.not_offered_note)
        amounts = {line.product_id: line.amount for line in wizard.line_ids}
        # 2 x 406.06 = 812.12; less 10%: 730.908 -> 730.91
        self.assertEqual(amounts, {self.product_a: 812.12, self.product_b: 730.91})
        wizard.action_confirm()
        self.assertEqual(
            {line.product_id: line.price_subtotal for line in invoice.invoice_line_ids},
            amounts,
        )
        self.assertEqual(invoice.invoice_line_ids.mapped("quantity"), [2.0, 2.0])
