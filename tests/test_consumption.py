# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .test_shipment_invoicing import TestShipmentInvoicingBase


@tagged("post_install", "-at_install")
class TestConsumption(TestShipmentInvoicingBase):
    """Mark as Consumed by Contract and Undo Consumption: who may, and what
    the ledger and the invoicing see."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls.env["contract.contract"].create(
            {
                "name": "SCI Service Contract",
                "partner_id": cls.customer.id,
                "is_service_contract": True,
            }
        )

    def _user(self, login, *groups):
        return self.env["res.users"].create(
            {
                "name": login,
                "login": login,
                "groups_id": [
                    Command.set(
                        [self.env.ref("base.group_user").id]
                        + [self.env.ref(group).id for group in groups]
                    )
                ],
            }
        )

    def _entries(self, picking):
        return self.env["service.ledger.entry"].search(
            [("picking_id", "=", picking.id), ("entry_type", "=", "consume")],
            order="id",
        )

    def test_rights(self):
        self.p2.contract_id = self.contract
        clerk = self._user(
            "sci_stock_clerk",
            "stock.group_stock_user",
            "service_contract_invoicing.group_service_contract_user",
        )
        for method in ("action_mark_consumed", "action_undo_consumption"):
            with self.assertRaisesText(AccessError, self.p2.name):
                getattr(self.p2.with_user(clerk), method)()
        self.assertFalse(self.p2.sci_is_consumed)
        # A Service Contract Manager without stock rights may.
        manager = self._user(
            "sci_contract_manager",
            "service_contract_invoicing.group_service_contract_manager",
        )
        self.p2.with_user(manager).action_mark_consumed()
        self.assertTrue(self.p2.sci_is_consumed)
        self.assertEqual(self.move_p2_a.sci_qty_consumed, 2.0)
        # So does an Inventory Administrator.
        stock_manager = self._user("sci_stock_manager", "stock.group_stock_manager")
        self.p2.with_user(stock_manager).action_undo_consumption()
        self.assertFalse(self.p2.sci_is_consumed)
        self.assertEqual(self.move_p2_a.sci_qty_consumed, 0.0)

    def test_undo_consumption(self):
        # P1: 4 of the 6 A invoiced, the rest (2 A, 5 B) consumed.
        self._invoice_shipments([(self.p1, self.product_a, 4.0)])
        self.p1.contract_id = self.contract
        self.p1.action_mark_consumed()
        self.assertEqual(self.p1.sci_invoice_status, "invoiced")
        self.p1.action_undo_consumption()
        self.assertFalse(self.p1.sci_is_consumed)
        self.assertEqual(self.move_p1_a.sci_qty_consumed, 0.0)
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 2.0)
        self.assertEqual(self.move_p1_b.sci_qty_to_invoice, 5.0)
        self.assertEqual(self.p1.sci_invoice_status, "to invoice")
        entries = self._entries(self.p1)
        self.assertEqual(
            [(e.event, e.product_id, e.quantity) for e in entries],
            [
                ("consume", self.product_a, 2.0),
                ("consume", self.product_b, 5.0),
                ("undo_consume", self.product_a, -2.0),
                ("undo_consume", self.product_b, -5.0),
            ],
        )
        self.assertEqual(entries[2].reversed_entry_id, entries[0])
        self.assertTrue(entries[0].is_reversed)
        self.assertEqual(sum(entries.mapped("quantity")), 0.0)
        # Offered again, and consumed again later.
        offered = self._offered(self._wizard_form(self._new_invoice()))
        self.assertEqual(offered[(self.p1.name, "SCI Widget")], 2.0)
        self.p1.action_mark_consumed()
        self.assertEqual(len(self._entries(self.p1)), 6)
        with self.assertRaisesText(UserError, self.p2.name, "not consumed"):
            self.p2.action_undo_consumption()

    def test_undo_refused_after_return(self):
        self.p2.contract_id = self.contract
        self.p2.action_mark_consumed()
        self._return(self.p2, 1)
        with self.assertRaisesText(UserError, self.p2.name, "returned"):
            self.p2.action_undo_consumption()
        self.assertTrue(self.p2.sci_is_consumed)

    def test_undo_refused_after_order_invoiced(self):
        self.p2.contract_id = self.contract
        self.p2.action_mark_consumed()
        self.so2._create_invoices()
        with self.assertRaisesText(UserError, self.p2.name, self.so2.name):
            self.p2.action_undo_consumption()
