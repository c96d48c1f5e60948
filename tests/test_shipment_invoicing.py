# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from contextlib import contextmanager
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, HttpCase, TransactionCase, tagged

from odoo.addons.service_contract_invoicing.models.stock_move import StockMove


@tagged("post_install", "-at_install")
class TestShipmentInvoicingBase(TransactionCase):
    """One customer, two sales orders, three delivery pickings:

    - SO1 (A x10 at 100, B x5 at 40 with 10% discount): picking P1 delivers
      A x6 and B x5, its backorder P1b (A x4) is not delivered yet;
    - SO2 (A x3 at 80): picking P2 delivers A x3, one is returned.

    Another customer and another company have shipments of their own.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.company
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "SCI Customer", "is_company": True}
        )
        cls.delivery_address = cls.env["res.partner"].create(
            {"name": "SCI Customer Depot", "parent_id": cls.customer.id}
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "SCI Other Customer", "is_company": True}
        )
        cls.uom_unit = cls.env.ref("uom.product_uom_unit")
        cls.uom_dozen = cls.env.ref("uom.product_uom_dozen")
        product_values = {
            "type": "consu",
            "is_storable": True,
            "invoice_policy": "delivery",
            "uom_id": cls.uom_unit.id,
            "uom_po_id": cls.uom_unit.id,
        }
        cls.product_a = cls.env["product.product"].create(
            dict(product_values, name="SCI Widget", list_price=90.0)
        )
        cls.product_b = cls.env["product.product"].create(
            dict(product_values, name="SCI Gadget", list_price=50.0)
        )
        cls.tax = cls.env["account.tax"].create(
            {"name": "SCI Tax 10%", "amount": 10.0, "type_tax_use": "sale"}
        )
        plan = cls.env["account.analytic.plan"].create({"name": "SCI Plan"})
        cls.analytic_account = cls.env["account.analytic.account"].create(
            {"name": "SCI Project", "plan_id": plan.id}
        )
        stock = cls.warehouse.lot_stock_id
        for product in cls.product_a | cls.product_b:
            cls.env["stock.quant"]._update_available_quantity(product, stock, 100.0)

        cls.so1 = cls._create_sale_order(
            cls.customer,
            [(cls.product_a, 10, 100.0, 0.0), (cls.product_b, 5, 40.0, 10.0)],
            partner_shipping_id=cls.delivery_address.id,
        )
        cls.so1_line_a, cls.so1_line_b = cls.so1.order_line
        cls.so1_line_a.analytic_distribution = {str(cls.analytic_account.id): 100}
        cls.p1 = cls.so1.picking_ids
        cls._deliver(cls.p1, {cls.product_a: 6, cls.product_b: 5})
        cls.p1b = cls.so1.picking_ids - cls.p1

        cls.so2 = cls._create_sale_order(cls.customer, [(cls.product_a, 3, 80.0, 0.0)])
        cls.p2 = cls.so2.picking_ids
        cls._deliver(cls.p2, {cls.product_a: 3})
        cls.p2_return = cls._return(cls.p2, 1)

        cls.so_other = cls._create_sale_order(
            cls.other_customer, [(cls.product_a, 2, 100.0, 0.0)]
        )
        cls._deliver(cls.so_other.picking_ids, {cls.product_a: 2})

        cls.move_p1_a = cls.p1.move_ids.filtered(
            lambda m: m.product_id == cls.product_a
        )
        cls.move_p1_b = cls.p1.move_ids.filtered(
            lambda m: m.product_id == cls.product_b
        )
        cls.move_p2_a = cls.p2.move_ids

    @classmethod
    def _create_sale_order(cls, partner, lines, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "price_unit": price,
                            "discount": discount,
                            "tax_id": [Command.set(cls.tax.ids)],
                        }
                    )
                    for product, qty, price, discount in lines
                ],
                **values,
            }
        )
        order.action_confirm()
        return order

    @classmethod
    def _deliver(cls, picking, quantities):
        for move in picking.move_ids:
            move.quantity = quantities.get(move.product_id, 0.0)
            move.picked = True
        result = picking.button_validate()
        if isinstance(result, dict):
            wizard = Form.from_action(cls.env, result).save()
            if wizard._name == "stock.backorder.confirmation":
                wizard.process()

    @classmethod
    def _return(cls, picking, quantity):
        wizard = Form(
            cls.env["stock.return.picking"].with_context(
                active_ids=picking.ids,
                active_id=picking.id,
                active_model="stock.picking",
            )
        ).save()
        wizard.product_return_moves.quantity = quantity
        result = wizard.action_create_returns()
        return_picking = cls.env["stock.picking"].browse(result["res_id"])
        return_picking.move_ids.write({"quantity": quantity, "picked": True})
        return_picking.button_validate()
        return return_picking

    @contextmanager
    def assertRaisesText(self, exception, *texts):
        """assertRaises (rolls back to a savepoint) + the message contains
        each of ``texts``."""
        with self.assertRaises(exception) as error:
            yield error
        for text in texts:
            self.assertIn(text, str(error.exception))

    def _picking_without_order(self, uom=None):
        """A delivery of 2 SCI Widgets (in ``uom``, units by default) to the
        customer, without a sales order, confirmed and delivered."""
        stock = self.warehouse.lot_stock_id
        customers = self.env.ref("stock.stock_location_customers")
        picking = self.env["stock.picking"].create(
            {
                "partner_id": self.customer.id,
                "picking_type_id": self.warehouse.out_type_id.id,
                "location_id": stock.id,
                "location_dest_id": customers.id,
                "move_ids": [
                    Command.create(
                        {
                            "name": "SCI Widget",
                            "product_id": self.product_a.id,
                            "product_uom_qty": 2,
                            "product_uom": (uom or self.uom_unit).id,
                            "location_id": stock.id,
                            "location_dest_id": customers.id,
                        }
                    )
                ],
            }
        )
        picking.action_confirm()
        self._deliver(picking, {self.product_a: 2})
        return picking

    def _foreign_currency(self, rate=0.5):
        """Another currency, at `rate` per company currency from 1 Nov 2026."""
        currency = self.env["res.currency"].search(
            [
                ("id", "!=", self.company.currency_id.id),
                ("active", "in", (True, False)),
            ],
            limit=1,
        )
        currency.active = True
        self.env["res.currency.rate"].search(
            [("currency_id", "=", currency.id)]
        ).unlink()
        self.env["res.currency.rate"].create(
            {
                "name": "2026-11-01",
                "rate": rate,
                "currency_id": currency.id,
                "company_id": self.company.id,
            }
        )
        return currency

    def _new_invoice(self, partner=None, **values):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": (partner or self.customer).id,
                "invoice_date": fields.Date.today(),
                **values,
            }
        )

    def _wizard_form(self, invoice):
        action = invoice.action_sci_get_shipment_lines()
        return Form(self.env[action["res_model"]].with_context(**action["context"]))

    @staticmethod
    def _offered(wizard_form):
        """{(picking, product): quantity left} of the lines offered."""
        result = {}
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                result[(line.picking_id.name, line.product_id.name)] = (
                    line.qty_available
                )
        return result

    def _select(self, wizard_form, picking, product, quantity=None):
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                if line.picking_id == picking and line.product_id == product:
                    line.is_selected = True
                    if quantity is not None:
                        line.quantity = quantity
                    return
        self.fail(f"{picking.name} / {product.name} is not offered")

    def _invoice_shipments(self, selection, invoice=None, post=True):
        """Invoice [(picking, product, quantity)] through Get Shipment Lines."""
        invoice = invoice or self._new_invoice()
        wizard_form = self._wizard_form(invoice)
        for picking, product, quantity in selection:
            self._select(wizard_form, picking, product, quantity)
        wizard_form.save().action_confirm()
        if post:
            invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class TestShipmentInvoicing(TestShipmentInvoicingBase):
    def test_offered_lines(self):
        wizard_form = self._wizard_form(self._new_invoice())
        self.assertEqual(
            self._offered(wizard_form),
            {
                (self.p1.name, "SCI Widget"): 6.0,
                (self.p1.name, "SCI Gadget"): 5.0,
                (self.p2.name, "SCI Widget"): 2.0,
            },
        )
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")
        self.assertEqual(self.p1b.sci_invoice_status, "no")
        self.assertEqual(self.p2_return.sci_invoice_status, "no")
        self.assertEqual(self.move_p2_a.sci_qty_returned, 1.0)
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 2.0)
        to_invoice = self.env["stock.picking"].search(
            [
                ("sci_invoice_status", "=", "to invoice"),
                ("partner_id", "child_of", self.customer.id),
            ]
        )
        self.assertEqual(to_invoice, self.p1 | self.p2)
        # Once delivered, the backorder is offered too.
        self._deliver(self.p1b, {self.product_a: 4})
        self.assertEqual(self.p1b.sci_invoice_status, "to invoice")
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertEqual(offered[(self.p1b.name, "SCI Widget")], 4.0)
        self.assertEqual(len(offered), 4)

    def test_line_over_several_moves(self):
        invoice = self._invoice_shipments([(self.p1, self.product_a, None)], post=False)
        # One line for both shipments of the widget: it fills the first
        # (6 delivered) and the last one takes the rest.
        invoice.invoice_line_ids.write(
            {
                "quantity": 7.0,
                "sci_stock_move_ids": [Command.link(self.move_p2_a.id)],
            }
        )
        invoice.action_post()
        self.assertEqual(self.move_p1_a.sci_qty_invoiced, 6.0)
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 1.0)
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 1.0)
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")  # the gadget
        self.assertEqual(self.move_p1_a.sci_invoice_status, "invoiced")

    def test_invoice_line_values(self):
        invoice = self._invoice_shipments(
            [(self.p1, self.product_a, 4), (self.p1, self.product_b, None)],
            post=False,
        )
        line_a, line_b = invoice.invoice_line_ids.sorted(lambda line: line.quantity)
        self.assertEqual(line_a.product_id, self.product_a)
        self.assertEqual(line_a.quantity, 4.0)
        self.assertEqual(line_a.product_uom_id, self.uom_unit)
        self.assertEqual(line_a.price_unit, 100.0)
        self.assertIn(self.p1.name, line_a.name)
        self.assertEqual(line_a.sale_line_ids, self.so1_line_a)
        self.assertEqual(line_a.sci_stock_move_ids, self.move_p1_a)
        self.assertEqual(line_a.tax_ids, self.tax)
        self.assertEqual(
            line_a.analytic_distribution, {str(self.analytic_account.id): 100}
        )
        self.assertEqual(line_b.quantity, 5.0)
        self.assertEqual(line_b.price_unit, 40.0)
        self.assertEqual(line_b.discount, 10.0)
        self.assertEqual(line_b.sale_line_ids, self.so1_line_b)
        self.assertAlmostEqual(invoice.amount_untaxed, 4 * 100.0 + 5 * 36.0)
        # Draft lines are not invoiced yet.
        self.assertEqual(self.move_p1_a.sci_qty_invoiced, 0.0)
        # Already on this draft invoice: not offered a second time.
        self.assertEqual(
            self._offered(self._wizard_form(invoice)),
            {(self.p1.name, "SCI Widget"): 2.0, (self.p2.name, "SCI Widget"): 2.0},
        )

    def test_partial_invoicing_then_rest(self):
        invoice = self._invoice_shipments([(self.p1, self.product_a, 4)])
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self.move_p1_a.sci_qty_invoiced, 4.0)
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 2.0)
        self.assertEqual(self.move_p1_a.sci_invoice_status, "to invoice")
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")
        self.assertEqual(self.so1_line_a.qty_invoiced, 4.0)
        self.assertEqual(self.p1.sci_invoice_count, 1)
        action = self.p1.action_view_sci_invoices()
        self.assertEqual(action["res_id"], invoice.id)
        # The rest stays offered.
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice())),
            {
                (self.p1.name, "SCI Widget"): 2.0,
                (self.p1.name, "SCI Gadget"): 5.0,
                (self.p2.name, "SCI Widget"): 2.0,
            },
        )
        second = self._invoice_shipments(
            [(self.p1, self.product_a, None), (self.p1, self.product_b, None)]
        )
        self.assertEqual(self.move_p1_a.sci_qty_invoiced, 6.0)
        self.assertEqual(self.move_p1_a.sci_invoice_status, "invoiced")
        self.assertEqual(self.p1.sci_invoice_status, "invoiced")
        self.assertEqual(self.so1_line_a.qty_invoiced, 6.0)
        self.assertEqual(self.so1_line_b.qty_invoiced, 5.0)
        self.assertEqual(self.p1.sci_invoice_count, 2)
        domain = self.p1.action_view_sci_invoices()["domain"]
        self.assertEqual(self.env["account.move"].search(domain), invoice | second)
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice())),
            {(self.p2.name, "SCI Widget"): 2.0},
        )

    def test_select_all(self):
        invoice = self._new_invoice()
        wizard_form = self._wizard_form(invoice)
        wizard_form.sale_order_id = self.so1
        with wizard_form.line_ids.edit(0) as line:
            line.quantity = 1.0  # ticked with a lower quantity: kept
            line.is_selected = True
        wizard = wizard_form.save()
        action = wizard.action_select_all()
        self.assertEqual(
            (action["res_model"], action["res_id"]), (wizard._name, wizard.id)
        )
        self.assertEqual(sorted(wizard.line_ids.mapped("quantity")), [1.0, 5.0])
        wizard.action_confirm()
        self.assertEqual(
            sorted(invoice.invoice_line_ids.mapped("quantity")), [1.0, 5.0]
        )

    def test_one_invoice_several_orders(self):
        invoice = self._invoice_shipments(
            [(self.p1, self.product_a, None), (self.p2, self.product_a, None)]
        )
        self.assertEqual(invoice.line_ids.sale_line_ids.order_id, self.so1 | self.so2)
        self.assertEqual(self.so1_line_a.qty_invoiced, 6.0)
        self.assertEqual(self.so2.order_line.qty_invoiced, 2.0)
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        line_p2 = invoice.invoice_line_ids.filtered(
            lambda line: line.sci_stock_move_ids == self.move_p2_a
        )
        self.assertEqual(line_p2.price_unit, 80.0)

    def test_order_invoiced_from_sales_order_not_offered(self):
        standard_invoice = self.so1._create_invoices()
        self.assertFalse(standard_invoice.invoice_line_ids.sci_stock_move_ids)
        # Invoiced from its order: fully, the order line being fully invoiced.
        self.assertEqual(self.p1.sci_invoice_status, "invoiced")
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 0.0)
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice())),
            {(self.p2.name, "SCI Widget"): 2.0},
        )
        standard_invoice.button_cancel()
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")
        self.assertEqual(len(self._wizard_form(self._new_invoice()).line_ids), 3)

    def test_credit_note_above_invoiced_refused(self):
        invoice = self._invoice_shipments([(self.p2, self.product_a, 1.0)])
        credit_note = invoice._reverse_moves()
        credit_note.invoice_line_ids.quantity = 2.0
        with self.assertRaisesText(UserError, self.p2.name, "give back more"):
            credit_note.action_post()
        credit_note.invoice_line_ids.quantity = 1.0
        credit_note.action_post()
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 0.0)

    def test_as_invoicing_user(self):
        user = self.env["res.users"].create(
            {
                "name": "SCI Invoicing Clerk",
                "login": "sci_clerk",
                "groups_id": [
                    Command.set(
                        [
                            self.env.ref("base.group_user").id,
                            self.env.ref(
                                "service_contract_invoicing.group_service_contract_user"
                            ).id,
                        ]
                    )
                ],
            }
        )
        self.env = self.env(user=user)
        invoice = self._invoice_shipments(
            [(self.p1, self.product_a, 2.0), (self.p2, self.product_a, None)]
        )
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 4.0)
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")

    def test_views(self):
        search_arch = self.env["stock.picking"].get_views([(False, "search")])["views"][
            "search"
        ]["arch"]
        self.assertIn('name="sci_to_invoice"', search_arch)
        self.assertEqual(
            self.env["stock.picking"].search(
                [("id", "in", (self.p1 | self.p1b | self.p2).ids)]
                + [("sci_invoice_status", "=", "to invoice")]
            ),
            self.p1 | self.p2,
        )
        picking_form = Form(self.p1)
        self.assertEqual(picking_form.sci_invoice_status, "to invoice")
        invoice_arch = self.env["account.move"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        self.assertIn('name="action_sci_get_shipment_lines"', invoice_arch)

    def test_filters(self):
        wizard_form = self._wizard_form(self._new_invoice())
        wizard_form.sale_order_id = self.so2
        self.assertEqual(
            self._offered(wizard_form), {(self.p2.name, "SCI Widget"): 2.0}
        )
        self._select(wizard_form, self.p2, self.product_a)
        # A ticked line stays when the filters change.
        wizard_form.sale_order_id = self.env["sale.order"]
        wizard_form.picking_id = self.p1
        wizard_form.product_id = self.product_b
        self.assertEqual(
            self._offered(wizard_form),
            {(self.p2.name, "SCI Widget"): 2.0, (self.p1.name, "SCI Gadget"): 5.0},
        )
        wizard_form.product_id = self.env["product.product"]
        wizard_form.picking_id = self.env["stock.picking"]
        wizard_form.date_from = fields.Date.add(fields.Date.today(), days=1)
        self.assertEqual(
            self._offered(wizard_form), {(self.p2.name, "SCI Widget"): 2.0}
        )
        wizard_form.date_from = fields.Date.add(fields.Date.today(), days=-1)
        wizard_form.date_to = fields.Date.today()
        self.assertEqual(len(wizard_form.line_ids), 3)
        wizard = wizard_form.save()
        wizard.action_confirm()
        self.assertEqual(wizard.invoice_id.invoice_line_ids.quantity, 2.0)

    def test_credit_note_gives_quantity_back(self):
        invoice = self._invoice_shipments([(self.p2, self.product_a, None)])
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        self.assertEqual(self.so2.order_line.qty_invoiced, 2.0)
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Damaged"})
        )
        credit_note = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
        self.assertEqual(
            credit_note.invoice_line_ids.sci_stock_move_ids, self.move_p2_a
        )
        # A draft credit note gives nothing back yet.
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 2.0)
        credit_note.action_post()
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 0.0)
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 2.0)
        self.assertEqual(self.p2.sci_invoice_status, "to invoice")
        self.assertEqual(self.so2.order_line.qty_invoiced, 0.0)
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice())).get(
                (self.p2.name, "SCI Widget")
            ),
            2.0,
        )

    def test_reset_to_draft_and_cancel(self):
        invoice = self._invoice_shipments([(self.p2, self.product_a, None)])
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 2.0)
        invoice.button_draft()
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 0.0)
        self.assertEqual(self.p2.sci_invoice_status, "to invoice")
        invoice.action_post()
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        invoice.button_draft()
        invoice.button_cancel()
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 2.0)
        self.assertEqual(self.p2.sci_invoice_status, "to invoice")
        self.assertEqual(self.so2.order_line.qty_invoiced, 0.0)

    def test_same_move_on_two_drafts(self):
        first = self._invoice_shipments([(self.p2, self.product_a, None)], post=False)
        second = self._invoice_shipments([(self.p2, self.product_a, None)], post=False)
        with patch.object(
            type(self.env["stock.move"]),
            "_sci_lock",
            autospec=True,
            side_effect=StockMove._sci_lock,
        ) as lock:
            first.action_post()
        locked = self.env["stock.move"].union(
            *(call.args[0] for call in lock.mock_calls)
        )
        self.assertEqual(locked, self.move_p2_a)
        with self.assertRaisesText(UserError, self.p2.name, "SCI Widget"):
            second.action_post()
        self.assertEqual(second.state, "draft")
        self.assertEqual(self.move_p2_a.sci_qty_invoiced, 2.0)
        # The other way round: the second one posts, the first is refused.
        first.button_draft()
        second.action_post()
        with self.assertRaisesText(UserError, self.p2.name):
            first.action_post()

    def test_consumed_not_offered(self):
        with self.assertRaisesText(UserError, self.p2.name):
            self.p2.action_mark_consumed()
        contract = self.env["contract.contract"].create(
            {"name": "SCI Service Contract", "partner_id": self.customer.id}
        )
        self.p2.contract_id = contract
        self.p2.action_mark_consumed()
        self.assertTrue(self.p2.sci_is_consumed)
        self.assertEqual(self.move_p2_a.sci_qty_consumed, 2.0)
        self.assertEqual(self.move_p2_a.sci_qty_to_invoice, 0.0)
        self.assertEqual(self.p2.sci_invoice_status, "no")
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertNotIn((self.p2.name, "SCI Widget"), offered)
        with self.assertRaisesText(UserError, "nothing left to invoice"):
            self.p2.action_mark_consumed()
        other_contract = self.env["contract.contract"].create(
            {"name": "SCI Other Contract", "partner_id": self.other_customer.id}
        )
        self.p1.contract_id = other_contract
        with self.assertRaisesText(UserError, "another customer"):
            self.p1.action_mark_consumed()

    def test_refused_invoices(self):
        invoice = self._invoice_shipments([(self.p2, self.product_a, None)])
        with self.assertRaisesText(UserError, "not a draft"):
            invoice.action_sci_get_shipment_lines()
        bill = self.env["account.move"].create(
            {"move_type": "in_invoice", "partner_id": self.customer.id}
        )
        with self.assertRaisesText(UserError, "not a customer invoice"):
            bill.action_sci_get_shipment_lines()
        no_customer = self.env["account.move"].create({"move_type": "out_invoice"})
        with self.assertRaisesText(UserError, "no customer"):
            no_customer.action_sci_get_shipment_lines()
        # The wizard refuses a posted invoice too (opened by other means).
        with self.assertRaisesText(UserError, "not a draft"):
            self.env["service.shipment.line.select"].with_context(
                default_invoice_id=invoice.id
            ).default_get(["invoice_id", "line_ids"])

    def test_other_customer_and_company_never_offered(self):
        other_company = self.env["res.company"].create({"name": "SCI Company 2"})
        self.env.user.company_ids |= other_company
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", other_company.id)], limit=1
        )
        env2 = self.env(
            context=dict(self.env.context, allowed_company_ids=other_company.ids)
        )
        self.env["stock.quant"]._update_available_quantity(
            self.product_a, warehouse.lot_stock_id, 5.0
        )
        picking = (
            env2["stock.picking"]
            .create(
                {
                    "partner_id": self.customer.id,
                    "picking_type_id": warehouse.out_type_id.id,
                    "location_id": warehouse.lot_stock_id.id,
                    "location_dest_id": self.env.ref(
                        "stock.stock_location_customers"
                    ).id,
                    "move_ids": [
                        Command.create(
                            {
                                "name": "SCI Widget",
                                "product_id": self.product_a.id,
                                "product_uom_qty": 5,
                                "product_uom": self.uom_unit.id,
                                "location_id": warehouse.lot_stock_id.id,
                                "location_dest_id": self.env.ref(
                                    "stock.stock_location_customers"
                                ).id,
                            }
                        )
                    ],
                }
            )
            .with_env(env2)
        )
        picking.action_confirm()
        self._deliver(picking, {self.product_a: 5})
        self.assertEqual(picking.sci_invoice_status, "to invoice")
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertNotIn((picking.name, "SCI Widget"), offered)
        self.assertNotIn((self.so_other.picking_ids.name, "SCI Widget"), offered)
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice(self.other_customer))),
            {(self.so_other.picking_ids.name, "SCI Widget"): 2.0},
        )

    def test_quantity_refused(self):
        for quantity in (2.5, 0.0, -1.0):
            wizard_form = self._wizard_form(self._new_invoice())
            self._select(wizard_form, self.p2, self.product_a, quantity)
            with self.assertRaisesText(ValidationError, self.p2.name, "SCI Widget"):
                wizard_form.save()
        # Invoiced elsewhere after the wizard was opened: refused at OK.
        wizard_form = self._wizard_form(self._new_invoice())
        self._select(wizard_form, self.p2, self.product_a, 2.0)
        wizard = wizard_form.save()
        self._invoice_shipments([(self.p2, self.product_a, 1.0)])
        with self.assertRaisesText(ValidationError, self.p2.name):
            wizard.action_confirm()
        with self.assertRaisesText(UserError, "Select at least one"):
            self._wizard_form(self._new_invoice()).save().action_confirm()

    def test_dozens_invoiced_in_units(self):
        picking = self._picking_without_order(self.uom_dozen)
        move = picking.move_ids
        self.assertEqual(move.sci_qty_to_invoice, 2.0)
        invoice = self._invoice_shipments([(picking, self.product_a, 2.0)], post=False)
        line = invoice.invoice_line_ids
        self.assertEqual(line.product_uom_id, self.uom_dozen)
        # No sales order: the pricelist price, per dozen.
        self.assertAlmostEqual(line.price_unit, 90.0 * 12)
        self.assertFalse(line.sale_line_ids)
        line.write({"product_uom_id": self.uom_unit.id, "quantity": 12.0})
        invoice.action_post()
        self.assertEqual(move.sci_qty_invoiced, 1.0)
        self.assertEqual(move.sci_qty_to_invoice, 1.0)
        self.assertEqual(
            self._offered(self._wizard_form(self._new_invoice())).get(
                (picking.name, "SCI Widget")
            ),
            1.0,
        )
        # 13 units on top of the 12 would exceed the 2 dozens.
        invoice = self._invoice_shipments([(picking, self.product_a, 1.0)], post=False)
        invoice.invoice_line_ids.write(
            {"product_uom_id": self.uom_unit.id, "quantity": 13.0}
        )
        with self.assertRaisesText(UserError, picking.name):
            invoice.action_post()

    @freeze_time("2026-11-20")
    def test_multi_currency(self):
        # Changed: an order's prices are never converted. An invoice in
        # another currency than the orders gets none of their lines, and
        # the wizard says why.
        currency = self._foreign_currency()
        invoice = self._new_invoice(currency_id=currency.id)
        self.assertEqual(invoice.invoice_date, fields.Date.to_date("2026-11-20"))
        wizard_form = self._wizard_form(invoice)
        self.assertFalse(self._offered(wizard_form))
        for order in (self.so1, self.so2):
            self.assertIn(order.name, wizard_form.not_offered_note)


@tagged("post_install", "-at_install")
class TestShipmentInvoicingTour(HttpCase, TestShipmentInvoicingBase):
    browser_size = "1440x900"

    def test_get_shipment_lines_tour(self):
        """At 1440 px, the orders', deliveries' and products' names are read
        in full in Get Shipment Lines, in an edited row too
        (list_names.esm.js)."""
        invoice = self._new_invoice()
        # Names as users see them (the deliveries' numbers out of the
        # sequence's reach).
        self.so1.name, self.so2.name = "S00041", "S00042"
        self.p1.name, self.p2.name = "WH/OUT/07041", "WH/OUT/07042"
        self.product_a.default_code = "HW-ROUTER-24"
        self.product_b.default_code = "HW-UPS-1500"
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "sci_get_shipment_lines",
            login="admin",
        )
        self.assertEqual(invoice.state, "posted")
        line = invoice.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_b
        )
        self.assertEqual(line.quantity, 3.0)
        self.assertEqual(line.sci_stock_move_ids, self.move_p1_b)
        self.assertEqual(line.sale_line_ids, self.so1_line_b)
        line_p2 = invoice.invoice_line_ids - line
        self.assertEqual(line_p2.sci_stock_move_ids, self.move_p2_a)
        self.assertEqual(line_p2.quantity, 2.0)  # 3 delivered, 1 returned
        self.assertEqual(line_p2.sale_line_ids, self.so2.order_line)
        # Two orders on one posted invoice: both deliveries and orders updated.
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")
        self.assertEqual(self.so2.order_line.qty_invoiced, 2.0)
        self.assertEqual(self.so1_line_b.qty_invoiced, 3.0)
