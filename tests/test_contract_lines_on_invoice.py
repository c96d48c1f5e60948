# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestContractLinesOnInvoice(ServiceContractCommon):
    """Business Central's Contract Lines on Invoice: unticked, the invoice has
    one line per period and tax combination with the contract's amount, the
    contract lines below it as notes; the service ledger keeps each contract
    line's amount."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.support = cls._create_product(
            name="Support Hours",
            type="service",
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )
        cls.hosting = cls._create_product(
            name="Hosting",
            type="service",
            taxes_id=[Command.set(cls.tax_sale_b.ids)],
        )

    def _three_lines(self, **values):
        """Maintenance 2 x 50.00 and Support 30.00 - 10% (tax A), Hosting
        40.00 (tax B): 127.00 + 40.00 a month."""
        return self._create_contract(
            lines=[
                {"product_id": self.service.id, "price_unit": 50.0, "quantity": 2.0},
                {
                    "product_id": self.support.id,
                    "name": "Support",
                    "price_unit": 30.0,
                    "discount": 10.0,
                    "uom_id": self.support.uom_id.id,
                },
                {
                    "product_id": self.hosting.id,
                    "name": "Hosting",
                    "price_unit": 40.0,
                    "uom_id": self.hosting.uom_id.id,
                },
            ],
            **values,
        )

    def _invoice(self, contracts, day, post=True):
        result = self.env["service.contract.invoicing"].run(
            contracts, posting_date=day, invoice_to_date=day, combine=True, post=post
        )
        self.assertFalse(result.failures)
        return result.moves

    @staticmethod
    def _layout(invoice):
        """The invoice as the customer reads it: (kind, label's first line,
        untaxed amount or contract line)."""
        rows = []
        for line in invoice.invoice_line_ids.sorted(lambda ln: (ln.sequence, ln.id)):
            first = (line.name or "").splitlines()[0]
            if line.display_type == "product":
                rows.append(("line", first, line.price_subtotal, line.tax_ids.ids))
            elif line.display_type == "line_section":
                rows.append(("section", first))
            else:
                rows.append(("note", first, line.sci_period_start.month))
        return rows

    def _ledger(self, invoice):
        return [
            (
                entry.contract_line_id.product_id.name,
                entry.product_id.name,
                entry.quantity,
                entry.amount_currency,
                entry.amount,
                fields.Date.to_string(entry.period_start),
            )
            for entry in self.env["service.ledger.entry"].search(
                [("invoice_id", "=", invoice.id)], order="period_start, id"
            )
        ]

    def test_default_is_a_line_per_contract_line(self):
        contract = self._three_lines()
        self.assertTrue(contract.sci_contract_lines_on_invoice)
        invoice = self._invoice(contract, date(2026, 1, 1))
        self.assertEqual(
            [row[:3] for row in self._layout(invoice)],
            [
                ("section", contract.display_name),
                ("line", "Maintenance", 100.0),
                ("line", "Support", 27.0),
                ("line", "Hosting", 40.0),
            ],
        )

    def test_summary_line_per_period_and_tax_combination(self):
        detailed = self._three_lines()
        summed = self._three_lines(
            partner=self.customer_b, sci_contract_lines_on_invoice=False
        )
        # January and February at once (catch-up): a line per period and tax
        # combination, its contract lines below it.
        invoice = self._invoice(summed, date(2026, 2, 1))
        tax_a, tax_b = self.tax_sale_a.ids, self.tax_sale_b.ids
        self.assertEqual(
            self._layout(invoice),
            [
                ("section", summed.display_name),
                ("line", summed.display_name, 127.0, tax_a),
                ("note", "Maintenance", 1),
                ("note", "Support", 1),
                ("line", summed.display_name, 40.0, tax_b),
                ("note", "Hosting", 1),
                ("line", summed.display_name, 127.0, tax_a),
                ("note", "Maintenance", 2),
                ("note", "Support", 2),
                ("line", summed.display_name, 40.0, tax_b),
                ("note", "Hosting", 2),
            ],
        )
        # The same money as the contract showing its lines.
        other = self._invoice(detailed, date(2026, 2, 1))
        self.assertEqual(invoice.amount_untaxed, 334.0)
        self.assertEqual(
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total),
            (other.amount_untaxed, other.amount_tax, other.amount_total),
        )
        # The ledger keeps each contract line's own figures.
        per_period = [
            ("Monthly Maintenance", "Monthly Maintenance", 2.0, 100.0, 100.0),
            ("Support Hours", "Support Hours", 1.0, 27.0, 27.0),
            ("Hosting", "Hosting", 1.0, 40.0, 40.0),
        ]
        self.assertEqual(
            self._ledger(invoice),
            [row + ("2026-01-01",) for row in per_period]
            + [row + ("2026-02-01",) for row in per_period],
        )
        # Each period is invoiced once: nothing left to invoice.
        self.assertEqual(
            summed.contract_line_ids.mapped("last_date_invoiced"),
            [date(2026, 2, 28)] * 3,
        )
        self.assertFalse(self._invoice(summed, date(2026, 2, 1)))

    def test_cancel_gives_periods_back_and_credit_note_credits_each_line(self):
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        invoice = self._invoice(contract, date(2026, 1, 1))
        # A credit note of the whole invoice credits each line's entry.
        refund = invoice._reverse_moves(cancel=True)
        self.assertEqual(refund.state, "posted")
        self.assertEqual(
            [row[:5] for row in self._ledger(refund)],
            [
                ("Monthly Maintenance", "Monthly Maintenance", -2.0, -100.0, -100.0),
                ("Support Hours", "Support Hours", -1.0, -27.0, -27.0),
                ("Hosting", "Hosting", -1.0, -40.0, -40.0),
            ],
        )
        # ... each pointing to the invoice's entry of its contract line.
        credits = self.env["service.ledger.entry"].search(
            [("invoice_id", "=", refund.id)]
        )
        self.assertEqual(
            credits.reversed_entry_id.invoice_id, invoice, "each credits its line"
        )
        self.assertEqual(
            credits.mapped("contract_line_id"),
            credits.mapped("reversed_entry_id.contract_line_id"),
        )
        # A draft invoice cancelled gives its periods back.
        second = self._invoice(contract, date(2026, 2, 1), post=False)
        self.assertEqual(
            contract.contract_line_ids.mapped("last_date_invoiced"),
            [date(2026, 2, 28)] * 3,
        )
        second.button_cancel()
        self.assertEqual(
            contract.contract_line_ids.mapped("last_date_invoiced"),
            [date(2026, 1, 31)] * 3,
        )
        third = self._invoice(contract, date(2026, 2, 1))
        self.assertEqual(third.amount_untaxed, 167.0)

    def test_combined_contracts_keep_their_own_choice(self):
        detailed = self._three_lines(combine_invoices=True)
        summed = self._three_lines(
            combine_invoices=True, sci_contract_lines_on_invoice=False
        )
        invoice = self._invoice(detailed | summed, date(2026, 1, 1))
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            [row[:3] for row in self._layout(invoice)],
            [
                ("section", detailed.display_name),
                ("line", "Maintenance", 100.0),
                ("line", "Support", 27.0),
                ("line", "Hosting", 40.0),
                ("section", summed.display_name),
                ("line", summed.display_name, 127.0),
                ("note", "Maintenance", 1),
                ("note", "Support", 1),
                ("line", summed.display_name, 40.0),
                ("note", "Hosting", 1),
            ],
        )
        self.assertEqual(invoice.amount_untaxed, 334.0)

    def test_credit_memo_of_a_removed_line(self):
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        self._invoice(contract, date(2026, 5, 1))  # January to May, prepaid
        maintenance = contract.contract_line_ids[0]
        contract.action_open_changes()
        maintenance.date_end = "2026-04-15"
        action = contract.action_create_credit_memo()
        memo = self.env["account.move"].browse(action["res_id"])
        # 16-30 April: 100.00 x 15/30 = 50.00; May in full: on the account
        # and taxes of the line that carried the amount.
        self.assertEqual(
            [
                (
                    line.product_id,
                    fields.Date.to_string(line.sci_credit_period_start),
                    line.price_subtotal,
                    line.tax_ids,
                )
                for line in memo.invoice_line_ids.sorted("sci_credit_period_start")
            ],
            [
                (self.service, "2026-04-16", 50.0, self.tax_sale_a),
                (self.service, "2026-05-01", 100.0, self.tax_sale_a),
            ],
        )

    def test_deferred_revenue_shows_contract_lines(self):
        with self.assertRaisesRegex(ValidationError, "Contract Lines on Invoice"):
            self._three_lines(
                sci_contract_lines_on_invoice=False, sci_defer_revenue=True
            )

    def test_locked_contract_keeps_its_choice_and_changes_are_logged(self):
        contract = self._three_lines()
        with self.assertRaisesRegex(UserError, "Locked"):
            contract.sci_contract_lines_on_invoice = False
        contract.action_open_changes()
        contract.sci_contract_lines_on_invoice = False
        self.assertIn(
            ("header", "Contract Lines on Invoice", "Yes", "No"),
            [
                (row.change_kind, row.field_label, row.old_value, row.new_value)
                for row in self.env["service.contract.change.log"].search(
                    [("contract_id", "=", contract.id)]
                )
            ],
        )

    def test_what_a_line_invoices_is_not_rewritten(self):
        """A client may not move a line's period or a contract line's share:
        a period freed that way could be invoiced twice."""
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        invoice = self._invoice(contract, date(2026, 1, 1), post=False)
        note = invoice.invoice_line_ids.filtered("sci_is_contract_detail")[0]
        billing = self.env["res.users"].create(
            {
                "name": "SCI Detail Billing",
                "login": "sci_detail_billing",
                "groups_id": [
                    Command.set([self.env.ref("account.group_account_invoice").id])
                ],
            }
        )
        for vals in (
            {"sci_period_start": False, "sci_period_end": False},
            {"sci_detail_amount": 1000.0},
            {"sci_is_contract_detail": False},
        ):
            for user_note in (note, note.with_user(billing)):
                with self.subTest(vals=vals, user=user_note.env.user.name):
                    with self.assertRaisesRegex(UserError, "cannot be changed"):
                        user_note.with_context(sci_invoice_line_write=True).write(vals)
        self.assertEqual(note.sci_period_start, date(2026, 1, 1))
        self.assertEqual(note.sci_detail_amount, 100.0)
        # Other fields of the line stay the user's: Odoo's own rules apply.
        note.with_user(billing).name = "Maintenance, as agreed"
        self.assertEqual(note.name, "Maintenance, as agreed")

    def test_test_report_totals_are_the_invoices(self):
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        with Form(self.env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 2, 1)
            form.invoice_to_date = date(2026, 2, 1)
            form.run_action = "preview"
        wizard = form.record
        wizard.partner_ids = self.customer
        data = self.env[
            "report.service_contract_invoicing.invoicing_test_report"
        ]._sci_run_data(wizard)
        (invoice_data,) = data["invoices"]
        # A row per contract and period: 167.00 a month.
        self.assertEqual(
            [
                (
                    row["contract"],
                    fields.Date.to_string(row["period_start"]),
                    row["untaxed"],
                )
                for row in invoice_data["rows"]
            ],
            [(contract, "2026-01-01", 167.0), (contract, "2026-02-01", 167.0)],
        )
        invoice = self._invoice(contract, date(2026, 2, 1))
        self.assertEqual(
            (invoice_data["untaxed"], invoice_data["tax"], invoice_data["total"]),
            (invoice.amount_untaxed, invoice.amount_tax, invoice.amount_total),
        )

    def test_foreign_currency_entries_add_up_to_the_invoice(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 3.0)])
        contract = self._create_contract(
            manual_currency_id=eur.id,
            sci_contract_lines_on_invoice=False,
            lines=[
                {"product_id": self.service.id, "price_unit": 10.0},
                {"product_id": self.support.id, "price_unit": 10.0},
                {"product_id": self.service.id, "price_unit": 10.0},
            ],
        )
        invoice = self._invoice(contract, date(2026, 1, 1))
        # 30.00 EUR at 3 EUR a unit of the company's currency: 10.00, split
        # 3.33 / 3.33 / 3.34 so the entries add up to the invoice line.
        self.assertEqual(invoice.currency_id, eur)
        self.assertEqual(
            [(row[3], row[4]) for row in self._ledger(invoice)],
            [(10.0, 3.33), (10.0, 3.33), (10.0, 3.34)],
        )

    def test_service_contract_user_invoices_and_posts(self):
        """As the role that invoices: Create Service Invoice, then Post."""
        sc_user = new_test_user(
            self.env,
            "sci_detail_user",
            groups="service_contract_invoicing.group_service_contract_user",
        )
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        with freeze_time("2026-01-15"):
            contract.with_user(sc_user).action_create_service_invoice()
        invoice = self._invoice_lines(contract).move_id
        self.assertEqual(len(invoice), 1)
        invoice.with_user(sc_user).action_post()
        self.assertEqual(
            [row[:4] for row in self._ledger(invoice)],
            [
                ("Monthly Maintenance", "Monthly Maintenance", 2.0, 100.0),
                ("Support Hours", "Support Hours", 1.0, 27.0),
                ("Hosting", "Hosting", 1.0, 40.0),
            ],
        )

    def test_notes_without_their_line_are_not_posted(self):
        contract = self._three_lines(sci_contract_lines_on_invoice=False)
        invoice = self._invoice(contract, date(2026, 1, 1), post=False)
        invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
            and line.tax_ids == self.tax_sale_a
        ).unlink()
        # The Hosting line (tax B) still carries its note; Maintenance and
        # Support have none above them.
        with self.assertRaisesRegex(UserError, "no invoice line above it"):
            invoice.action_post()
        self.assertEqual(invoice.state, "draft")
        # Deleting their notes gives their periods back; the rest posts.
        invoice.invoice_line_ids.filtered(
            lambda line: line.sci_is_contract_detail
            and line.contract_line_id.product_id != self.hosting
        ).unlink()
        invoice.action_post()
        self.assertEqual(invoice.amount_untaxed, 40.0)
        self.assertEqual(
            contract.contract_line_ids.mapped("last_date_invoiced"),
            [False, False, date(2026, 1, 31)],
        )

    def test_notes_never_lean_on_another_contracts_line(self):
        """Combined with a contract showing its lines, notes left without
        their line are refused, not counted under the other contract's."""
        detailed = self._three_lines(combine_invoices=True)
        summed = self._three_lines(
            combine_invoices=True, sci_contract_lines_on_invoice=False
        )
        invoice = self._invoice(detailed | summed, date(2026, 1, 1), post=False)
        invoice.invoice_line_ids.filtered(
            lambda line: line.display_type == "product" and not line.contract_line_id
        ).unlink()
        with self.assertRaisesRegex(UserError, "no invoice line above it"):
            invoice.action_post()
