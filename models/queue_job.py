# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

ENDED_JOB_STATES = ("done", "failed", "cancelled")


class QueueJob(models.Model):
    _inherit = "queue.job"

    def write(self, vals):
        res = super().write(vals)
        if vals.get("state") in ENDED_JOB_STATES:
            batch_jobs = self.filtered(
                lambda job: job.model_name == "contract.invoicing.run"
                and job.method_name == "_job_invoice_batch"
            )
            if batch_jobs:
                # A run's closing job only runs once every batch job is
                # done: the run closes itself when one failed for good or
                # was cancelled (see contract.invoicing.run).
                self.env["contract.invoicing.run"]._sci_batch_jobs_ended(batch_jobs)
        return res
