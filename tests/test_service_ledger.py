# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import date

import psycopg2
from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged
from odoo.tools import mute_logger

from .common import ServiceContractCommon
from .test_shipment_invoicing import TestShipmentInvoicingBase


class LedgerAssertions:
    """Ledger checks shared by the contract and shipment tests."""

    def _entries(self, domain=None):
        return self.env["service.ledger.entry"].search(domain or [], order="id")

    def _assert_count_grows(self, expected_new):
        """No entry is ever deleted nor changed: the ledger only grows, by
        expected_new entries."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, quantity, amount, amount_currency FROM service_ledger_entry"
        )
        rows = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        self.assertEqual(len(rows), len(self.ledger_rows) + expected_new)
        for entry_id, values in self.ledger_rows.items():
            self.assertEqual(rows.get(entry_id), values)
        self.ledger_rows = rows

    def _snapshot_ledger(self):
        self.ledger_rows = {}
        self._assert_count_grows(
            self.env["service.ledger.entry"].sudo().search_count([])
        )

    def _posted_total(self, lines):
        """Signed untaxed amounts of the posted invoice and credit note lines."""
        return sum(
            (-1 if line.move_id.move_type == "out_refund" else 1) * line.price_subtotal
            for line in lines
            if line.parent_state == "posted"
        )

    def _credit_note(self, invoice):
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "reason": "Wrong"})
        )
        return self.env["account.move"].browse(reversal.refund_moves()["res_id"])

    def _debit_credit(self, move):
        """{account: (debit, credit)} of a posted move."""
        result = defaultdict(lambda: [0.0, 0.0])
        for line in move.line_ids.filtered("account_id"):
            result[line.account_id][0] += line.debit
            result[line.account_id][1] += line.credit
        return {account: tuple(values) for account, values in result.items()}


@tagged("post_install", "-at_install")
class TestServiceLedger(LedgerAssertions, ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.income = cls.company_data["default_account_revenue"]
        cls.receivable = cls.company_data["default_account_receivable"]
        cls.tax_account = cls.tax_sale_a.invoice_repartition_line_ids.account_id
        cls.lot_product = cls._create_product(
            name="Boiler", type="consu", is_storable=True, tracking="serial"
        )
        cls.lot = cls.env["stock.lot"].create(
            {"name": "BOILER-001", "product_id": cls.lot_product.id}
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Site Manager", "parent_id": cls.customer.id}
        )

    def setUp(self):
        super().setUp()
        self._snapshot_ledger()

    def _run(self, contracts, when, post=True, combine=False):
        result = self.env["service.contract.invoicing"].run(
            contracts,
            posting_date=when,
            invoice_to_date=when,
            combine=combine,
            post=post,
        )
        self.assertFalse(result.failures)
        return result.moves

    def _assert_contract_ledger(self, contract):
        """The ledger of a contract equals its posted invoice lines."""
        entries = self._entries([("contract_id", "=", contract.id)])
        lines = self.env["account.move.line"].search(
            [("contract_line_id", "in", contract.contract_line_ids.ids)]
        )
        self.assertAlmostEqual(
            sum(entries.mapped("amount_currency")), self._posted_total(lines)
        )
        self.assertAlmostEqual(
            sum(entries.mapped("amount")),
            -sum(line.balance for line in lines if line.parent_state == "posted"),
        )
        return entries

    def _assert_next(self, contract, last_date_invoiced, next_date):
        line = contract.contract_line_ids
        self.assertEqual(line.last_date_invoiced, last_date_invoiced)
        self.assertEqual(contract.recurring_next_date, next_date)

    @freeze_time("2026-02-02")
    def test_post_credit_reset_repost_cancel(self):
        contract = self._create_contract(
            lines=[
                {
                    "product_id": self.service.id,
                    "price_unit": 100.0,
                    "quantity": 1.0,
                    "lot_id": self.lot.id,
                }
            ],
            partner_id=self.contact.id,
        )
        invoice = self._run(contract, date(2026, 2, 2))
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))

        # Post: one sale entry per period.
        self._assert_count_grows(2)
        entries = self._assert_contract_ledger(contract)
        self.assertEqual(
            [
                (
                    e.entry_type,
                    e.event,
                    e.quantity,
                    e.amount_currency,
                    e.amount,
                    e.period_start,
                    e.period_end,
                )
                for e in entries
            ],
            [
                (
                    "sale",
                    "post",
                    1.0,
                    100.0,
                    100.0,
                    date(2026, 1, 1),
                    date(2026, 1, 31),
                ),
                (
                    "sale",
                    "post",
                    1.0,
                    100.0,
                    100.0,
                    date(2026, 2, 1),
                    date(2026, 2, 28),
                ),
            ],
        )
        self.assertEqual(entries.partner_id, self.customer)
        self.assertEqual(entries.lot_id, self.lot)
        self.assertEqual(entries.contract_line_id, contract.contract_line_ids)
        self.assertEqual(entries.invoice_id, invoice)
        self.assertEqual(
            entries.invoice_line_id,
            invoice.invoice_line_ids.filtered("contract_line_id").sorted(
                "sci_period_start"
            ),
        )
        self.assertEqual(set(entries.mapped("date")), {date(2026, 2, 2)})
        self.assertEqual(entries.company_id, self.env.company)
        self.assertEqual(contract.sci_invoiced_this_year, 200.0)
        self.assertEqual(contract.sci_ledger_entry_count, 2)
        self.assertEqual(invoice.sci_ledger_entry_count, 2)
        action = contract.action_view_sci_ledger_entries()
        self.assertEqual(
            self.env["service.ledger.entry"].search(action["domain"]), entries
        )
        action = invoice.action_view_sci_ledger_entries()
        self.assertEqual(
            self.env["service.ledger.entry"].search(action["domain"]), entries
        )

        # Credit note: opposite entries linked to the invoice's.
        credit_note = self._credit_note(invoice)
        self._assert_count_grows(0)
        credit_note.action_post()
        self._assert_count_grows(2)
        credits = self._entries([("invoice_id", "=", credit_note.id)])
        self.assertEqual(credits.mapped("event"), ["credit_note", "credit_note"])
        self.assertEqual(credits.mapped("amount_currency"), [-100.0, -100.0])
        self.assertEqual(credits.mapped("quantity"), [-1.0, -1.0])
        self.assertEqual(credits.reversed_entry_id, entries)
        self.assertEqual(
            credits.mapped("period_start"), [date(2026, 1, 1), date(2026, 2, 1)]
        )
        self.assertFalse(any(entries.mapped("is_reversed")))
        self._assert_contract_ledger(contract)
        self.assertEqual(contract.sci_invoiced_this_year, 0.0)
        # A credit note gives money back; the periods stay invoiced.
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))

        # Reset to draft: reversed, the draft keeps (and re-posts) its periods.
        invoice.button_draft()
        self._assert_count_grows(2)
        undone = self._entries([("event", "=", "reset")])
        self.assertEqual(undone.reversed_entry_id, entries)
        self.assertEqual(undone.mapped("amount"), [-100.0, -100.0])
        self.assertTrue(all(entries.mapped("is_reversed")))
        self._assert_contract_ledger(contract)
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))
        self.assertFalse(self._run(contract, date(2026, 2, 2)))

        # Re-post: new sale entries for the same invoice lines.
        invoice.action_post()
        self._assert_count_grows(2)
        reposted = self._entries(
            [("invoice_id", "=", invoice.id), ("id", ">", undone[-1].id)]
        )
        self.assertEqual(reposted.mapped("event"), ["post", "post"])
        self.assertEqual(reposted.invoice_line_id, entries.invoice_line_id)
        self._assert_contract_ledger(contract)
        self.assertEqual(contract.sci_invoiced_this_year, 0.0)

        # Cancel: reversed, and the periods are released.
        invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self._assert_count_grows(2)
        cancelled = self._entries([("event", "=", "cancel")])
        self.assertEqual(cancelled.reversed_entry_id, reposted)
        self._assert_contract_ledger(contract)
        self.assertEqual(contract.sci_invoiced_this_year, -200.0)
        self._assert_next(contract, False, date(2026, 1, 1))
        # Released once: releasing the cancelled lines again changes nothing.
        invoice.invoice_line_ids._sci_release_periods()
        self._assert_count_grows(0)
        self._assert_next(contract, False, date(2026, 1, 1))

        # The periods are invoiced again.
        again = self._run(contract, date(2026, 2, 2))
        self.assertNotEqual(again, invoice)
        self._assert_count_grows(2)
        self._assert_contract_ledger(contract)
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))
        self.assertEqual(contract.sci_invoiced_this_year, 0.0)

        # The cancelled invoice cannot take its periods back now.
        with self.assertRaisesRegex(UserError, "already on invoice"):
            invoice.button_draft()
        self._assert_count_grows(0)

    @freeze_time("2026-03-02")
    def test_cancelled_invoice_back_to_draft_takes_periods_back(self):
        contract = self._create_contract()
        invoice = self._run(contract, date(2026, 2, 2), post=False)
        invoice.button_cancel()
        self._assert_next(contract, False, date(2026, 1, 1))
        invoice.button_draft()
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))
        invoice.action_post()
        self._assert_count_grows(2)
        self._assert_contract_ledger(contract)

    @freeze_time("2026-03-02")
    def test_cancel_older_invoice_keeps_next_date(self):
        contract = self._create_contract()
        january = self._run(contract, date(2026, 1, 2))
        february = self._run(contract, date(2026, 2, 2))
        self.assertNotEqual(january, february)
        self._assert_count_grows(2)
        january.button_cancel()
        self._assert_count_grows(1)
        # February is still invoiced: January stays a gap, dates unchanged.
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))
        self._assert_contract_ledger(contract)
        february.button_cancel()
        self._assert_next(contract, date(2026, 1, 31), date(2026, 2, 1))

    @freeze_time("2026-03-02")
    def test_draft_deleted_releases_periods(self):
        contract = self._create_contract()
        invoice = self._run(contract, date(2026, 2, 2), post=False)
        self._assert_next(contract, date(2026, 2, 28), date(2026, 3, 1))
        # Deleting the latest period line of the draft releases that period.
        february = invoice.invoice_line_ids.filtered(
            lambda line: line.sci_period_start == date(2026, 2, 1)
        )
        invoice.write({"invoice_line_ids": [fields.Command.delete(february.id)]})
        self._assert_next(contract, date(2026, 1, 31), date(2026, 2, 1))
        invoice.unlink()
        self._assert_next(contract, False, date(2026, 1, 1))
        self._assert_count_grows(0)
        self._run(contract, date(2026, 2, 2))
        self.assertEqual(
            self._periods(contract),
            [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-02-28")],
        )
        self._assert_count_grows(2)

    @freeze_time("2026-03-02")
    def test_reset_draft_then_deleted(self):
        contract = self._create_contract()
        invoice = self._run(contract, date(2026, 1, 2))
        invoice.button_draft()
        self._assert_count_grows(2)
        invoice.unlink()
        # Nothing deleted: the entries keep the invoice number.
        entries = self._entries([("contract_id", "=", contract.id)])
        self.assertEqual(len(entries), 2)
        self.assertFalse(entries.invoice_id)
        self.assertTrue(entries[0].ref)
        self.assertEqual(sum(entries.mapped("amount")), 0.0)
        self._assert_next(contract, False, date(2026, 1, 1))

    @freeze_time("2026-03-02")
    def test_general_ledger_contract_invoice(self):
        contract = self._create_contract(price=200.0)
        invoice = self._run(contract, date(2026, 1, 2))
        self.assertEqual(
            self._debit_credit(invoice),
            {
                self.receivable: (230.0, 0.0),
                self.income: (0.0, 200.0),
                self.tax_account: (0.0, 30.0),
            },
        )
        entry = self._entries([("invoice_id", "=", invoice.id)])
        self.assertEqual(entry.amount, 200.0)

    @freeze_time("2026-03-02")
    def test_general_ledger_combined_invoice(self):
        first = self._create_contract(price=100.0, combine_invoices=True)
        second = self._create_contract(price=60.0, combine_invoices=True)
        invoice = self._run(first | second, date(2026, 1, 2), combine=True)
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            self._debit_credit(invoice),
            {
                self.receivable: (184.0, 0.0),
                self.income: (0.0, 160.0),
                self.tax_account: (0.0, 24.0),
            },
        )
        self._assert_count_grows(2)
        self.assertEqual(self._assert_contract_ledger(first).mapped("amount"), [100.0])
        self.assertEqual(self._assert_contract_ledger(second).mapped("amount"), [60.0])
        # Section lines are not in the ledger.
        self.assertEqual(
            self._entries([("invoice_id", "=", invoice.id)]).invoice_line_id,
            invoice.invoice_line_ids.filtered(lambda line: line.contract_line_id),
        )

    @freeze_time("2026-03-02")
    def test_deleted_contract_line_refused(self):
        contract = self._create_contract(
            lines=[
                {"product_id": self.service.id, "price_unit": 100.0},
                {"product_id": self.service.id, "price_unit": 30.0, "name": "Extra"},
            ]
        )
        invoice = self._run(contract, date(2026, 1, 2), post=False)
        contract.action_open_changes()
        contract.contract_line_ids.filtered(lambda line: line.name == "Extra").unlink()
        with self.assertRaisesRegex(UserError, "was deleted"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        self._assert_count_grows(0)

    @freeze_time("2026-03-02")
    def test_cancelled_contract_still_posted(self):
        contract = self._create_contract()
        invoice = self._run(contract, date(2026, 1, 2), post=False)
        contract.cancel_reason = "Customer left"
        contract.action_cancel_contract()
        invoice.action_post()
        entry = self._entries([("invoice_id", "=", invoice.id)])
        self.assertEqual(entry.contract_id, contract)
        self.assertEqual(entry.contract_line_id, contract.contract_line_ids)
        self._assert_count_grows(1)
        # The ledger keeps its contracts.
        with (
            self.assertRaises(psycopg2.errors.ForeignKeyViolation),
            mute_logger("odoo.sql_db"),
        ):
            contract.unlink()

    @freeze_time("2026-03-02")
    def test_locked_period(self):
        contract = self._create_contract()
        invoice = self._run(contract, date(2026, 1, 2))
        self._assert_count_grows(1)
        self.env.company.hard_lock_date = date(2026, 1, 31)
        # Odoo refuses to reset or cancel a posted invoice of a locked
        # period: no ledger entry, dates unchanged.
        with self.assertRaisesRegex(UserError, "Lock Date"):
            invoice.button_draft()
        with self.assertRaisesRegex(UserError, "Lock Date"):
            invoice.button_cancel()
        self._assert_count_grows(0)
        self.assertEqual(invoice.state, "posted")
        self._assert_next(contract, date(2026, 1, 31), date(2026, 2, 1))
        # Posting into the locked period: Odoo moves the accounting date after
        # the lock date, the ledger takes that date.
        draft = self._run(contract, date(2026, 2, 2), post=False)
        draft.write({"invoice_date": date(2026, 1, 20), "date": date(2026, 1, 20)})
        draft.action_post()
        entry = self._entries([("invoice_id", "=", draft.id)])
        self.assertGreater(draft.date, date(2026, 1, 31))
        self.assertEqual(entry.date, draft.date)
        self._assert_count_grows(1)

    def test_entries_read_only(self):
        user = new_test_user(
            self.env,
            login="sci_ledger_user",
            groups="service_contract_invoicing.group_service_contract_user",
        )
        Entry = self.env["service.ledger.entry"]
        values = {
            "date": date(2026, 1, 1),
            "entry_type": "sale",
            "event": "post",
            "currency_id": self.env.company.currency_id.id,
            "company_id": self.env.company.id,
        }
        for operation in ("create", "write", "unlink"):
            self.assertFalse(Entry.with_user(user).has_access(operation))
        # AccessError is a UserError
        with self.assertRaises(UserError):
            Entry.with_user(user).create(values)
        with self.assertRaisesRegex(UserError, "cannot be"):
            Entry.sudo().create(values)
        entry = Entry._sci_create([values])
        self.assertTrue(entry.with_user(user).read(["amount"]))
        with self.assertRaises(UserError):
            entry.with_user(user).write({"amount": 5.0})
        with self.assertRaisesRegex(UserError, "cannot be"):
            entry.sudo().write({"amount": 5.0})
        with self.assertRaisesRegex(UserError, "cannot be"):
            entry.sudo().unlink()

    def test_other_company_not_visible(self):
        other = self.setup_other_company()["company"]
        entry = self.env["service.ledger.entry"]._sci_create(
            [
                {
                    "date": date(2026, 1, 1),
                    "entry_type": "sale",
                    "event": "post",
                    "currency_id": other.currency_id.id,
                    "company_id": other.id,
                }
            ]
        )
        user = new_test_user(
            self.env,
            login="sci_ledger_user2",
            groups="service_contract_invoicing.group_service_contract_user",
        )
        self.assertFalse(
            self.env["service.ledger.entry"]
            .with_user(user)
            .search([("id", "=", entry.id)])
        )

    def test_views(self):
        for view_type in ("list", "pivot", "graph", "search", "form"):
            self.env["service.ledger.entry"].get_view(view_type=view_type)
        Form(self.env["contract.contract"])
        self.assertIn(
            "sci_invoiced_this_year",
            self.env["contract.contract"].get_view(view_type="form")["arch"],
        )
        self.assertIn(
            "action_view_sci_ledger_entries",
            self.env["account.move"].get_view(
                self.env.ref("account.view_move_form").id
            )["arch"],
        )


@tagged("post_install", "-at_install")
class TestServiceLedgerShipments(LedgerAssertions, TestShipmentInvoicingBase):
    def setUp(self):
        super().setUp()
        self._snapshot_ledger()

    def _assert_move_ledger(self, stock_move):
        entries = self._entries(
            [("stock_move_id", "=", stock_move.id), ("entry_type", "=", "sale")]
        )
        self.assertAlmostEqual(
            sum(entries.mapped("amount_currency")),
            self._posted_total(stock_move.sci_invoice_line_ids),
        )
        self.assertAlmostEqual(
            sum(entries.mapped("quantity")), stock_move.sci_qty_invoiced
        )
        return entries

    def test_shipment_post_credit_reset_cancel(self):
        invoice = self._invoice_shipments(
            [(self.p1, self.product_a, 4.0), (self.p1, self.product_b, None)]
        )
        self._assert_count_grows(2)
        entry_a = self._assert_move_ledger(self.move_p1_a)
        entry_b = self._assert_move_ledger(self.move_p1_b)
        self.assertEqual(
            (entry_a.entry_type, entry_a.quantity, entry_a.amount, entry_a.picking_id),
            ("sale", 4.0, 400.0, self.p1),
        )
        # 5 x 40 with 10% discount
        self.assertEqual((entry_b.price_unit, entry_b.discount), (40.0, 10.0))
        self.assertEqual(entry_b.amount, 180.0)
        self.assertEqual(entry_b.stock_move_ids, self.move_p1_b)
        self.assertFalse(entry_a.contract_id)

        credit_note = self._credit_note(invoice)
        credit_note.action_post()
        self._assert_count_grows(2)
        credits = self._entries([("invoice_id", "=", credit_note.id)])
        self.assertEqual(credits.reversed_entry_id, entry_a | entry_b)
        self._assert_move_ledger(self.move_p1_a)
        self._assert_move_ledger(self.move_p1_b)

        credit_note.button_draft()
        self._assert_count_grows(2)
        self.assertTrue(all(credits.mapped("is_reversed")))
        self._assert_move_ledger(self.move_p1_a)
        credit_note.action_post()
        self._assert_count_grows(2)
        self._assert_move_ledger(self.move_p1_a)
        credit_note.button_cancel()
        self._assert_count_grows(2)
        self._assert_move_ledger(self.move_p1_a)
        self._assert_move_ledger(self.move_p1_b)
        invoice.button_cancel()
        self._assert_count_grows(2)
        entries = self._assert_move_ledger(self.move_p1_a)
        self.assertEqual(
            entries.mapped("amount"), [400.0, -400.0, 400.0, -400.0, 400.0, -400.0]
        )
        self.assertEqual(
            entries.mapped("event"),
            ["post", "credit_note", "reset", "credit_note", "cancel", "cancel"],
        )
        self.assertEqual(self.move_p1_a.sci_qty_to_invoice, 6.0)

    @freeze_time("2026-11-20")
    def test_general_ledger_foreign_currency(self):
        currency = self._foreign_currency()
        # An order in the foreign currency (an order's prices are never
        # converted: only such an order goes on a foreign-currency invoice).
        pricelist = self.env["product.pricelist"].create(
            {"name": "SCI Foreign", "currency_id": currency.id}
        )
        order = self._create_sale_order(
            self.customer,
            [(self.product_a, 2, 50.0, 0.0)],
            pricelist_id=pricelist.id,
        )
        self._deliver(order.picking_ids, {self.product_a: 2})
        invoice = self._new_invoice(currency_id=currency.id)
        self._invoice_shipments(
            [(order.picking_ids, self.product_a, 2.0)], invoice=invoice
        )
        line = invoice.invoice_line_ids
        income = line.account_id
        receivable = invoice.line_ids.filtered(
            lambda aml: aml.display_type == "payment_term"
        ).account_id
        tax_line = invoice.line_ids.filtered(lambda aml: aml.display_type == "tax")
        # 2 x 50 in the foreign currency = 200 in the company's, 10% tax.
        expected = defaultdict(lambda: [0.0, 0.0])
        expected[receivable][0] += 220.0
        expected[income][1] += 200.0
        expected[tax_line.account_id][1] += 20.0
        self.assertEqual(
            self._debit_credit(invoice),
            {account: tuple(values) for account, values in expected.items()},
        )
        self.assertEqual(tax_line.amount_currency, -10.0)
        entry = self._entries([("invoice_id", "=", invoice.id)])
        self.assertEqual(entry.currency_id, currency)
        self.assertAlmostEqual(entry.amount_currency, 100.0)
        self.assertAlmostEqual(entry.amount, 200.0)
        self.assertEqual(entry.date, date(2026, 11, 20))

    def test_invoicing_user_writes_the_ledger(self):
        """An invoicing user who may not read the ledger posts, credits and
        resets shipment invoices: the ledger writes itself."""
        user = new_test_user(
            self.env,
            login="sci_ledger_billing",
            groups="account.group_account_invoice,sales_team.group_sale_salesman",
        )
        Entry = self.env["service.ledger.entry"]
        self.assertFalse(Entry.with_user(user).has_access("read"))
        invoice = self._invoice_shipments([(self.p2, self.product_a, None)], post=False)
        invoice.with_user(user).action_post()
        credit_note = self._credit_note(invoice.with_user(user))
        credit_note.with_user(user).action_post()
        credit_note.with_user(user).button_draft()
        self._assert_count_grows(3)
        entries = self._entries([("stock_move_id", "=", self.move_p2_a.id)])
        self.assertEqual(entries.mapped("event"), ["post", "credit_note", "reset"])
        self.assertEqual(entries[1].reversed_entry_id, entries[0])
        self._assert_move_ledger(self.move_p2_a)

    def test_consumed_entries(self):
        contract = self.env["contract.contract"].create(
            {"name": "SCI Service Contract", "partner_id": self.customer.id}
        )
        # P1: 4 of the 6 A invoiced, the rest consumed.
        self._invoice_shipments([(self.p1, self.product_a, 4.0)])
        self._assert_count_grows(1)
        self.p1.contract_id = contract
        self.p1.action_mark_consumed()
        self._assert_count_grows(2)
        consumed = self._entries([("entry_type", "=", "consume")])
        self.assertEqual(
            {(e.product_id, e.quantity) for e in consumed},
            {(self.product_a, 2.0), (self.product_b, 5.0)},
        )
        self.assertEqual(consumed.contract_id, contract)
        self.assertEqual(consumed.picking_id, self.p1)
        self.assertEqual(consumed.partner_id, self.customer)
        self.assertEqual(consumed.mapped("event"), ["consume", "consume"])
        self.assertFalse(consumed.invoice_id)
        self.assertEqual(sum(consumed.mapped("amount")), 0.0)
        self.assertEqual(
            contract.sci_ledger_entry_count, 2, "sale entries of P1 have no contract"
        )
        self._assert_move_ledger(self.move_p1_a)


@tagged("post_install", "-at_install")
class TestServiceLedgerTour(HttpCase, TestShipmentInvoicingBase):
    def test_service_ledger_tour(self):
        invoice = self._invoice_shipments([(self.p1, self.product_a, 2.0)])
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "sci_service_ledger",
            login="admin",
        )

    def test_service_ledger_contract_tour(self):
        contract = self.env["contract.contract"].create(
            {"name": "SCI Service Contract", "partner_id": self.customer.id}
        )
        self.p1.contract_id = contract
        self.p1.action_mark_consumed()
        self.start_tour(
            f"/odoo/action-contract.action_customer_contract/{contract.id}",
            "sci_service_ledger_contract",
            login="admin",
        )
