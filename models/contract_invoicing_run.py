# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What one Create Contract Invoices run did, for the user to see.

The wizard and the scheduled action each write a run; the engine reports every
batch into it (skipped and failed contracts as lines, the invoices through
``account.move.sci_invoicing_run_id``) and the run closes with its counts. A
run over more contracts than the background threshold is split into one
queue_job per batch of contracts (all contracts of one combine key in the same
job); a last job, run when every batch job is done, closes it. Batch jobs
write only their own rows (lines, invoices), never the run itself, so that
they do not serialize on it.
"""

import logging
import time
import traceback
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.queue_job.delay import group
from odoo.addons.queue_job.exception import RetryableJobError

from .queue_job import ENDED_JOB_STATES
from .service_contract_invoicing import is_concurrency_error

_logger = logging.getLogger(__name__)

DEFAULT_BACKGROUND_THRESHOLD = 500
# A batch job retried on PostgreSQL concurrency errors gives up after this
# many attempts (queue_job's default is 5; several workers on the same
# journals conflict more often).
JOB_MAX_RETRIES = 10
# A running run without progress (a batch reported, an invoice created, a job
# started or ended) for this many minutes is closed by the watchdog.
DEFAULT_WATCHDOG_MINUTES = 120


class ContractInvoicingRun(models.Model):
    _name = "contract.invoicing.run"
    _description = "Contract Invoicing Run"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "start_datetime desc, id desc"

    name = fields.Char(required=True, readonly=True, copy=False, default="/")
    trigger = fields.Selection(
        selection=[
            ("wizard", "Create Contract Invoices"),
            ("cron", "Scheduled action"),
        ],
        required=True,
        readonly=True,
        default="wizard",
    )
    is_background = fields.Boolean(
        string="In the Background",
        readonly=True,
        help="Split into one queue job per batch of contracts.",
    )
    user_id = fields.Many2one(
        comodel_name="res.users",
        string="Started by",
        readonly=True,
        default=lambda self: self.env.user,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
        help="The company the run was started from.",
    )
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        readonly=True,
        help="Companies of the contracts the run selected.",
    )
    company_currency_id = fields.Many2one(related="company_id.currency_id")
    filters = fields.Text(readonly=True)
    posting_date = fields.Date(readonly=True)
    invoice_to_date = fields.Date(string="Invoice-to Date", readonly=True)
    combine = fields.Boolean(string="Combine invoices", readonly=True)
    post_invoices = fields.Boolean(string="Post at once", readonly=True)
    include_gaps = fields.Boolean(
        string="Invoice periods not invoiced",
        readonly=True,
        help="The run also invoiced the periods left behind by cancelled " "invoices.",
    )
    state = fields.Selection(
        selection=[
            ("running", "Running"),
            ("done", "Done"),
            ("failures", "Done with failures"),
            ("failed", "Failed"),
        ],
        required=True,
        readonly=True,
        default="running",
        index=True,
        tracking=True,
    )
    start_datetime = fields.Datetime(
        string="Started", required=True, readonly=True, default=fields.Datetime.now
    )
    end_datetime = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 1))
    contract_count = fields.Integer(
        string="Contracts Selected", readonly=True, help="Contracts the run selected."
    )
    batch_count = fields.Integer(string="Batches", readonly=True)
    invoiced_contract_count = fields.Integer(string="Contracts Invoiced", readonly=True)
    skipped_count = fields.Integer(string="Contracts Skipped", readonly=True)
    failed_count = fields.Integer(string="Contracts Failed", readonly=True)
    gap_count = fields.Integer(string="Periods not Invoiced", readonly=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    amount_untaxed = fields.Monetary(
        string="Untaxed Total",
        currency_field="company_currency_id",
        readonly=True,
        help="Untaxed total of the run's invoices, in the company currency.",
    )
    error_message = fields.Text(string="Error", readonly=True)
    line_ids = fields.One2many(
        comodel_name="contract.invoicing.run.line",
        inverse_name="run_id",
        string="Skipped and Failed Contracts",
        readonly=True,
    )
    move_ids = fields.One2many(
        comodel_name="account.move",
        inverse_name="sci_invoicing_run_id",
        string="Invoices Created",
        readonly=True,
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # A standard (not gap-free) sequence: no row lock, two runs
                # may start at once.
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("contract.invoicing.run")
                    or "/"
                )
        return super().create(vals_list)

    # === Starting a run ===

    @api.model
    def _background_threshold(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()  # reading a setting the user may not read otherwise
            .get_param(
                "service_contract_invoicing.background_threshold",
                DEFAULT_BACKGROUND_THRESHOLD,
            )
        )

    @api.model
    def _start(self, contracts, **values):
        """A new running run over ``contracts``; ``values`` are the run's
        fields (trigger, posting_date, invoice_to_date, combine, ...)."""
        # Bookkeeping of the run: written whoever runs it (Service Contract
        # Users read runs only). The invoicing itself runs as the user.
        invoicing_run = self.sudo().create(
            dict(
                values,
                contract_count=len(contracts),
                company_ids=[fields.Command.set(contracts.company_id.ids)],
            )
        )
        return invoicing_run.with_env(self.env)

    def _engine_options(self):
        self.ensure_one()
        return {
            "posting_date": self.posting_date,
            "invoice_to_date": self.invoice_to_date,
            "combine": self.combine,
            "post": self.post_invoices,
            "include_gaps": self.include_gaps,
        }

    def _execute(self, contracts, commit=False, time_budget=None):
        """Invoice ``contracts`` in this run: in the background, one job per
        batch, over the threshold; else at once, closing the run.

        :return: the engine's InvoicingResult, or None when enqueued"""
        self.ensure_one()
        engine = self.env["service.contract.invoicing"]
        if len(contracts) > self._background_threshold() or (
            self._sci_posts_in_one_transaction(contracts, commit)
        ):
            self._enqueue(contracts)
            return None
        try:
            if commit:
                result = engine.run(
                    contracts,
                    commit=True,
                    time_budget=time_budget,
                    invoicing_run=self,
                    **self._engine_options(),
                )
            else:
                with self.env.cr.savepoint():
                    result = engine.run(
                        contracts, invoicing_run=self, **self._engine_options()
                    )
        except Exception as error:
            if commit:
                self.env.cr.rollback()
            if is_concurrency_error(error) and not commit:
                # The whole request is retried by Odoo, in a new transaction.
                raise
            _logger.exception("Contract invoicing run %s failed", self.name)
            self._close(error=error)
            if commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
            if is_concurrency_error(error):
                raise
            return None
        self._close()
        return result

    def _sci_posts_in_one_transaction(self, contracts, commit):
        """Whether this run would post the invoices of several batches in one
        transaction: posting holds the journal's numbering lock (and the run
        the contracts' row locks) until the commit, so every user posting an
        invoice in that journal would wait for the whole run. Such a run goes
        to the background, one job (and one commit) per batch."""
        self.ensure_one()
        return bool(
            self.post_invoices
            and not commit
            and len(
                self.env["service.contract.invoicing"]._split_batches(
                    contracts, self.combine
                )
            )
            > 1
        )

    # === Reporting ===

    def _record_batch(self, result):
        """Store what one batch skipped or failed (the invoices carry the run
        themselves). Creates rows only: never writes the run, which batch
        jobs running at the same time would serialize on."""
        self.ensure_one()
        vals_list = [
            dict(values, run_id=self.id) for __, values in result.problem_values()
        ]
        # Bookkeeping of the run (see _start).
        self.env["contract.invoicing.run.line"].sudo().create(vals_list)

    def _close(self, error=None, message=None):
        """Counts, state and duration from what the run stored. ``error``
        (an exception) or ``message`` (words) says why the run stopped: it
        ends *Failed*."""
        Line = self.env["contract.invoicing.run.line"].sudo()
        MoveLine = self.env["account.move.line"].sudo()
        Move = self.env["account.move"].sudo()
        now = fields.Datetime.now()
        for run in self.sudo():
            counts = {
                (status, contract.id)
                for status, contract in Line._read_group(
                    [("run_id", "=", run.id)], ["status", "contract_id"]
                )
            }
            invoiced = MoveLine.search(
                [
                    ("move_id.sci_invoicing_run_id", "=", run.id),
                    ("contract_line_id", "!=", False),
                ]
            ).contract_line_id.contract_id
            totals = Move._read_group(
                [("sci_invoicing_run_id", "=", run.id)],
                ["company_id"],
                ["amount_untaxed_signed:sum", "__count"],
            )
            amount = sum(
                company.currency_id._convert(
                    total,
                    run.company_currency_id,
                    run.company_id,
                    run.posting_date or fields.Date.context_today(run),
                )
                for company, total, __ in totals
            )
            failed = len([1 for status, __ in counts if status == "failed"])
            if error or message:
                state = "failed"
            elif failed:
                state = "failures"
            else:
                state = "done"
            run.write(
                {
                    "state": state,
                    "error_message": message or (error and run._error_text(error)),
                    "end_datetime": now,
                    "duration": (now - run.start_datetime).total_seconds(),
                    "invoiced_contract_count": len(invoiced),
                    "skipped_count": len(
                        [1 for status, __ in counts if status == "skipped"]
                    ),
                    "failed_count": failed,
                    "gap_count": Line.search_count(
                        [("run_id", "=", run.id), ("status", "=", "gap")]
                    ),
                    "invoice_count": sum(count for __, __, count in totals),
                    "amount_untaxed": amount,
                }
            )
            if state != "done" and (run.trigger == "cron" or run.is_background):
                run._notify_responsible()

    def _error_text(self, error):
        """What the run says about the error that stopped it. A PostgreSQL
        concurrency error (a scheduled run, which nothing retries) is told in
        words, never with the database's text (it is in the server log)."""
        if is_concurrency_error(error):
            return self.env._(
                "Stopped because another user or run was changing the same "
                "records at the same time. The invoices of the interrupted batch "
                "were not kept: run Create Contract Invoices again, or let the "
                "next scheduled run invoice what is left."
            )
        return "".join(traceback.format_exception_only(error)).strip()

    def _responsible_user(self):
        """Who is told about a scheduled run's failures: the user of the
        setting, else the scheduled action's user unless it is the
        superuser, else the administrator."""
        param = (
            self.env["ir.config_parameter"]
            .sudo()  # reading a setting the cron user may not read otherwise
            .get_param("service_contract_invoicing.run_responsible_id")
        )
        user = self.env["res.users"].sudo().browse(int(param or 0)).exists()
        if not user and not self.user_id._is_superuser():
            user = self.user_id
        return user or self.env.ref("base.user_admin", raise_if_not_found=False)

    def _notify_responsible(self):
        self.ensure_one()
        user = self._responsible_user()
        if not user:
            return
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=self.env._(
                "Contract invoicing run %(run)s: %(failed)s contracts failed",
                run=self.name,
                failed=self.failed_count,
            ),
            note=self.error_message
            or self.env._(
                "Open the run to see which contracts failed and why, fix them and "
                "run Create Contract Invoices again."
            ),
        )

    # === Background runs (queue_job) ===

    def _enqueue(self, contracts):
        """One job per batch of contracts, each batch holding every contract
        of its combine keys, and a last job closing the run when they are all
        done."""
        self.ensure_one()
        batches = self.env["service.contract.invoicing"]._split_batches(
            contracts, self.combine
        )
        jobs = [
            self.delayable(
                max_retries=JOB_MAX_RETRIES,
                description=self.env._(
                    "Contract invoicing run %(run)s: batch %(batch)s of %(count)s",
                    run=self.name,
                    batch=index,
                    count=len(batches),
                ),
            )._job_invoice_batch(batch.ids)
            for index, batch in enumerate(batches, start=1)
        ]
        closing = self.delayable(
            description=self.env._(
                "Contract invoicing run %(run)s: close", run=self.name
            ),
        )._job_close()
        group(*jobs).on_done(closing).delay()
        # Bookkeeping of the run (see _start).
        self.sudo().write({"is_background": True, "batch_count": len(batches)})

    def _job_invoice_batch(self, contract_ids):
        """Queue job: invoice one batch of the run. Idempotent: a contract
        another job or run holds is skipped, a period already invoiced is not
        due any more; a rerun replaces the batch's report."""
        self.ensure_one()
        started = time.monotonic()
        contracts = self.env["contract.contract"].browse(contract_ids).exists()
        # Bookkeeping of the run (see _start).
        self.env["contract.invoicing.run.line"].sudo().search(
            [("run_id", "=", self.id), ("contract_id", "in", contract_ids)]
        ).unlink()
        engine = self.env["service.contract.invoicing"]
        try:
            with self.env.cr.savepoint():
                engine.run(contracts, invoicing_run=self, **self._engine_options())
        except Exception as error:
            if is_concurrency_error(error):
                # A new transaction sees what the other one committed.
                raise RetryableJobError(
                    self.env._(
                        "Concurrent update (%(code)s), retried later",
                        code=error.pgcode,
                    ),
                    seconds=5,
                ) from error
            _logger.exception("Batch of contract invoicing run %s failed", self.name)
            self._record_batch(
                self.env["service.contract.invoicing"]._failed_result(
                    contracts,
                    self.env._(
                        "the batch failed: %(error)s",
                        error="".join(traceback.format_exception_only(error)).strip(),
                    ),
                )
            )
        return self.env._(
            "%(count)s contracts in %(seconds).1f s",
            count=len(contracts),
            seconds=time.monotonic() - started,
        )

    def _job_close(self):
        """Queue job: close the run once all its batch jobs are done."""
        self._close()

    # === Actions ===

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("sci_invoicing_run_id", "=", self.id)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        return self._sci_restorable(action)

    @api.model
    def _sci_restorable(self, action):
        """``action`` without the id and path of the action it was read from:
        the web client then reloads it as it was shown (its domain
        included), not as the stored action, which would list every
        invoice."""
        for key in ("id", "path", "xml_id"):
            action.pop(key, None)
        return action

    def action_view_jobs(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "queue_job.action_queue_job"
        )
        action["domain"] = [
            ("model_name", "=", self._name),
            ("func_string", "=like", f"{self._name}({self.id},).%"),
        ]
        action["context"] = {}
        return action

    # === Runs always end: failed or cancelled batch jobs, watchdog ===

    @api.model
    def _sci_batch_jobs_ended(self, jobs):
        """Batch jobs ``jobs`` just ended (done, failed or cancelled). A run
        whose batch jobs have all ended, one of them not done, is closed now:
        its closing job waits for every batch to succeed and never runs."""
        # Bookkeeping of the runs, whoever's job ended: the job runner and
        # the user cancelling a job may not read runs or jobs otherwise.
        Job = self.env["queue.job"].sudo()
        for graph_uuid in set(jobs.filtered("graph_uuid").mapped("graph_uuid")):
            graph = Job.search([("graph_uuid", "=", graph_uuid)])
            batches = graph.filtered(
                lambda job: job.method_name == "_job_invoice_batch"
            )
            if any(job.state not in ENDED_JOB_STATES for job in batches) or all(
                job.state == "done" for job in batches
            ):
                continue
            run = batches[:1].records.sudo().exists()
            if run.state == "running":
                run._sci_close_unfinished(batches)

    def _sci_close_unfinished(self, batch_jobs, stalled=False):
        """Close this run: the contracts of its batch jobs not done are listed
        as failed with the reason in words (they stay due: the next run
        invoices them), its jobs still waiting are cancelled, the responsible
        gets an activity."""
        self.ensure_one()
        Job = self.env["queue.job"].sudo()
        unfinished = batch_jobs.filtered(lambda job: job.state != "done")
        reported = set(self.line_ids.contract_id.ids)
        vals_list = []
        for job in unfinished:
            reason = self._sci_job_failure_reason(job, stalled)
            vals_list += [
                {
                    "run_id": self.id,
                    "contract_id": contract_id,
                    "status": "failed",
                    "reason": reason,
                }
                for contract_id in (job.args or [[]])[0]
                if contract_id not in reported
            ]
        # Bookkeeping of the run (see _start).
        self.env["contract.invoicing.run.line"].sudo().create(vals_list)
        waiting = unfinished.filtered(
            lambda job: job.state in ("wait_dependencies", "pending", "enqueued")
        )
        if batch_jobs[:1].graph_uuid:
            # the closing job
            waiting |= Job.search(
                [
                    ("graph_uuid", "=", batch_jobs[:1].graph_uuid),
                    ("state", "in", ("wait_dependencies", "pending", "enqueued")),
                ]
            )
        if stalled:
            waiting |= unfinished.filtered(lambda job: job.state == "started")
        message = None
        if not batch_jobs.filtered(lambda job: job.state == "done"):
            message = (
                self.env._(
                    "No progress for %(minutes)s minutes: the run was closed. "
                    "Its contracts were not invoiced and stay due.",
                    minutes=self._sci_watchdog_minutes(),
                )
                if stalled
                else self.env._(
                    "No batch of the run succeeded: its contracts were not "
                    "invoiced and stay due (see the reasons below)."
                )
            )
        self._close(message=message)
        if waiting:
            # Jobs of a closed run must not invoice under it later.
            waiting._change_job_state(
                "cancelled",
                result=self.env._(
                    "Run %(run)s was closed before this job ran.", run=self.name
                ),
            )

    def _sci_job_failure_reason(self, job, stalled):
        """Why the contracts of batch job ``job`` were not invoiced, in words."""
        if job.state == "cancelled":
            return self.env._(
                "Not invoiced: its batch job was cancelled. The contract stays "
                "due: the next run invoices it."
            )
        if job.state == "failed":
            if "Max. retries" in (job.exc_message or ""):
                cause = self.env._(
                    "other users or runs kept changing the same records: it "
                    "was tried %(tries)s times",
                    tries=job.retry or job.max_retries,
                )
            else:
                cause = job.exc_message or job.exc_name or ""
            return self.env._(
                "Not invoiced: its batch job failed (%(cause)s). The contract "
                "stays due: the next run invoices it.",
                cause=cause,
            )
        return self.env._(
            "Not invoiced: its batch job made no progress for %(minutes)s "
            "minutes (server stopped or no job runner?). The contract stays "
            "due: the next run invoices it.",
            minutes=self._sci_watchdog_minutes(),
        )

    @api.model
    def _sci_watchdog_minutes(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()  # reading a setting the cron user may not read otherwise
            .get_param(
                "service_contract_invoicing.run_watchdog_minutes",
                DEFAULT_WATCHDOG_MINUTES,
            )
        )

    def _sci_batch_jobs(self):
        """The batch jobs of this run."""
        self.ensure_one()
        # Reading the run's jobs: Service Contract Users may not read jobs.
        return (
            self.env["queue.job"]
            .sudo()
            .search(
                [
                    ("model_name", "=", self._name),
                    ("method_name", "=", "_job_invoice_batch"),
                    ("func_string", "=like", f"{self._name}({self.id},).%"),
                ]
            )
        )

    def _sci_last_progress(self, batch_jobs):
        """When this run last showed progress: started, a batch reported,
        an invoice created, a batch job started or ended."""
        self.ensure_one()
        dates = [self.start_datetime, self.write_date]
        # Bookkeeping of the run (see _start).
        dates += self.sudo().line_ids.mapped("create_date")
        last_move = (
            self.env["account.move"]
            .sudo()
            .search(
                [("sci_invoicing_run_id", "=", self.id)],
                order="create_date desc",
                limit=1,
            )
        )
        dates += last_move.mapped("create_date")
        for job in batch_jobs:
            dates += [job.date_started, job.date_done, job.date_cancelled]
        return max(filter(None, dates))

    @api.model
    def _cron_close_stalled_runs(self):
        """Scheduled action (watchdog): close the running runs that showed no
        progress for the set time (setting
        ``service_contract_invoicing.run_watchdog_minutes``): a server stopped
        in the middle of a run, a job runner that never ran its jobs. Their
        contracts not invoiced are listed as failed and stay due."""
        limit = fields.Datetime.now() - timedelta(minutes=self._sci_watchdog_minutes())
        # Every company's runs: the watchdog is the system's, not a user's.
        for run in self.sudo().search(
            [("state", "=", "running"), ("start_datetime", "<", limit)]
        ):
            batch_jobs = run._sci_batch_jobs() if run.is_background else None
            if run._sci_last_progress(batch_jobs or []) >= limit:
                continue
            if batch_jobs:
                run._sci_close_unfinished(batch_jobs, stalled=True)
            else:
                run._close(
                    message=self.env._(
                        "No progress for %(minutes)s minutes: the run was "
                        "stopped (server stopped or restarted?). Contracts it "
                        "did not invoice stay due: the next run invoices them.",
                        minutes=self._sci_watchdog_minutes(),
                    )
                )
