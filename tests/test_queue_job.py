# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Background runs: over the threshold, one queue job per batch of contracts,
batches split by combine key, a closing job, idempotent batch jobs."""

from datetime import date

from odoo.tests import Form, common, tagged

# queue_job's test helpers register their patcher in SETATTR_SOURCES, which
# Odoo 18.0 builds older than queue_job's do not have (nor need).
if not hasattr(common, "SETATTR_SOURCES"):
    common.SETATTR_SOURCES = {}

from odoo.addons.queue_job.tests.common import trap_jobs  # noqa: E402

from .. import models as sci_models
from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestQueueJob(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.env["ir.config_parameter"].set_param(
            "service_contract_invoicing.background_threshold", "3"
        )

    def setUp(self):
        super().setUp()
        # Batches of two contracts, so that a few contracts make several jobs.
        self.patch(sci_models.service_contract_invoicing, "BATCH_SIZE", 2)

    def _contracts(self):
        """Ids interleave the combinable contracts of one customer with
        contracts invoiced alone: split by id, they would land in different
        batches."""
        combined_1 = self._create_contract(
            date_start="2026-01-01", combine_invoices=True
        )
        alone_1 = self._create_contract(
            partner=self.customer_b, date_start="2026-01-01"
        )
        alone_2 = self._create_contract(
            partner=self.customer_b, date_start="2026-01-01"
        )
        combined_2 = self._create_contract(
            date_start="2026-01-01", combine_invoices=True, price=40.0
        )
        return combined_1, alone_1, alone_2, combined_2

    def _start(self, **values):
        with Form(self.env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 1, 5)
            form.invoice_to_date = date(2026, 1, 5)
            for name, value in values.items():
                setattr(form, name, value)
        wizard = form.record
        wizard.action_run()
        return wizard

    def test_run_over_threshold_is_split_in_jobs(self):
        combined_1, alone_1, alone_2, combined_2 = self._contracts()
        with trap_jobs() as trap:
            wizard = self._start()
            run = wizard.invoicing_run_id
            self.assertTrue(wizard.is_background)
            self.assertEqual(run.state, "running")
            self.assertTrue(run.is_background)
            self.assertFalse(wizard.move_ids)
            # Nothing invoiced yet: the jobs do it.
            self.assertFalse(self._invoice_lines(combined_1))
            trap.assert_jobs_count(2, only=run._job_invoice_batch)
            trap.assert_jobs_count(1, only=run._job_close)
            trap.assert_enqueued_job(
                run._job_invoice_batch, args=((combined_1 | combined_2).ids,)
            )
            trap.assert_enqueued_job(
                run._job_invoice_batch, args=((alone_1 | alone_2).ids,)
            )
            self.assertEqual(
                {job.channel for job in trap.enqueued_jobs},
                {"root.service_contract_invoicing"},
            )
            self.assertEqual(run.batch_count, 2)
            trap.perform_enqueued_jobs()
        # Combined across the batches of ids: one invoice for both contracts.
        move = self._invoice_lines(combined_1).move_id
        self.assertEqual(move, self._invoice_lines(combined_2).move_id)
        self.assertEqual(move.amount_untaxed, 140.0)
        self.assertEqual(len(run.move_ids), 3)
        self.assertEqual(move.sci_invoicing_run_id, run)
        # The closing job ran last and counted everything.
        self.assertEqual(run.state, "done")
        self.assertEqual(run.invoiced_contract_count, 4)
        self.assertEqual(run.invoice_count, 3)
        self.assertEqual(run.amount_untaxed, 340.0)
        self.assertTrue(run.end_datetime)

    def test_under_threshold_runs_at_once(self):
        combined_1, __, __, __ = self._contracts()
        self.env["ir.config_parameter"].set_param(
            "service_contract_invoicing.background_threshold", "4"
        )
        with trap_jobs() as trap:
            wizard = self._start()
            trap.assert_jobs_count(0)
        self.assertFalse(wizard.is_background)
        self.assertEqual(wizard.invoicing_run_id.state, "done")
        self.assertEqual(len(wizard.move_ids), 3)

    def test_retried_job_does_not_duplicate(self):
        contracts = self._contracts()
        with trap_jobs() as trap:
            run = self._start().invoicing_run_id
            batch_jobs = [
                job
                for job in trap.enqueued_jobs
                if job.func.__func__ == run._job_invoice_batch.__func__
            ]
            trap.perform_enqueued_jobs()
        lines = self.env["account.move.line"].search(
            [("contract_line_id", "in", contracts[0].contract_line_ids.ids)]
        )
        moves = run.move_ids
        self.assertEqual(len(moves), 3)
        # queue_job runs a job again after a retryable error or a lost worker:
        # nothing is invoiced twice, the batch's report is replaced.
        for job in batch_jobs:
            job.perform()
        run.invalidate_recordset()
        self.assertEqual(run.move_ids, moves)
        self.assertEqual(
            self.env["account.move.line"].search(
                [("contract_line_id", "in", contracts[0].contract_line_ids.ids)]
            ),
            lines,
        )
        self.assertEqual(set(run.line_ids.mapped("status")), {"skipped"})
        self.assertEqual(len(run.line_ids), 4)

    def test_batch_failure_is_reported_and_run_closes(self):
        combined_1, alone_1, alone_2, combined_2 = self._contracts()
        # A customer blocked for invoicing fails its contract, not its batch.
        self.customer_b.write({"invoice_warn": "block", "invoice_warn_msg": "Stop"})
        with trap_jobs() as trap:
            run = self._start().invoicing_run_id
            trap.perform_enqueued_jobs()
        self.assertEqual(run.state, "failures")
        self.assertEqual(run.failed_count, 2)
        self.assertEqual(run.line_ids.contract_id, alone_1 | alone_2)
        self.assertEqual(run.invoice_count, 1)
