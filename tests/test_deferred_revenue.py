# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestDeferredRevenue(ServiceContractCommon):
    """A yearly prepaid contract of 1,200.00 defers its revenue and recognises
    100.00 a month."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.company_data["company"]
        cls.income = cls.company_data["default_account_revenue"]
        cls.deferred = cls._create_deferred_account(cls.company, "DEFREV")
        cls.company.write(
            {
                "sci_defer_prepaid_revenue": True,
                "sci_deferred_revenue_account_id": cls.deferred.id,
            }
        )
        cls.plan = cls.env["account.analytic.plan"].create({"name": "Departments"})
        cls.analytic = cls.env["account.analytic.account"].create(
            {"name": "Field Service", "plan_id": cls.plan.id}
        )
        cls.Schedule = cls.env["contract.revenue.schedule"]

    @classmethod
    def _create_deferred_account(cls, company, code):
        return cls.env["account.account"].create(
            {
                "name": "Deferred Contract Revenue",
                "code": code,
                "account_type": "liability_current",
                "company_ids": [Command.set(company.ids)],
            }
        )

    def _yearly_contract(self, date_start="2026-01-01", **values):
        values.setdefault(
            "lines",
            [
                {
                    "product_id": self.service.id,
                    "price_unit": 1200.0,
                    "quantity": 1.0,
                    "analytic_distribution": {str(self.analytic.id): 100},
                }
            ],
        )
        return self._create_contract(
            date_start=date_start,
            invoice_period="year",
            is_service_contract=True,
            **values,
        )

    def _invoice(self, contract, day):
        with freeze_time(day):
            result = self.env["service.contract.invoicing"].run(
                contract, day, day, post=True
            )
        self.assertFalse(result.failures)
        self.assertEqual(result.moves.mapped("state"), ["posted"])
        return result.moves

    def _post_entries(self, until, companies=None):
        with freeze_time(until):
            wizard = Form(
                self.env["contract.revenue.post"].with_context(
                    allowed_company_ids=(companies or self.company).ids
                )
            )
            wizard.until_date = until
            wizard = wizard.save()
            return self.Schedule._sci_recognise(until, companies=wizard.company_ids)

    def _balance(self, account, company=None):
        """Credit balance of an account in the general ledger."""
        lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", account.id),
                ("parent_state", "=", "posted"),
                ("company_id", "=", (company or self.company).id),
            ]
        )
        return round(-sum(lines.mapped("balance")), 2)

    def _assert_ledger_balanced(self, company=None):
        company = company or self.company
        lines = self.env["account.move.line"].search(
            [("parent_state", "=", "posted"), ("company_id", "=", company.id)]
        )
        self.assertAlmostEqual(
            sum(lines.mapped("debit")), sum(lines.mapped("credit")), places=2
        )
        for move in lines.move_id:
            self.assertAlmostEqual(
                sum(move.line_ids.mapped("debit")),
                sum(move.line_ids.mapped("credit")),
                places=2,
                msg=move.display_name,
            )

    def _rows(self, contract):
        return self.Schedule.search([("contract_id", "=", contract.id)]).sorted(
            lambda row: (row.month, row.id)
        )

    # === Posting ===

    def test_yearly_invoice_deferred_then_recognised(self):
        contract = self._yearly_contract()
        invoice = self._invoice(contract, date(2026, 1, 15))
        line = invoice.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(line.account_id, self.deferred)
        self.assertFalse(line.analytic_distribution)
        self.assertEqual(self._balance(self.income), 0.0)
        self.assertEqual(self._balance(self.deferred), 1200.0)
        self._assert_ledger_balanced()

        rows = self._rows(contract)
        self.assertEqual(len(rows), 12)
        self.assertEqual(rows.mapped("amount"), [100.0] * 12)
        self.assertEqual(rows[0].month, date(2026, 1, 1))
        self.assertEqual(rows[0].date, date(2026, 1, 31))
        self.assertEqual(rows[-1].date, date(2026, 12, 31))
        self.assertEqual(set(rows.mapped("state")), {"pending"})
        self.assertEqual(rows.income_account_id, self.income)
        self.assertEqual(rows.deferred_account_id, self.deferred)
        self.assertEqual(rows.move_line_id, line)
        self.assertEqual(rows[0].analytic_distribution, {str(self.analytic.id): 100})
        self.assertEqual(contract.sci_deferred_revenue_pending, 1200.0)
        self.assertEqual(contract.sci_revenue_schedule_count, 12)

        moves = self._post_entries(date(2026, 3, 31))
        # One entry per month: January, February, March.
        self.assertEqual(len(moves), 3)
        self.assertEqual(
            moves.sorted("date").mapped("date"),
            [date(2026, 1, 31), date(2026, 2, 28), date(2026, 3, 31)],
        )
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(self._balance(self.income), 300.0)
        self.assertEqual(self._balance(self.deferred), 900.0)
        self._assert_ledger_balanced()
        income_lines = moves.line_ids.filtered(lambda ml: ml.account_id == self.income)
        self.assertEqual(
            income_lines.mapped("analytic_distribution"),
            [{str(self.analytic.id): 100}] * 3,
        )
        analytic_lines = self.env["account.analytic.line"].search(
            [("auto_account_id", "=", self.analytic.id)]
        )
        self.assertEqual(sum(analytic_lines.mapped("amount")), 300.0)
        self.assertEqual(rows[:3].mapped("state"), ["recognised"] * 3)
        self.assertEqual(rows[3:].mapped("state"), ["pending"] * 9)
        self.assertEqual(rows[0].recognition_move_id.date, date(2026, 1, 31))
        contract.invalidate_recordset()
        self.assertEqual(contract.sci_deferred_revenue_pending, 900.0)

        # Run twice: nothing changes.
        self.assertFalse(self._post_entries(date(2026, 3, 31)))
        self.assertEqual(self._balance(self.income), 300.0)
        self.assertEqual(self._balance(self.deferred), 900.0)

        # The database refuses a row posted twice.
        with self.assertRaises(UserError):
            self.Schedule._sci_mark_recognised(rows[:1].ids, moves[:1])
        with self.assertRaises(UserError):
            rows[0].write({"state": "pending"})

        # Recognised rows: the invoice can no longer be reset or cancelled.
        with self.assertRaisesRegex(UserError, "Issue a credit note"):
            invoice.button_draft()
        with self.assertRaisesRegex(UserError, "Issue a credit note"):
            invoice.button_cancel()
        self.assertEqual(invoice.state, "posted")

    def test_partial_months_by_days(self):
        contract = self._yearly_contract(date_start="2026-03-17")
        self._invoice(contract, date(2026, 3, 17))
        rows = self._rows(contract)
        self.assertEqual(len(rows), 13)
        self.assertEqual(rows[0].month, date(2026, 3, 1))
        self.assertEqual(rows[0].period_start, date(2026, 3, 17))
        self.assertEqual(rows[0].period_end, date(2027, 3, 16))
        # 17-31 March: 15/31 of a month's 100.00
        self.assertEqual(rows[0].amount, 48.39)
        self.assertEqual(rows[1:12].mapped("amount"), [100.0] * 11)
        self.assertEqual(rows[-1].month, date(2027, 3, 1))
        self.assertEqual(rows[-1].amount, 51.61)
        self.assertEqual(round(sum(rows.mapped("amount")), 2), 1200.0)
        self._post_entries(date(2027, 3, 31))
        self.assertEqual(self._balance(self.income), 1200.0)
        self.assertEqual(self._balance(self.deferred), 0.0)
        self._assert_ledger_balanced()

    def test_monthly_shares_exact_to_the_cent(self):
        usd = self.company.currency_id
        shares = self.Schedule._sci_monthly_shares(
            1000.0, date(2026, 1, 1), date(2026, 3, 31), usd
        )
        self.assertEqual([amount for __, amount in shares], [333.33, 333.33, 333.34])
        shares = self.Schedule._sci_monthly_shares(
            100.0, date(2026, 1, 15), date(2026, 2, 14), usd
        )
        # 17/31 and 14/28 of a month: 100.00 * (17/31) / (17/31 + 1/2)
        self.assertEqual([amount for __, amount in shares], [52.31, 47.69])

    def test_month_invoiced_in_its_month_not_deferred(self):
        contract = self._create_contract(
            date_start="2026-01-01", is_service_contract=True
        )
        invoice = self._invoice(contract, date(2026, 1, 1))
        self.assertEqual(invoice.invoice_line_ids.account_id, self.income)
        self.assertFalse(self._rows(contract))
        self.assertEqual(self._balance(self.income), 100.0)

    def test_contract_not_deferring(self):
        contract = self._yearly_contract(sci_defer_revenue=False)
        invoice = self._invoice(contract, date(2026, 1, 15))
        self.assertEqual(invoice.invoice_line_ids.account_id, self.income)
        self.assertFalse(self._rows(contract))
        self.assertEqual(self._balance(self.income), 1200.0)

    def test_in_arrears_not_deferred(self):
        contract = self._yearly_contract(invoicing_type="post-paid")
        invoice = self._invoice(contract, date(2027, 1, 5))
        self.assertEqual(invoice.invoice_line_ids.account_id, self.income)
        self.assertFalse(self._rows(contract))

    # === Corrections ===

    def test_credit_note_after_recognition(self):
        contract = self._yearly_contract()
        invoice = self._invoice(contract, date(2026, 1, 15))
        self._post_entries(date(2026, 3, 31))
        with freeze_time("2026-04-10"):
            reversal = (
                self.env["account.move.reversal"]
                .with_context(active_model="account.move", active_ids=invoice.ids)
                .create(
                    {
                        "date": date(2026, 4, 10),
                        "journal_id": invoice.journal_id.id,
                        "reason": "Contract ended",
                    }
                )
            )
            refund = self.env["account.move"].browse(reversal.refund_moves()["res_id"])
            self.assertEqual(refund.invoice_line_ids.account_id, self.deferred)
            refund.action_post()
        # Income back to nothing, nothing left deferred.
        self.assertEqual(self._balance(self.income), 0.0)
        self.assertEqual(self._balance(self.deferred), 0.0)
        self._assert_ledger_balanced()
        rows = self._rows(contract)
        invoice_rows = rows.filtered(lambda row: not row.origin_id)
        credit_rows = rows - invoice_rows
        self.assertEqual(invoice_rows[:3].mapped("state"), ["recognised"] * 3)
        self.assertEqual(invoice_rows[3:].mapped("state"), ["reversed"] * 9)
        self.assertEqual(credit_rows.mapped("amount"), [-100.0] * 12)
        recognised_back = credit_rows.filtered(lambda row: row.state == "recognised")
        self.assertEqual(recognised_back.origin_id, invoice_rows[:3])
        correction = recognised_back.recognition_move_id
        self.assertEqual(len(correction), 1)
        self.assertEqual(correction.date, date(2026, 4, 10))
        self.assertEqual(
            correction.line_ids.filtered(lambda ml: ml.account_id == self.income).debit,
            300.0,
        )
        self.assertEqual(contract.sci_deferred_revenue_pending, 0.0)
        # Nothing left to recognise later.
        self.assertFalse(self._post_entries(date(2026, 12, 31)))
        self.assertEqual(self._balance(self.income), 0.0)
        self.assertEqual(self._balance(self.deferred), 0.0)
        # The credit note holds recognised rows: it stays posted too.
        with self.assertRaisesRegex(UserError, "Issue a credit note"):
            refund.button_draft()

    def test_partial_credit_note_before_recognition(self):
        contract = self._yearly_contract()
        invoice = self._invoice(contract, date(2026, 1, 15))
        with freeze_time("2026-01-20"):
            refund = invoice._reverse_moves(
                [{"date": date(2026, 1, 20), "invoice_date": date(2026, 1, 20)}]
            )
            refund.invoice_line_ids.filtered("contract_line_id").price_unit = 600.0
            refund.action_post()
        self.assertEqual(self._balance(self.deferred), 600.0)
        rows = self._rows(contract)
        self.assertEqual(rows.filtered("origin_id").mapped("amount"), [-50.0] * 12)
        self._post_entries(date(2026, 12, 31))
        self.assertEqual(self._balance(self.income), 600.0)
        self.assertEqual(self._balance(self.deferred), 0.0)
        self._assert_ledger_balanced()

    def test_reset_to_draft_drops_schedule(self):
        contract = self._yearly_contract()
        invoice = self._invoice(contract, date(2026, 1, 15))
        with freeze_time("2026-01-16"):
            invoice.button_draft()
        line = invoice.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(line.account_id, self.income)
        self.assertEqual(line.analytic_distribution, {str(self.analytic.id): 100})
        self.assertFalse(self._rows(contract))
        self.assertEqual(self._balance(self.deferred), 0.0)
        with freeze_time("2026-01-16"):
            invoice.action_post()
        self.assertEqual(invoice.invoice_line_ids.account_id, self.deferred)
        self.assertEqual(len(self._rows(contract)), 12)
        with freeze_time("2026-01-16"):
            invoice.button_cancel()
        self.assertEqual(invoice.state, "cancel")
        self.assertFalse(self._rows(contract))
        self._assert_ledger_balanced()

    # === Lock dates ===

    def test_locked_month_refused(self):
        contract = self._yearly_contract()
        self._invoice(contract, date(2026, 1, 15))
        self.company.fiscalyear_lock_date = date(2026, 2, 28)
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, self.company.name) as caught:
            self.Schedule._sci_recognise(date(2026, 3, 31), companies=self.company)
        self.assertIn("2026", str(caught.exception))
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
        self.assertEqual(set(self._rows(contract).mapped("state")), {"pending"})
        self.assertEqual(self._balance(self.deferred), 1200.0)

    # === Companies and currencies ===

    def test_multi_company_foreign_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2026-01-01", 2.0)])
        other = self.setup_other_company(name="SCI Deferral Co B")
        company_b = other["company"]
        deferred_b = self._create_deferred_account(company_b, "DEFREVB")
        company_b.write(
            {
                "sci_defer_prepaid_revenue": True,
                "sci_deferred_revenue_account_id": deferred_b.id,
            }
        )
        self.service.with_company(company_b).property_account_income_id = other[
            "default_account_revenue"
        ]
        contract_a = self._yearly_contract(manual_currency_id=eur.id)
        contract_b = self._yearly_contract(
            company_id=company_b.id,
            journal_id=other["default_journal_sale"].id,
            lines=[{"product_id": self.service.id, "price_unit": 2400.0}],
        )
        self._invoice(contract_a, date(2026, 1, 15))
        self._invoice(contract_b, date(2026, 1, 15))
        # 1,200.00 EUR at 2 EUR per USD: 600.00 USD booked, 50.00 a month.
        self.assertEqual(self._rows(contract_a).mapped("amount"), [50.0] * 12)
        self.assertEqual(self._rows(contract_b).mapped("amount"), [200.0] * 12)
        self.assertEqual(self._rows(contract_b).company_id, company_b)
        # The rate changes: amounts stay as booked.
        self.env["res.currency.rate"].create(
            {"name": "2026-02-01", "rate": 4.0, "currency_id": eur.id}
        )
        moves = self._post_entries(
            date(2026, 2, 28), companies=self.company | company_b
        )
        self.assertEqual(len(moves), 4)
        self.assertEqual(moves.company_id, self.company | company_b)
        self.assertEqual(self._balance(self.income), 100.0)
        self.assertEqual(self._balance(self.deferred), 500.0)
        self.assertEqual(
            self._balance(other["default_account_revenue"], company_b), 400.0
        )
        self.assertEqual(self._balance(deferred_b, company_b), 2000.0)
        self._assert_ledger_balanced()
        self._assert_ledger_balanced(company_b)

    def test_failing_company_isolated_others_posted(self):
        """Post Prepaid Contract Entries over two companies, one of them with
        its period locked: nothing of that company is posted, its
        responsible gets an activity, the wizard says which company failed
        and why, and the other company is posted."""
        other = self.setup_other_company(name="SCI Deferral Co Locked")
        company_b = other["company"]
        deferred_b = self._create_deferred_account(company_b, "DEFREVL")
        company_b.write(
            {
                "sci_defer_prepaid_revenue": True,
                "sci_deferred_revenue_account_id": deferred_b.id,
            }
        )
        self.service.with_company(company_b).property_account_income_id = other[
            "default_account_revenue"
        ]
        contract_a = self._yearly_contract()
        contract_b = self._yearly_contract(
            company_id=company_b.id,
            journal_id=other["default_journal_sale"].id,
            lines=[{"product_id": self.service.id, "price_unit": 2400.0}],
        )
        self._invoice(contract_a, date(2026, 1, 15))
        self._invoice(contract_b, date(2026, 1, 15))
        company_b.fiscalyear_lock_date = date(2026, 1, 31)
        entries_b = [("company_id", "=", company_b.id), ("move_type", "=", "entry")]
        entries_b_before = self.env["account.move"].search_count(entries_b)
        with freeze_time("2026-02-28"):
            wizard = Form(
                self.env["contract.revenue.post"].with_context(
                    allowed_company_ids=(self.company | company_b).ids
                )
            )
            wizard.until_date = date(2026, 2, 28)
            wizard = wizard.save()
            self.assertEqual(wizard.company_ids, self.company | company_b)
            action = wizard.action_post()
        # Company A: January and February recognised, 100.00 each.
        self.assertEqual(self._balance(self.income), 200.0)
        self.assertEqual(self._balance(self.deferred), 1000.0)
        self.assertEqual(
            self._rows(contract_a).mapped("state"),
            ["recognised"] * 2 + ["pending"] * 10,
        )
        # Company B: nothing made, its rows still pending.
        self.assertEqual(set(self._rows(contract_b).mapped("state")), {"pending"})
        self.assertEqual(
            self.env["account.move"].search_count(entries_b), entries_b_before
        )
        self.assertEqual(self._balance(deferred_b, company_b), 2400.0)
        # The wizard's result names the company and the reason, then opens
        # the posted entries.
        self.assertEqual(action["tag"], "display_notification")
        params = action["params"]
        self.assertEqual(params["title"], "2 entries posted, 1 companies not posted")
        self.assertIn(
            "SCI Deferral Co Locked: Company SCI Deferral Co Locked", params["message"]
        )
        self.assertIn("the period is locked", params["message"])
        moves_a = self.env["account.move"].search(params["next"]["domain"])
        self.assertEqual(moves_a.company_id, self.company)
        self.assertEqual(len(moves_a), 2)
        # The responsible (the user who ran it here) has an activity on the
        # company's deferral journal.
        journal_b = company_b._sci_deferral_journal()
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "account.journal"), ("res_id", "=", journal_b.id)]
        )
        self.assertEqual(activity.user_id, self.env.user)
        self.assertEqual(
            activity.summary,
            "Post Prepaid Contract Entries failed for SCI Deferral Co Locked",
        )
        self.assertIn("the period is locked", str(activity.note))

    # === Settings ===

    def test_deferred_account_must_be_current_liability(self):
        with self.assertRaises(ValidationError):
            self.company.sci_deferred_revenue_account_id = self.income
        other = self.setup_other_company(name="SCI Deferral Co C")["company"]
        with self.assertRaises(ValidationError):
            other.sci_deferred_revenue_account_id = self.deferred
        with self.assertRaises(ValidationError):
            self.company.sci_deferral_journal_id = self.sale_journal
        contract = self._yearly_contract(sign=False)
        with self.assertRaises(ValidationError):
            contract.sci_deferred_revenue_account_id = self.income

    def test_settings_and_contract_default(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.sci_defer_prepaid_revenue)
        self.assertEqual(settings.sci_deferred_revenue_account_id, self.deferred)
        journal = self.company_data["default_journal_misc"]
        settings.sci_deferral_journal_id = journal
        settings.execute()
        self.assertEqual(self.company.sci_deferral_journal_id, journal)
        self.assertTrue(self._yearly_contract(sign=False).sci_defer_revenue)
        self.company.sci_defer_prepaid_revenue = False
        self.assertFalse(self._yearly_contract(sign=False).sci_defer_revenue)

    def test_cron_and_views(self):
        cron = self.env.ref("service_contract_invoicing.contract_revenue_schedule_cron")
        self.assertTrue(cron.active)
        self.assertEqual(cron.interval_type, "months")
        contract = self._yearly_contract()
        self._invoice(contract, date(2026, 1, 15))
        with freeze_time("2026-03-05"):
            moves = self.Schedule._cron_recognise()
        self.assertEqual(len(moves), 2)
        self.assertEqual(self._balance(self.income), 200.0)
        for view_type in ("list", "pivot", "search", "form"):
            self.Schedule.get_view(view_type=view_type)
        action = contract.action_view_sci_revenue_schedule()
        self.assertEqual(self.Schedule.search(action["domain"]), self._rows(contract))

    def test_recognition_entry_shows_its_rows(self):
        """A Service Contract User, not an accountant (Community hides the
        journal items from them), sees on a recognition entry what it posted:
        the schedule rows with their amounts and accounts."""
        contract = self._yearly_contract()
        self._invoice(contract, date(2026, 1, 15))
        moves = self._post_entries(date(2026, 2, 28)).sorted("date")
        self.assertEqual(len(moves), 2)
        user = new_test_user(
            self.env,
            login="sci_revenue_reader",
            groups="base.group_user,"
            "service_contract_invoicing.group_service_contract_user",
            company_id=self.company.id,
            company_ids=[Command.set(self.company.ids)],
        )
        self.assertFalse(user.has_group("account.group_account_readonly"))
        january = moves[0].with_user(user)
        rows = january.sci_recognised_schedule_ids
        self.assertEqual(rows, self._rows(contract)[:1])
        self.assertEqual(rows.mapped("amount"), [100.0])
        self.assertEqual(rows.deferred_account_id, self.deferred)
        self.assertEqual(rows.income_account_id, self.income)
        arch = january.get_view(view_type="form")["arch"]
        self.assertIn('name="sci_recognised_tab"', arch)
        self.assertNotIn('name="aml_tab"', arch)
