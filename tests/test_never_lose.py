# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Never lose or misplace a period: concurrency errors are retried (never
reported as a contract's failure), locked accounting periods are refused by
the engine, periods left behind by cancelled invoices are seen and invoiced
again on request, Reverse and create invoice keeps the periods."""

from datetime import date

from freezegun import freeze_time
from psycopg2 import OperationalError
from psycopg2.errors import LockNotAvailable

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from .common import CommittedContractsCase, ServiceContractCommon

CONTRACTS = 3


@tagged("post_install", "-at_install")
class TestConcurrencyNotAFailure(CommittedContractsCase):
    """Two real transactions (committed fixtures, removed in cleanup), as in
    test_overlapping_runs."""

    CONTRACTS = CONTRACTS
    NAME = "Never Lose"

    def _run(self, env, **options):
        return env["service.contract.invoicing"].run(
            env["contract.contract"].browse(self.contract_ids),
            posting_date=date(2026, 1, 15),
            invoice_to_date=date(2026, 1, 15),
            **options,
        )

    def test_run_older_than_a_committed_run_skips_its_contracts(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            # B's transaction (and snapshot) begins before A commits.
            cr_b.execute("SELECT 1 FROM contract_contract LIMIT 1")
            self.assertEqual(len(self._run(env_a).moves), CONTRACTS)
            cr_a.commit()  # pylint: disable=invalid-commit
            # B cannot lock what A changed since B began: it skips it, it
            # neither fails on a SerializationFailure nor invoices twice.
            result_b = self._run(env_b)
            self.assertFalse(result_b.moves)
            self.assertFalse(result_b.failures)
            self.assertEqual(
                {reason for __, reason in result_b.skipped},
                {"invoiced by another run since this run started"},
            )
            self.assertEqual(len(result_b.skipped), CONTRACTS)
            cr_b.commit()  # pylint: disable=invalid-commit
        self.assertEqual(len(self._invoiced_periods()), CONTRACTS)

    def test_lock_wait_at_invoice_creation_is_retried_not_failed(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            # A holds the journal (as a long transaction could).
            cr_a.execute(
                "SELECT id FROM account_journal WHERE id = %s FOR UPDATE",
                [self.journal_id],
            )
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SET lock_timeout = '300ms'")
            # The lock error is raised for Odoo to retry the request: no
            # contract "fails" with a database message.
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                self._run(env_b)
            cr_b.rollback()
            cr_a.rollback()
        self.assertFalse(self._invoiced_periods())

    def test_scheduled_run_stopped_by_concurrency_says_so_in_words(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            cr_a.execute(
                "SELECT id FROM account_journal WHERE id = %s FOR UPDATE",
                [self.journal_id],
            )
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            contracts = env_b["contract.contract"].browse(self.contract_ids)
            invoicing_run = env_b["contract.invoicing.run"]._start(
                contracts,
                trigger="cron",
                posting_date=date(2026, 1, 15),
                invoice_to_date=date(2026, 1, 15),
            )
            cr_b.commit()  # pylint: disable=invalid-commit
            self.addCleanup(self._remove_run, invoicing_run.id)
            # Only for the transaction that waits: the connection goes back
            # to the pool.
            cr_b.execute("SET LOCAL lock_timeout = '300ms'")
            # As the scheduled action runs it: committed per batch, no retry.
            with self.assertRaises(LockNotAvailable), mute_logger("odoo.sql_db"):
                invoicing_run._execute(contracts, commit=True)
            cr_a.rollback()
        with self.registry.cursor() as cr:
            invoicing_run = invoicing_run.with_env(invoicing_run.env(cr=cr))
            self.assertEqual(invoicing_run.state, "failed")
            self.assertIn("another user or run", invoicing_run.error_message)
            self.assertNotIn("lock", invoicing_run.error_message)
            self.assertNotIn("psycopg2", invoicing_run.error_message)
        self.assertFalse(self._invoiced_periods())

    def _remove_run(self, run_id):
        with self._committed_env() as env:
            invoicing_run = env["contract.invoicing.run"].browse(run_id)
            invoicing_run.activity_ids.unlink()
            invoicing_run.unlink()

    def test_lock_wait_at_posting_is_retried_not_failed(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            # A posts an invoice in the sale journal: it holds the next
            # invoice number until it commits.
            invoice = env_a["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.partner_id,
                    "journal_id": self.journal_id,
                    "invoice_date": date(2026, 1, 15),
                    "invoice_line_ids": [
                        Command.create({"product_id": self.product_id, "price_unit": 1})
                    ],
                }
            )
            invoice.action_post()
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            cr_b.execute("SET lock_timeout = '300ms'")
            with (
                self.assertRaises(OperationalError) as caught,
                mute_logger("odoo.sql_db"),
            ):
                self._run(env_b, post=True)
            self.assertEqual(caught.exception.pgcode, "55P03")
            cr_b.rollback()
            cr_a.rollback()
        self.assertFalse(self._invoiced_periods())


@tagged("post_install", "-at_install")
class TestNeverLosePeriods(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.engine = cls.env["service.contract.invoicing"]

    def _engine_run(self, contracts, day, **options):
        return self.engine.run(
            contracts, posting_date=day, invoice_to_date=day, **options
        )

    # === Accounting lock dates, in the engine ===

    def _other_company_contract(self):
        other = self.setup_other_company()
        return other["company"], self._create_contract(
            date_start="2026-01-01",
            company_id=other["company"].id,
            journal_id=other["default_journal_sale"].id,
        )

    @freeze_time("2026-02-10")
    def test_scheduled_action_refuses_a_locked_company_only(self):
        mine = self._create_contract(date_start="2026-02-01")
        other_company, theirs = self._other_company_contract()
        other_company.sudo().fiscalyear_lock_date = date(2026, 2, 28)
        self.env["service.contract.invoicing"]._cron_create_invoices()
        self.assertEqual(len(self._invoice_lines(mine)), 1)
        self.assertFalse(self._invoice_lines(theirs))
        run = self.env["contract.invoicing.run"].search([], limit=1)
        self.assertEqual(run.state, "failures")
        self.assertEqual(run.line_ids.contract_id, theirs)
        self.assertIn("inside a locked accounting period", run.line_ids.reason)
        self.assertEqual(theirs.recurring_next_date, date(2026, 1, 1))

    @freeze_time("2026-02-10")
    def test_create_service_invoice_refuses_a_locked_period(self):
        contract = self._create_contract(date_start="2026-01-01")
        self.env.company.fiscalyear_lock_date = date(2026, 2, 28)
        with self.assertRaisesRegex(UserError, "inside a locked accounting period"):
            contract.action_create_service_invoice()
        self.assertFalse(self._invoice_lines(contract))

    # === Periods not invoiced (gaps) ===

    def _gap(self):
        """January, February and March invoiced one by one, February's
        invoice cancelled: February is a gap."""
        contract = self._create_contract(date_start="2026-01-01")
        moves = [
            self._engine_run(contract, date(2026, month, 1)).moves
            for month in (1, 2, 3)
        ]
        moves[1].button_cancel()
        self.assertEqual(
            contract.contract_line_ids.last_date_invoiced, date(2026, 3, 31)
        )
        return contract

    def test_gap_is_visible(self):
        contract = self._gap()
        other = self._create_contract(partner=self.customer_b)
        Contract = self.env["contract.contract"]
        self.assertEqual(
            Contract.search(
                [
                    ("id", "in", (contract | other).ids),
                    ("sci_has_period_gaps", "=", True),
                ]
            ),
            contract,
        )
        self.assertTrue(contract.sci_has_period_gaps)
        self.assertFalse(other.sci_has_period_gaps)
        # The next run's preview and result list it, without invoicing it.
        with Form(self.env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 3, 5)
            form.invoice_to_date = date(2026, 3, 5)
            form.contract_ids.add(contract)
            form.run_action = "preview"
        wizard = form.record
        wizard.action_run()
        gap = wizard.line_ids.filtered(lambda line: line.status == "gap")
        self.assertEqual(
            (gap.period_start, gap.period_end), (date(2026, 2, 1), date(2026, 2, 28))
        )
        wizard.action_back()
        wizard.run_action = "create"
        wizard.action_run()
        self.assertFalse(wizard.move_ids)
        run_gap = wizard.invoicing_run_id.line_ids.filtered(
            lambda line: line.status == "gap"
        )
        self.assertEqual(run_gap.period_start, date(2026, 2, 1))
        self.assertEqual(wizard.invoicing_run_id.gap_count, 1)
        self.assertEqual(self._periods(contract).count(("2026-02-01", "2026-02-28")), 1)

    def test_gap_is_invoiced_on_request(self):
        contract = self._gap()
        with Form(self.env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 3, 5)
            form.invoice_to_date = date(2026, 3, 5)
            form.include_gaps = True
        wizard = form.record
        wizard.action_run()
        self.assertEqual(len(wizard.move_ids), 1)
        line = wizard.move_ids.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(
            (line.sci_period_start, line.sci_period_end),
            (date(2026, 2, 1), date(2026, 2, 28)),
        )
        # The last invoiced date stays: March is not invoiced again.
        self.assertEqual(
            contract.contract_line_ids.last_date_invoiced, date(2026, 3, 31)
        )
        self.assertFalse(contract.sci_has_period_gaps)
        live = self._invoice_lines(contract).filtered(
            lambda line: line.parent_state != "cancel"
        )
        self.assertEqual(
            sorted(live.mapped("sci_period_start")),
            [date(2026, 1, 1), date(2026, 2, 1), date(2026, 3, 1)],
        )

    # === Reverse and create invoice ===

    def test_reverse_and_create_invoice_keeps_the_period(self):
        contract = self._create_contract(date_start="2026-01-01")
        invoice = self._engine_run(contract, date(2026, 1, 5), post=True).moves
        self.assertEqual(invoice.state, "posted")
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": date(2026, 1, 20)})
        )
        action = reversal.modify_moves()
        new_invoice = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(new_invoice.move_type, "out_invoice")
        self.assertEqual(new_invoice.state, "draft")
        line = new_invoice.invoice_line_ids.filtered("contract_line_id")
        self.assertEqual(line.contract_line_id, contract.contract_line_ids)
        self.assertEqual(
            (line.sci_period_start, line.sci_period_end),
            (date(2026, 1, 1), date(2026, 1, 31)),
        )
        new_invoice.action_post()
        entry = self.env["service.ledger.entry"].search(
            [("invoice_id", "=", new_invoice.id)]
        )
        self.assertEqual(entry.period_start, date(2026, 1, 1))
        # Still once: January is not due again, and cannot be added twice.
        self.assertEqual(
            contract.contract_line_ids.last_date_invoiced, date(2026, 1, 31)
        )
        result = self._engine_run(contract, date(2026, 1, 25))
        self.assertFalse(result.moves)
