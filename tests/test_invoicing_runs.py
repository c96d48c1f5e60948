# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contract Invoicing Run records: every Create Contract Invoices run (wizard,
scheduled action) leaves one, with what it did and why it skipped."""

from datetime import date

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestInvoicingRuns(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.blocked = cls.env["res.partner"].create(
            {
                "name": "Blocked Customer",
                "is_company": True,
                "invoice_warn": "block",
                "invoice_warn_msg": "Unpaid invoices",
            }
        )
        cls.Run = cls.env["contract.invoicing.run"]

    def _wizard_run(self, **values):
        with Form(self.env["contract.invoice.create"]) as form:
            for name, value in values.items():
                setattr(form, name, value)
        wizard = form.record
        wizard.action_run()
        return wizard

    def _three_contracts(self):
        good = self._create_contract(date_start="2026-01-01", price=100.0)
        other = self._create_contract(
            partner=self.customer_b, date_start="2026-01-01", price=50.0
        )
        blocked = self._create_contract(partner=self.blocked, date_start="2026-01-01")
        opened = self._create_contract(partner=self.customer_b, date_start="2026-01-01")
        opened.action_open_changes()
        return good, other, blocked, opened

    def test_wizard_run_is_recorded(self):
        good, other, blocked, opened = self._three_contracts()
        wizard = self._wizard_run(
            posting_date=date(2026, 2, 5),
            invoice_to_date=date(2026, 2, 5),
            partner_ids=self.customer | self.customer_b | self.blocked,
        )
        run = wizard.invoicing_run_id
        self.assertTrue(run.name.startswith("RUN/"))
        self.assertEqual(run.trigger, "wizard")
        self.assertEqual(run.user_id, self.env.user)
        self.assertEqual(run.posting_date, date(2026, 2, 5))
        self.assertEqual(run.invoice_to_date, date(2026, 2, 5))
        self.assertIn("Blocked Customer", run.filters)
        self.assertEqual(run.state, "failures")
        self.assertEqual(run.contract_count, 4)
        self.assertEqual(run.invoiced_contract_count, 2)
        self.assertEqual(run.skipped_count, 1)
        self.assertEqual(run.failed_count, 1)
        # Two periods (January, February) for each invoiced contract.
        self.assertEqual(run.move_ids, wizard.move_ids)
        self.assertEqual(run.invoice_count, 2)
        self.assertEqual(run.amount_untaxed, 300.0)
        self.assertFalse(run.is_background)
        self.assertTrue(run.end_datetime)
        self.assertGreaterEqual(run.duration, 0.0)
        lines = {(line.contract_id, line.status): line.reason for line in run.line_ids}
        self.assertEqual(
            set(lines), {(blocked, "failed"), (opened, "skipped")}, run.line_ids
        )
        self.assertIn("blocked for invoicing", lines[(blocked, "failed")])
        self.assertEqual(lines[(opened, "skipped")], "change status is Open")
        self.assertEqual(good.contract_line_ids.last_date_invoiced, date(2026, 2, 28))
        self.assertEqual(other.contract_line_ids.last_date_invoiced, date(2026, 2, 28))
        # A user run gives no activity: the user sees the result.
        self.assertFalse(run.activity_ids)

    def test_wizard_run_without_failures_is_done(self):
        self._create_contract(date_start="2026-01-01")
        run = self._wizard_run(
            posting_date=date(2026, 1, 5), invoice_to_date=date(2026, 1, 5)
        ).invoicing_run_id
        self.assertEqual(run.state, "done")
        self.assertEqual((run.invoice_count, run.failed_count), (1, 0))
        self.assertFalse(run.line_ids)

    def test_preview_is_not_recorded(self):
        self._three_contracts()
        runs_before = self.Run.search_count([])
        wizard = self._wizard_run(
            posting_date=date(2026, 2, 5),
            invoice_to_date=date(2026, 2, 5),
            run_action="preview",
        )
        self.assertFalse(wizard.invoicing_run_id)
        self.assertEqual(self.Run.search_count([]), runs_before)
        self.assertTrue(wizard.line_ids)

    @freeze_time("2026-02-05")
    def test_scheduled_run_with_failures_gives_an_activity(self):
        good, other, blocked, opened = self._three_contracts()
        # As the scheduled action shipped runs: as OdooBot, the superuser.
        engine = self.env["service.contract.invoicing"].with_user(
            self.env.ref("base.user_root")
        )
        engine._cron_create_invoices()
        run = self.Run.search([], limit=1)
        self.assertEqual(run.trigger, "cron")
        self.assertEqual(run.state, "failures")
        self.assertEqual(run.posting_date, date(2026, 2, 5))
        # The scheduled action selects due, invoiceable contracts only.
        self.assertEqual(run.contract_count, 3)
        self.assertEqual(run.invoiced_contract_count, 2)
        self.assertEqual(run.line_ids.contract_id, blocked)
        self.assertEqual(run.line_ids.status, "failed")
        # The cron runs as the superuser: the administrator is told.
        admin = self.env.ref("base.user_admin")
        self.assertEqual(run.activity_ids.user_id, admin)
        self.assertIn(run.name, run.activity_ids.summary)
        # A responsible set in the settings is told instead.
        manager = new_test_user(
            self.env,
            login="sci_run_manager",
            groups="service_contract_invoicing.group_service_contract_manager",
        )
        self.env["res.config.settings"].create(
            {"sci_run_responsible_id": manager.id}
        ).execute()
        engine._cron_create_invoices()
        second = self.Run.search([], limit=1)
        self.assertNotEqual(second, run)
        self.assertEqual(second.state, "failures")
        self.assertEqual(second.activity_ids.user_id, manager)

    @freeze_time("2026-02-05")
    def test_scheduled_run_as_a_user_tells_that_user(self):
        self._three_contracts()
        self.env["service.contract.invoicing"]._cron_create_invoices()
        run = self.Run.search([], limit=1)
        self.assertEqual(run.user_id, self.env.user)
        self.assertEqual(run.activity_ids.user_id, self.env.user)

    @freeze_time("2026-01-05")
    def test_scheduled_run_without_failures(self):
        self._create_contract(date_start="2026-01-01")
        self.env["service.contract.invoicing"]._cron_create_invoices()
        run = self.Run.search([], limit=1)
        self.assertEqual(
            (run.trigger, run.state, run.invoice_count), ("cron", "done", 1)
        )
        self.assertFalse(run.activity_ids)

    def test_users_read_runs_of_their_companies(self):
        self._create_contract(date_start="2026-01-01")
        run = self._wizard_run(
            posting_date=date(2026, 1, 5), invoice_to_date=date(2026, 1, 5)
        ).invoicing_run_id
        other_company = self.setup_other_company()["company"]
        theirs = self.Run.create(
            {"trigger": "wizard", "company_id": other_company.id, "state": "done"}
        )
        user = new_test_user(
            self.env,
            login="sci_run_user",
            groups="service_contract_invoicing.group_service_contract_user",
            company_id=self.env.company.id,
            company_ids=[(6, 0, self.env.company.ids)],
        )
        runs = self.Run.with_user(user).search([])
        self.assertIn(run, runs)
        self.assertNotIn(theirs, runs)
        self.assertEqual(run.with_user(user).line_ids, run.line_ids)
        with self.assertRaises(AccessError):
            run.with_user(user).write({"state": "failed"})
        with self.assertRaises(AccessError):
            run.with_user(user).unlink()
