# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestContractMoneyRules(ServiceContractCommon):
    """Business Central's contract money rules: Update Contract Prices, the
    Price Increase Text, pro rata periods shown with the contract's price."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.sc_user = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "SCI Money User",
                    "login": "sci_money_user",
                    "groups_id": [
                        Command.set(
                            [
                                cls.env.ref("base.group_user").id,
                                cls.env.ref(
                                    "service_contract_invoicing."
                                    "group_service_contract_user"
                                ).id,
                            ]
                        )
                    ],
                }
            )
        )

    def _price_update(self, update_to_date, percent, contracts):
        """Update Contract Prices' wizard, filtered on ``contracts``."""
        return self.env["contract.price.update"].create(
            {
                "update_to_date": update_to_date,
                "percent": percent,
                "contract_ids": [Command.set(contracts.ids)],
            }
        )

    @staticmethod
    def _result(wizard):
        return {
            line.contract_id: (
                line.status,
                line.old_annual_amount,
                line.new_annual_amount,
                line.reason or "",
            )
            for line in wizard.line_ids
        }

    # === Update Contract Prices ===

    def test_price_update_yearly_contract(self):
        contract = self._create_contract(
            invoice_period="year",
            price=1200.0,
            sci_price_update_period=12,
            sci_next_price_update_date="2026-01-01",
        )
        opened = self._create_contract(
            partner=self.customer_b,
            invoice_period="year",
            price=1200.0,
            sci_price_update_period=12,
            sci_next_price_update_date="2026-01-01",
        )
        opened.action_open_changes()
        self.assertEqual(contract.annual_amount, 1200.0)
        wizard = self._price_update("2026-01-01", 5.0, contract | opened)
        # Preview: 1,200.00 x 1.05 = 1,260.00; nothing changes.
        wizard.action_preview()
        result = self._result(wizard)
        self.assertEqual(result[contract][:3], ("due", 1200.0, 1260.0))
        self.assertEqual(result[opened][0], "skipped")
        self.assertIn("Open contract", result[opened][3])
        self.assertEqual(contract.contract_line_ids.price_unit, 1200.0)
        self.assertFalse(contract.sci_last_price_update_date)
        wizard.action_update_prices()
        self.assertEqual(
            self._result(wizard)[contract][:3], ("updated", 1200.0, 1260.0)
        )
        self.assertEqual(wizard.updated_count, 1)
        self.assertEqual(contract.contract_line_ids.price_unit, 1260.0)
        self.assertEqual(contract.annual_amount, 1260.0)
        self.assertTrue(contract.sci_is_locked)
        self.assertEqual(contract.sci_next_price_update_date, date(2027, 1, 1))
        self.assertEqual(contract.sci_last_price_update_percent, 5.0)
        self.assertEqual(contract.sci_last_price_update_date, fields.Date.today())
        message = contract.message_ids[:1]
        self.assertIn("1,200.00", message.body)
        self.assertIn("1,260.00", message.body)
        # The Open contract is left alone.
        self.assertEqual(opened.contract_line_ids.price_unit, 1200.0)
        self.assertEqual(opened.sci_next_price_update_date, date(2026, 1, 1))
        # Twice the same day: the next date moved on, nothing changes.
        again = self._price_update("2026-01-01", 5.0, contract)
        again.action_update_prices()
        self.assertFalse(again.line_ids)
        self.assertEqual(contract.contract_line_ids.price_unit, 1260.0)
        self.assertEqual(contract.sci_next_price_update_date, date(2027, 1, 1))

    def test_price_update_several_lines_across_a_year_boundary(self):
        contract = self._create_contract(
            sci_price_update_period=12,
            sci_next_price_update_date="2026-12-15",
            lines=[
                {"product_id": self.service.id, "price_unit": 100.0, "quantity": 2},
                {
                    "product_id": self.service.id,
                    "price_unit": 33.33,
                    "discount": 10.0,
                },
            ],
        )
        # 2 x 100.00 + 33.33 less 10% (30.00) = 230.00 a month, 2,760.00 a year
        self.assertEqual(contract.annual_amount, 2760.0)
        wizard = self._price_update("2026-12-14", 3.0, contract)
        wizard.action_update_prices()
        self.assertFalse(wizard.line_ids)  # not due before 15 December
        wizard = self._price_update("2027-01-10", 3.0, contract)
        wizard.action_preview()
        # 100.00 x 1.03 = 103.00; 33.33 x 1.03 = 34.3299 -> 34.33;
        # 2 x 103.00 + 34.33 less 10% (30.90) = 236.90 a month, 2,842.80 a year
        self.assertEqual(self._result(wizard)[contract][:3], ("due", 2760.0, 2842.8))
        self.assertEqual(wizard.line_ids.new_next_date, date(2027, 12, 15), "next year")
        wizard.action_update_prices()
        self.assertEqual(
            contract.contract_line_ids.mapped("price_unit"), [103.0, 34.33]
        )
        self.assertEqual(contract.amount_per_period, 236.9)
        self.assertEqual(contract.annual_amount, 2842.8)
        self.assertEqual(contract.sci_next_price_update_date, date(2027, 12, 15))

    def test_price_update_rights(self):
        contract = self._create_contract(
            sci_price_update_period=12, sci_next_price_update_date="2026-01-01"
        )
        with self.assertRaises(AccessError):
            contract.with_user(self.sc_user)._sci_apply_price_update(
                5.0, date(2026, 1, 1)
            )
        with self.assertRaises(AccessError):
            contract.contract_line_ids.with_user(self.sc_user)._sci_apply_price_update(
                1.05
            )
        self.assertEqual(contract.contract_line_ids.price_unit, 100.0)

    def test_price_increase_text_on_next_invoice(self):
        contract = self._create_contract(invoice_period="year", price=1200.0)
        contract.sci_price_increase_text = "Prices rise by 5% from 1 January."
        result = self.env["service.contract.invoicing"].run(
            contract, posting_date=date(2026, 1, 1), invoice_to_date=date(2026, 1, 1)
        )
        self.assertFalse(result.failures)
        note = result.moves.invoice_line_ids.filtered(
            lambda line: line.display_type == "line_note"
        )
        self.assertEqual(note.name, "Prices rise by 5% from 1 January.")
        self.assertEqual(result.moves.amount_untaxed, 1200.0)
        self.assertFalse(contract.sci_price_increase_text)
        result = self.env["service.contract.invoicing"].run(
            contract, posting_date=date(2027, 1, 1), invoice_to_date=date(2027, 1, 1)
        )
        self.assertFalse(
            result.moves.invoice_line_ids.filtered(
                lambda line: line.display_type == "line_note"
            )
        )

    # === Pro rata shown as Business Central shows it ===

    def test_pro_rata_first_period_through_the_invoice_form(self):
        contract = self._create_contract(
            date_start="2026-03-17",
            invoicing_type="post-paid",
            align_to_calendar=True,
            lines=[
                {"product_id": self.service.id, "price_unit": 310.0, "sequence": 1},
                {
                    "product_id": self.service.id,
                    "price_unit": 310.0,
                    "quantity": 2.0,
                    "discount": 10.0,
                    "sequence": 2,
                },
            ],
        )
        result = self.env["service.contract.invoicing"].run(
            contract, posting_date=date(2026, 3, 31), invoice_to_date=date(2026, 3, 31)
        )
        self.assertFalse(result.failures)
        with Form(result.moves) as form:
            shown = []
            for index in range(len(form.invoice_line_ids)):
                with form.invoice_line_ids.edit(index) as line:
                    shown.append(
                        (line.quantity, line.price_unit, line.discount, line.name)
                    )
        # 17-31 March: 15 of March's 31 days. 310.00 x 15/31 = 150.00;
        # 2 x 310.00 less 10% = 558.00 x 15/31 = 270.00.
        # The section line naming the contract heads its lines.
        self.assertEqual(shown[0][:3], (0.0, 0.0, 0.0))
        shown = shown[1:]
        self.assertEqual(
            [row[:3] for row in shown], [(1.0, 150.0, 0.0), (1.0, 270.0, 0.0)]
        )
        self.assertIn("Pro rata 15/31 of 1.00 x 310.00", shown[0][3])
        self.assertIn("Pro rata 15/31 of 2.00 x 310.00 less 10.00%", shown[1][3])
        self.assertIn("03/17/2026 - 03/31/2026", shown[0][3])
        move = result.moves
        self.assertEqual(
            move.invoice_line_ids.filtered("contract_line_id")
            .sorted("sequence")
            .mapped("price_subtotal"),
            [150.0, 270.0],
        )
        self.assertEqual(move.amount_untaxed, 420.0)
        # A whole period: the contract's quantity and unit price.
        result = self.env["service.contract.invoicing"].run(
            contract, posting_date=date(2026, 4, 30), invoice_to_date=date(2026, 4, 30)
        )
        april = result.moves.invoice_line_ids.filtered("contract_line_id").sorted(
            "sequence"
        )
        self.assertEqual(
            [(line.quantity, line.price_unit, line.discount) for line in april],
            [(1.0, 310.0, 0.0), (2.0, 310.0, 10.0)],
        )
        self.assertEqual(result.moves.amount_untaxed, 868.0)

    def test_pro_rata_label_over_two_calendar_periods(self):
        contract = self._create_contract(
            date_start="2026-03-17", align_to_calendar=True, price=310.0, sign=False
        )
        line = contract.contract_line_ids
        self.assertEqual(
            line._sci_proration_label(date(2026, 3, 17), date(2026, 4, 30)),
            "Pro rata 15/31 + 1 of 1.00 x 310.00",
        )

    # === Credit memos when a prepaid contract shrinks ===

    def _invoice(self, contract, day):
        result = self.env["service.contract.invoicing"].run(
            contract, posting_date=day, invoice_to_date=day, post=True
        )
        self.assertFalse(result.failures)
        return result.moves

    def _credit_memos(self, contract):
        return (
            self.env["account.move.line"]
            .search(
                [
                    ("contract_line_id", "in", contract.contract_line_ids.ids),
                    ("sci_credited_line_id", "!=", False),
                ]
            )
            .move_id
        )

    @staticmethod
    def _credited(memo):
        return [
            (
                fields.Date.to_string(line.sci_credit_period_start),
                fields.Date.to_string(line.sci_credit_period_end),
                line.price_subtotal,
            )
            for line in memo.invoice_line_ids.sorted("sci_credit_period_start")
        ]

    def _remove_line(self, contract, date_end, line=None):
        contract.action_open_changes()
        (line or contract.contract_line_ids).date_end = date_end

    def test_credit_memo_yearly_line_removed(self):
        contract = self._create_contract(
            invoice_period="year", price=1200.0, sci_automatic_credit_memos=True
        )
        invoice = self._invoice(contract, date(2026, 1, 1))
        line = contract.contract_line_ids
        self.assertEqual(line.last_date_invoiced, date(2026, 12, 31))
        self._remove_line(contract, "2026-04-30")
        memo = self._credit_memos(contract)
        # 1 May - 31 December: 245 of 365 days, 1,200.00 x 245/365 = 805.48
        self.assertEqual(
            (memo.move_type, memo.state, memo.partner_id),
            ("out_refund", "draft", self.customer),
        )
        self.assertEqual(self._credited(memo), [("2026-05-01", "2026-12-31", 805.48)])
        memo_line = memo.invoice_line_ids
        self.assertEqual((memo_line.quantity, memo_line.price_unit), (1.0, 805.48))
        self.assertEqual(memo_line.contract_line_id, line)
        self.assertEqual(
            memo_line.sci_credited_line_id,
            invoice.invoice_line_ids.filtered("contract_line_id"),
        )
        self.assertEqual(memo_line.account_id, invoice.invoice_line_ids.account_id)
        self.assertEqual(line.last_date_invoiced, date(2026, 4, 30))
        self.assertFalse(contract.sci_credit_memo_due)
        memo.action_post()
        entry = self.env["service.ledger.entry"].search([("invoice_id", "=", memo.id)])
        self.assertEqual(
            (entry.contract_line_id, entry.amount_currency, entry.event),
            (line, -805.48, "credit_note"),
        )
        self.assertEqual(
            (entry.period_start, entry.period_end),
            (date(2026, 5, 1), date(2026, 12, 31)),
        )
        # Credited once, never invoiced again.
        self.assertFalse(contract._sci_create_credit_memos())
        contract.action_lock()
        self.assertFalse(self._invoice(contract, date(2027, 1, 1)))

    def test_credit_memo_monthly_on_request(self):
        contract = self._create_contract(price=100.0)
        self._invoice(contract, date(2026, 5, 1))  # January to May, prepaid
        self._remove_line(contract, "2026-04-15")
        self.assertFalse(self._credit_memos(contract))
        self.assertTrue(contract.sci_credit_memo_due)
        # Extended again before its credit memo: refused, the days after the
        # End Date would be invoiced twice.
        line = contract.contract_line_ids
        for date_end in ("2026-12-31", False):
            with self.assertRaisesRegex(UserError, "not credited yet"):
                line.date_end = date_end
        self.assertEqual(line.date_end, date(2026, 4, 15))
        action = contract.action_create_credit_memo()
        memo = self.env["account.move"].browse(action["res_id"])
        # 16-30 April: 15/30 x 100.00 = 50.00; May in full
        self.assertEqual(
            self._credited(memo),
            [("2026-04-16", "2026-04-30", 50.0), ("2026-05-01", "2026-05-31", 100.0)],
        )
        self.assertEqual(memo.amount_untaxed, 150.0)
        self.assertFalse(contract.sci_credit_memo_due)
        # Credited: the line may be extended again.
        line.date_end = "2026-12-31"
        self.assertEqual(line.date_end, date(2026, 12, 31))

    def test_credit_memo_in_arrears_nothing_to_credit(self):
        contract = self._create_contract(
            invoicing_type="post-paid", sci_automatic_credit_memos=True
        )
        self._invoice(contract, date(2026, 3, 31))
        self._remove_line(contract, "2026-04-15")
        self.assertFalse(self._credit_memos(contract))
        self.assertFalse(contract.sci_credit_memo_due)

    def test_credit_memo_quarterly_cancelled_in_foreign_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        contract = self._create_contract(
            date_start="2026-04-01",
            invoice_period="quarter",
            price=900.0,
            manual_currency_id=eur.id,
            sci_automatic_credit_memos=True,
        )
        self._invoice(contract, date(2026, 4, 1))
        contract.cancel_reason = "Customer moved away"
        with freeze_time("2026-05-15"):
            contract.action_cancel_contract()
        memo = self._credit_memos(contract)
        # 16 May - 30 June: 46 of the quarter's 91 days, 900.00 x 46/91 = 454.95
        self.assertEqual(memo.currency_id, eur)
        self.assertEqual(self._credited(memo), [("2026-05-16", "2026-06-30", 454.95)])
        self.assertEqual(contract.contract_line_ids.date_end, date(2026, 5, 15))

    def test_credit_memo_reverses_the_deferral(self):
        deferred = self.env["account.account"].create(
            {
                "name": "Deferred Contract Revenue",
                "code": "DEFMEMO",
                "account_type": "liability_current",
            }
        )
        contract = self._create_contract(
            invoice_period="year",
            price=1200.0,
            sci_defer_revenue=True,
            sci_deferred_revenue_account_id=deferred.id,
            sci_automatic_credit_memos=True,
        )
        self._invoice(contract, date(2026, 1, 1))
        Schedule = self.env["contract.revenue.schedule"]
        Schedule._sci_recognise(date(2026, 4, 30))  # January to April: 400.00
        self._remove_line(contract, "2026-04-30")
        memo = self._credit_memos(contract)
        self.assertEqual(memo.invoice_line_ids.account_id, deferred)
        memo.action_post()
        rows = Schedule.search([("contract_id", "=", contract.id)])
        # May to December (100.00 each) reversed; the 5.48 between 805.48 (by
        # day) and 800.00 (by month) recognised back at once on April.
        self.assertEqual(
            sum(rows.filtered(lambda row: row.state == "pending").mapped("amount")),
            0.0,
        )
        correction = rows.filtered(
            lambda row: row.origin_id and row.state == "recognised"
        )
        self.assertEqual(
            [(row.month, row.amount) for row in correction],
            [(date(2026, 4, 1), -5.48)],
        )
        self.assertEqual(contract.sci_deferred_revenue_pending, 0.0)
        balance = sum(
            self.env["account.move.line"]
            .search([("account_id", "=", deferred.id), ("parent_state", "=", "posted")])
            .mapped("balance")
        )
        self.assertAlmostEqual(balance, 0.0)
