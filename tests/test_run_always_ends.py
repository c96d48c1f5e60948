# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""A background run always ends: a batch job that fails for good or is
cancelled closes the run (Done with failures / Failed) with the contracts not
invoiced and the reason in words, and an activity for the responsible; a run
without progress is closed by the watchdog. Jobs are stored and run as
queue_job's job runner does (RunJobController), in the test transaction."""

from datetime import date, datetime, timedelta

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.queue_job.controllers.main import RunJobController
from odoo.addons.queue_job.job import Job

from .. import models as sci_models
from .common import ServiceContractCommon

MODULE = "service_contract_invoicing"


@tagged("post_install", "-at_install")
class TestRunAlwaysEnds(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.env["ir.config_parameter"].set_param(
            "service_contract_invoicing.background_threshold", "2"
        )
        cls.contracts = cls.env["contract.contract"].union(
            *(cls._create_contract(date_start="2026-01-01") for __ in range(5))
        )

    def setUp(self):
        super().setUp()
        # Batches of two contracts: five contracts make three batch jobs.
        self.patch(sci_models.service_contract_invoicing, "BATCH_SIZE", 2)

    def _start_background_run(self):
        run = self.env["contract.invoicing.run"]._start(
            self.contracts,
            trigger="cron",
            posting_date=date(2026, 1, 5),
            invoice_to_date=date(2026, 1, 5),
        )
        self.assertIsNone(run._execute(self.contracts))
        # In the order of their contracts: queue_job stores a group's jobs
        # in no particular order.
        batches = run._sci_batch_jobs().sorted(lambda job: min(job.args[0]))
        self.assertEqual(len(batches), 3)
        closing = (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("graph_uuid", "=", batches[0].graph_uuid),
                    ("method_name", "=", "_job_close"),
                ]
            )
        )
        self.assertEqual(closing.state, "wait_dependencies")
        return run, batches, closing

    def _perform(self, job_record):
        """Run a job as the job runner does, done and its dependents queued."""
        env = self.env(su=True)
        job = Job.load(env, job_record.uuid)
        RunJobController._try_perform_job(env, job)
        RunJobController._enqueue_dependent_jobs(env, job)

    def _fail_for_good(self, job_record):
        """What the job runner stores when a job reaches its maximum number
        of tries on a lock another transaction holds."""
        job = Job.load(self.env(su=True), job_record.uuid)
        job.retry = 10
        job.set_failed(
            exc_name="odoo.addons.queue_job.exception.FailedJobError",
            exc_message="Max. retries (10) reached: could not obtain lock on "
            'row in relation "contract_contract"',
            exc_info="Traceback...",
        )
        job.store()

    def _batch_contracts(self, job_record):
        return self.env["contract.contract"].browse(job_record.args[0])

    def test_batch_failed_for_good_closes_the_run(self):
        run, batches, closing = self._start_background_run()
        failing = self._batch_contracts(batches[1])
        self.assertEqual(len(failing), 2)
        self._fail_for_good(batches[1])
        # Other batches still to run: the run waits for them.
        self.assertEqual(run.state, "running")
        self._perform(batches[0])
        self.assertEqual(run.state, "running")
        self._perform(batches[2])
        # The last batch ended: the run is closed, the closing job cancelled.
        self.assertEqual(run.state, "failures")
        self.assertTrue(run.end_datetime)
        self.assertEqual(closing.state, "cancelled")
        self.assertEqual(run.invoiced_contract_count, 3)
        self.assertEqual(run.invoice_count, 3)
        self.assertEqual(run.amount_untaxed, 300.0)
        self.assertEqual(run.failed_count, 2)
        failed = run.line_ids.filtered(lambda line: line.status == "failed")
        self.assertEqual(failed.contract_id, failing)
        self.assertEqual(
            set(failed.mapped("reason")),
            {
                "Not invoiced: its batch job failed (other users or runs kept "
                "changing the same records: it was tried 10 times). The "
                "contract stays due: the next run invoices it."
            },
        )
        # The responsible: the user who started the run (not the superuser).
        activity = run.activity_ids
        self.assertEqual(activity.user_id, self.env.user)
        self.assertIn("2 contracts failed", activity.summary)
        # Not invoiced, still due: the next run invoices them, once.
        self.assertEqual(failing.mapped("recurring_next_date"), [date(2026, 1, 1)] * 2)
        result = self.env["service.contract.invoicing"].run(
            self.contracts,
            posting_date=date(2026, 1, 6),
            invoice_to_date=date(2026, 1, 6),
        )
        self.assertEqual(len(result.moves), 2)
        self.assertEqual(
            result.moves,
            self._invoice_lines(failing[0]).move_id
            | self._invoice_lines(failing[1]).move_id,
        )
        for contract in self.contracts:
            self.assertEqual(self._periods(contract), [("2026-01-01", "2026-01-31")])

    def test_cancelled_batches_fail_the_run(self):
        run, batches, closing = self._start_background_run()
        batches.button_cancelled()
        self.assertEqual(run.state, "failed")
        self.assertEqual(
            run.error_message,
            "No batch of the run succeeded: its contracts were not invoiced and "
            "stay due (see the reasons below).",
        )
        self.assertEqual(closing.state, "cancelled")
        self.assertEqual(run.failed_count, 5)
        self.assertEqual(run.line_ids.contract_id, self.contracts)
        self.assertIn("its batch job was cancelled", run.line_ids[0].reason)
        self.assertEqual(run.invoice_count, 0)
        self.assertEqual(run.activity_ids.user_id, self.env.user)

    def test_watchdog_closes_a_run_without_progress(self):
        watchdog = self.env.ref(f"{MODULE}.contract_invoicing_run_watchdog_cron")
        self.assertTrue(watchdog.active)
        run, batches, closing = self._start_background_run()
        # One batch done, then the job runner stops (server killed).
        self._perform(batches[0])
        Run = self.env["contract.invoicing.run"]
        with freeze_time(datetime.now() + timedelta(minutes=119)):
            Run._cron_close_stalled_runs()
        self.assertEqual(run.state, "running")
        with freeze_time(datetime.now() + timedelta(minutes=121)):
            Run._cron_close_stalled_runs()
        self.assertEqual(run.state, "failures")
        self.assertEqual(
            run.invoiced_contract_count,
            2,
            run.line_ids.mapped(lambda line: (line.contract_id.id, line.reason)),
        )
        self.assertEqual(
            run.line_ids.contract_id,
            self._batch_contracts(batches[1]) | self._batch_contracts(batches[2]),
        )
        self.assertIn("made no progress for 120 minutes", run.line_ids[0].reason)
        self.assertEqual((batches[1:] | closing).mapped("state"), ["cancelled"] * 3)
        self.assertEqual(run.activity_ids.user_id, self.env.user)

    def test_post_at_once_over_one_batch_goes_to_the_background(self):
        """Post at once holds the journal's numbering lock until the commit:
        a run of more than one batch is not posted in one transaction."""
        self.env["ir.config_parameter"].set_param(
            "service_contract_invoicing.background_threshold", "500"
        )
        Run = self.env["contract.invoicing.run"]
        values = {
            "trigger": "wizard",
            "posting_date": date(2026, 1, 5),
            "invoice_to_date": date(2026, 1, 5),
            "post_invoices": True,
        }
        run = Run._start(self.contracts, **values)
        self.assertIsNone(run._execute(self.contracts))
        self.assertTrue(run.is_background)
        self.assertEqual(len(run._sci_batch_jobs()), 3)
        self.assertFalse(self._invoice_lines(self.contracts[0]))
        # One batch: posted at once, in the user's transaction.
        one_batch = self._create_contract(date_start="2026-01-01") | (
            self._create_contract(date_start="2026-01-01")
        )
        run = Run._start(one_batch, **values)
        result = run._execute(one_batch)
        self.assertFalse(run.is_background)
        self.assertEqual(result.moves.mapped("state"), ["posted", "posted"])
        self.assertEqual(run.state, "done")
