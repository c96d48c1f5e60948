# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two invoices over the same delivered quantity posted at once, on two real
database connections: the loser gets the shipment's message, never a raw
database error, and the quantity is invoiced once."""

import threading
import time

from odoo import Command
from odoo.exceptions import UserError
from odoo.service import model as service_model
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from odoo.addons.service_contract_invoicing.models.service_contract_invoicing import (
    not_retried,
)
from odoo.addons.service_contract_invoicing.models.service_ledger_entry import (
    LEDGER_WRITE_KEY,
)
from odoo.addons.service_contract_invoicing.models.trusted_context import Trusted

from .common import CommittedDataCase

DELIVERED = 5.0
SERVICE_DELIVERED = 4.0
ALREADY_INVOICED = "already on another posted invoice"
BUSY = "being invoiced by another user right now"


@tagged("post_install", "-at_install")
class TestConcurrentShipmentPosting(CommittedDataCase):
    """A delivery of 5 units without order and an order of a service with 4
    hours delivered, committed; each test makes two draft invoices over the
    same quantity (as two users with Get Shipment Lines open at once)."""

    def setUp(self):
        super().setUp()
        with self._committed_env() as env:
            partner = env["res.partner"].create({"name": "Concurrent Customer"})
            product = env["product.product"].create(
                {
                    "name": "Concurrent Widget",
                    "type": "consu",
                    "invoice_policy": "delivery",
                }
            )
            service = env["product.product"].create(
                {
                    "name": "Concurrent Labour",
                    "type": "service",
                    "invoice_policy": "delivery",
                    "service_type": "manual",
                }
            )
            warehouse = env["stock.warehouse"].search(
                [("company_id", "=", env.company.id)], limit=1
            )
            locations = {
                "location_id": warehouse.lot_stock_id.id,
                "location_dest_id": env.ref("stock.stock_location_customers").id,
            }
            picking = env["stock.picking"].create(
                {
                    "picking_type_id": warehouse.out_type_id.id,
                    "partner_id": partner.id,
                    **locations,
                    "move_ids": [
                        Command.create(
                            {
                                "name": product.name,
                                "product_id": product.id,
                                "product_uom_qty": DELIVERED,
                                "product_uom": product.uom_id.id,
                                **locations,
                            }
                        )
                    ],
                }
            )
            picking.action_confirm()
            picking.move_ids.write({"quantity": DELIVERED, "picked": True})
            picking.button_validate()
            order = env["sale.order"].create(
                {
                    "partner_id": partner.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": service.id,
                                "product_uom_qty": 10.0,
                                "price_unit": 50.0,
                            }
                        )
                    ],
                }
            )
            order.action_confirm()
            order.order_line.qty_delivered = SERVICE_DELIVERED
            self.partner_id = partner.id
            self.product_ids = (product | service).ids
            self.picking_id = picking.id
            self.picking_name = picking.name
            self.move_id = picking.move_ids.id
            self.order_id = order.id
            self.order_name = order.name
            self.sale_line_id = order.order_line.id
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self._committed_env() as env:
            invoices = env["account.move"].search(
                [("partner_id", "=", self.partner_id)]
            )
            invoices.filtered(lambda move: move.state == "posted").button_draft()
            invoices.with_context(force_delete=True).unlink()
            order = env["sale.order"].browse(self.order_id)
            order.write({"state": "cancel"})
            order.unlink()
            # A done delivery cannot be deleted through the ORM.
            env.cr.execute(
                SQL(
                    "DELETE FROM stock_valuation_layer WHERE stock_move_id = %s;"
                    "DELETE FROM stock_move_line WHERE move_id = %s;"
                    "DELETE FROM stock_move WHERE id = %s;"
                    "DELETE FROM stock_picking WHERE id = %s",
                    self.move_id,
                    self.move_id,
                    self.move_id,
                    self.picking_id,
                )
            )
            env.invalidate_all()
            # The ledger is written by postings only: its own key lets the
            # test remove what they wrote, reversals first.
            entries = (
                env["service.ledger.entry"]
                .with_context(**{LEDGER_WRITE_KEY: Trusted()})
                .search([("product_id", "in", self.product_ids)])
            )
            entries.filtered("reversed_entry_id").unlink()
            entries.exists().unlink()
            env["product.product"].browse(self.product_ids).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _draft_invoices(self, what):
        """Two committed draft invoices over the whole delivered quantity of
        the delivery (``what="shipment"``) or of the service."""
        invoice_ids = []
        with self._committed_env() as env:
            for __ in range(2):
                invoice = env["account.move"].create(
                    {
                        "move_type": "out_invoice",
                        "partner_id": self.partner_id,
                        "invoice_date": "2026-11-20",
                    }
                )
                if what == "shipment":
                    move = env["stock.move"].browse(self.move_id)
                    values = move._prepare_invoice_line_values(invoice, DELIVERED)
                else:
                    line = env["sale.order.line"].browse(self.sale_line_id)
                    values = line._sci_prepare_invoice_line_values(
                        invoice, SERVICE_DELIVERED
                    )
                invoice.write({"invoice_line_ids": [Command.create(values)]})
                invoice_ids.append(invoice.id)
        return invoice_ids

    def _race(self, what, post_loser):
        """Invoice A and B over the same quantity: B's transaction begins (it
        reads its invoice), A posts and commits, then B posts with
        ``post_loser(invoice_b)``, which must raise a UserError: returned."""
        id_a, id_b = self._draft_invoices(what)
        with self._two_envs() as (env_a, env_b):
            invoice_b = env_b["account.move"].browse(id_b)
            self.assertEqual(invoice_b.state, "draft")
            env_a["account.move"].browse(id_a).action_post()
            env_a.cr.commit()  # pylint: disable=invalid-commit
            with self.assertRaises(UserError) as caught, mute_logger("odoo.sql_db"):
                post_loser(invoice_b)
            env_b.cr.rollback()
        self._assert_invoiced_once(what, id_a, id_b)
        return caught.exception

    def _assert_invoiced_once(self, what, id_a, id_b):
        with self._committed_env() as env:
            invoices = env["account.move"].browse([id_a, id_b])
            self.assertEqual(invoices.mapped("state"), ["posted", "draft"])
            if what == "shipment":
                move = env["stock.move"].browse(self.move_id)
                self.assertEqual(move.sci_qty_invoiced, DELIVERED)
                self.assertEqual(move.sci_qty_to_invoice, 0.0)
            else:
                line = env["sale.order.line"].browse(self.sale_line_id)
                self.assertEqual(line.qty_invoiced_posted, SERVICE_DELIVERED)

    def _assert_already_invoiced(self, error, what):
        message = str(error)
        if what == "shipment":
            self.assertIn(f"Shipment {self.picking_name}", message)
            self.assertIn("Concurrent Widget", message)
        else:
            self.assertIn(f"Order {self.order_name}", message)
            self.assertIn("Concurrent Labour", message)
        self.assertIn(ALREADY_INVOICED, message)

    @staticmethod
    def _post_not_retried(invoice):
        # As a scheduled action posts (see ir_cron.py): not retried.
        with not_retried():
            invoice.action_post()

    @staticmethod
    def _post_retrying(invoice):
        # As Odoo serves the web client's and RPC calls: retried on
        # PostgreSQL concurrency errors, in a new transaction.
        service_model.retrying(invoice.action_post, invoice.env)

    # === Called by a caller that does not retry (a scheduled action) ===

    def test_shipment_loser_told_shipment_busy_without_retry(self):
        error = self._race("shipment", self._post_not_retried)
        self.assertIn(f"Shipment {self.picking_name}", str(error))
        self.assertIn("Concurrent Widget", str(error))
        self.assertIn(BUSY, str(error))

    def test_service_loser_told_service_busy_without_retry(self):
        error = self._race("service", self._post_not_retried)
        self.assertIn(f"Order {self.order_name}", str(error))
        self.assertIn("Concurrent Labour", str(error))
        self.assertIn(BUSY, str(error))

    def test_loser_posting_again_gets_shipment_message(self):
        id_a, id_b = self._draft_invoices("shipment")
        with self._two_envs() as (env_a, env_b):
            invoice_b = env_b["account.move"].browse(id_b)
            self.assertEqual(invoice_b.state, "draft")
            env_a["account.move"].browse(id_a).action_post()
            env_a.cr.commit()  # pylint: disable=invalid-commit
            with self.assertRaisesRegex(UserError, BUSY), mute_logger("odoo.sql_db"):
                self._post_not_retried(invoice_b)
            env_b.cr.rollback()
            # Posting again, in a new transaction: the winner's quantity is
            # seen.
            with self.assertRaises(UserError) as caught:
                invoice_b.action_post()
            env_b.cr.rollback()
        self._assert_already_invoiced(caught.exception, "shipment")
        self._assert_invoiced_once("shipment", id_a, id_b)

    def test_auto_post_notes_busy_shipment_and_posts_the_others(self):
        """Odoo's scheduled auto-posting (no retry) refuses the busy invoice
        with a message on it and posts the others of its batch."""
        id_a, id_b = self._draft_invoices("shipment")
        with self._committed_env() as env:
            other = env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id,
                    "invoice_date": "2026-11-20",
                    "invoice_line_ids": [
                        Command.create({"name": "Other", "price_unit": 10.0})
                    ],
                }
            )
            (other | env["account.move"].browse(id_b)).write(
                {"auto_post": "at_date", "checked": True}
            )
        with self._two_envs() as (env_a, env_b):
            invoice_b = env_b["account.move"].browse(id_b)
            self.assertEqual(invoice_b.state, "draft")
            env_a["account.move"].browse(id_a).action_post()
            env_a.cr.commit()  # pylint: disable=invalid-commit
            with mute_logger("odoo.sql_db"):
                env_b["account.move"]._autopost_draft_entries()
            self.assertEqual(invoice_b.state, "draft")
            self.assertIn(BUSY, invoice_b.message_ids[:1].body)
            self.assertIn(self.picking_name, invoice_b.message_ids[:1].body)
            self.assertEqual(env_b["account.move"].browse(other.id).state, "posted")
            # Only this test's invoices: the rest of the database stays as
            # it was.
            env_b.cr.rollback()
        self._assert_invoiced_once("shipment", id_a, id_b)

    # === Called as the web client calls it: retried by Odoo ===

    def test_shipment_loser_gets_shipment_message_when_retried(self):
        error = self._race("shipment", self._post_retrying)
        self._assert_already_invoiced(error, "shipment")

    def test_service_loser_gets_service_message_when_retried(self):
        error = self._race("service", self._post_retrying)
        self._assert_already_invoiced(error, "service")

    def test_loser_waiting_for_winner_gets_shipment_message(self):
        """B posts while A, posted, has not committed yet: B waits for A's
        lock, then is retried and refused with the shipment's message."""
        id_a, id_b = self._draft_invoices("shipment")
        outcome = []
        with self._two_envs() as (env_a, env_b):
            invoice_b = env_b["account.move"].browse(id_b)
            self.assertEqual(invoice_b.state, "draft")
            env_b.cr.execute("SELECT pg_backend_pid()")
            pid_b = env_b.cr.fetchone()[0]
            env_a["account.move"].browse(id_a).action_post()

            def post_b():
                try:
                    self._post_retrying(invoice_b)
                    outcome.append("posted")
                except Exception as error:  # noqa: BLE001 - checked below
                    outcome.append(error)
                finally:
                    env_b.cr.rollback()

            with mute_logger("odoo.sql_db", "odoo.service.model"):
                thread = threading.Thread(target=post_b)
                thread.start()
                try:
                    self._wait_for_lock(pid_b, thread)
                finally:
                    env_a.cr.commit()  # pylint: disable=invalid-commit
                    thread.join(timeout=60)
        self.assertFalse(thread.is_alive())
        self.assertEqual(len(outcome), 1)
        self.assertIsInstance(outcome[0], UserError)
        self._assert_already_invoiced(outcome[0], "shipment")
        self._assert_invoiced_once("shipment", id_a, id_b)

    def _wait_for_lock(self, pid, thread, timeout=30):
        """Return once the backend ``pid`` waits for a row lock."""
        deadline = time.monotonic() + timeout
        with self.registry.cursor() as cr:
            while time.monotonic() < deadline and thread.is_alive():
                cr.execute(
                    "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s",
                    [pid],
                )
                if cr.fetchone()[0] == "Lock":
                    return
                cr.rollback()
                time.sleep(0.02)
        self.fail("the second posting never waited for the first one's lock")
