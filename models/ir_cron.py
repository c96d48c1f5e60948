# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from .service_contract_invoicing import not_retried


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _callback(self, cron_name, server_action_id):
        # The scheduled actions' worker does not retry a PostgreSQL
        # concurrency error: what the action raises is the user's last word
        # (see is_concurrency_retried). Run Manually, an HTTP request that
        # Odoo retries, does not come here.
        with not_retried():
            return super()._callback(cron_name, server_action_id)
