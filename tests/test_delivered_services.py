# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.service_contract_invoicing.models.sale_order_line import (
    SaleOrderLine,
)

from .test_shipment_invoicing import TestShipmentInvoicingBase


@tagged("post_install", "-at_install")
class TestDeliveredServicesBase(TestShipmentInvoicingBase):
    """The shipments of TestShipmentInvoicingBase, and an order of 10 hours
    of a service (SO service), 4 of them delivered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.service = cls.env["product.product"].create(
            {
                "name": "SCI Field Labour",
                "type": "service",
                "invoice_policy": "delivery",
                "service_type": "manual",
                "uom_id": cls.env.ref("uom.product_uom_hour").id,
                "uom_po_id": cls.env.ref("uom.product_uom_hour").id,
                "list_price": 60.0,
            }
        )
        cls.so_service = cls._create_sale_order(
            cls.customer, [(cls.service, 10, 55.0, 0.0)]
        )
        cls.service_line = cls.so_service.order_line
        cls.service_line.qty_delivered = 4.0

    def _offered_services(self, wizard_form):
        result = {}
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                if line.is_delivered_service:
                    result[(line.sale_order_id.name, line.product_id.name)] = (
                        line.qty_available
                    )
        return result

    def _select_service(self, wizard_form, order, quantity=None):
        for index in range(len(wizard_form.line_ids)):
            with wizard_form.line_ids.edit(index) as line:
                if line.is_delivered_service and line.sale_order_id == order:
                    line.is_selected = True
                    if quantity is not None:
                        line.quantity = quantity
                    return
        self.fail(f"{order.name} is not offered")

    def _invoice_service(self, quantity=None, invoice=None, post=True):
        invoice = invoice or self._new_invoice()
        wizard_form = self._wizard_form(invoice)
        self._select_service(wizard_form, self.so_service, quantity)
        wizard_form.save().action_confirm()
        if post:
            invoice.action_post()
        return invoice


@tagged("post_install", "-at_install")
class TestDeliveredServices(TestDeliveredServicesBase):
    """Order lines of services with a delivered quantity above the invoiced
    one are offered by Get Shipment Lines next to the deliveries."""

    def test_offered_and_invoiced(self):
        wizard_form = self._wizard_form(self._new_invoice())
        self.assertEqual(
            self._offered_services(wizard_form),
            {(self.so_service.name, "SCI Field Labour"): 4.0},
        )
        # The goods are offered in the same list.
        self.assertEqual(self._offered(wizard_form)[(self.p1.name, "SCI Widget")], 6.0)
        invoice = self._invoice_service(3.0)
        line = invoice.invoice_line_ids
        self.assertTrue(line.sci_is_delivered_service)
        self.assertEqual(line.sale_line_ids, self.service_line)
        self.assertEqual(line.product_uom_id, self.service.uom_id)
        self.assertEqual(line.price_unit, 55.0)
        self.assertEqual(line.tax_ids, self.tax)
        self.assertEqual(self.service_line.qty_invoiced, 3.0)
        self.assertEqual(self.service_line.invoice_status, "to invoice")
        # Ledger: one sale entry for the order line.
        entry = self.env["service.ledger.entry"].search(
            [("invoice_line_id", "=", line.id)]
        )
        self.assertEqual(
            (entry.entry_type, entry.quantity, entry.sale_line_id, entry.partner_id),
            ("sale", 3.0, self.service_line, self.customer),
        )
        self.assertAlmostEqual(entry.amount_currency, 165.0)
        # What is left, then everything delivered and invoiced.
        self.assertEqual(
            self._offered_services(self._wizard_form(self._new_invoice())),
            {(self.so_service.name, "SCI Field Labour"): 1.0},
        )
        self.service_line.qty_delivered = 10.0
        self._invoice_service()
        self.assertEqual(self.service_line.qty_invoiced, 10.0)
        self.assertEqual(self.service_line.invoice_status, "invoiced")
        self.assertEqual(self.so_service.invoice_status, "invoiced")
        self.assertFalse(self._offered_services(self._wizard_form(self._new_invoice())))
        # A credit note gives it back and is in the ledger.
        credit_note = invoice._reverse_moves()
        credit_note.action_post()
        self.assertEqual(self.service_line.qty_invoiced, 7.0)
        self.assertEqual(
            self._offered_services(self._wizard_form(self._new_invoice())),
            {(self.so_service.name, "SCI Field Labour"): 3.0},
        )
        self.assertEqual(
            self.env["service.ledger.entry"]
            .search([("invoice_id", "=", credit_note.id)])
            .quantity,
            -3.0,
        )

    def test_nothing_delivered_not_offered(self):
        self.service_line.qty_delivered = 0.0
        self.assertFalse(self._offered_services(self._wizard_form(self._new_invoice())))
        wizard = self.env["service.shipment.line.select"].create(
            {
                "invoice_id": self._new_invoice().id,
                "line_ids": [
                    Command.create(
                        {
                            "sale_line_id": self.service_line.id,
                            "qty_available": 1.0,
                            "quantity": 1.0,
                            "is_selected": True,
                        }
                    )
                ],
            }
        )
        with self.assertRaisesText(
            UserError, self.so_service.name, "nothing delivered"
        ):
            wizard.action_confirm()

    def test_above_left_refused(self):
        wizard_form = self._wizard_form(self._new_invoice())
        self._select_service(wizard_form, self.so_service, 5.0)
        with self.assertRaisesText(ValidationError, self.so_service.name, "SCI Field"):
            wizard_form.save()
        # Raised on the invoice after Get Shipment Lines: refused at posting.
        invoice = self._invoice_service(4.0, post=False)
        invoice.invoice_line_ids.quantity = 5.0
        with self.assertRaisesText(UserError, self.so_service.name, "exceed"):
            invoice.action_post()

    def test_two_drafts_posted_one_after_the_other(self):
        """The same delivered hours on two drafts: the order line is locked
        at posting, the second posting is refused."""
        first = self._invoice_service(4.0, post=False)
        second = self._new_invoice()
        second.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        self.service_line._sci_prepare_invoice_line_values(second, 4.0)
                    )
                ]
            }
        )
        with patch.object(
            type(self.env["sale.order.line"]),
            "_sci_lock",
            autospec=True,
            side_effect=SaleOrderLine._sci_lock,
        ) as lock:
            first.action_post()
        locked = self.env["sale.order.line"].union(
            *(call.args[0] for call in lock.mock_calls)
        )
        self.assertEqual(locked, self.service_line)
        with self.assertRaisesText(UserError, self.so_service.name):
            second.action_post()
        self.assertEqual(second.state, "draft")
        self.assertEqual(self.service_line.qty_invoiced_posted, 4.0)

    def test_other_currency_and_customer_not_offered(self):
        self.assertFalse(
            self._offered_services(
                self._wizard_form(self._new_invoice(self.other_customer))
            )
        )
        currency = self._foreign_currency()
        wizard_form = self._wizard_form(self._new_invoice(currency_id=currency.id))
        self.assertFalse(self._offered_services(wizard_form))
        self.assertIn(self.so_service.name, wizard_form.not_offered_note)
