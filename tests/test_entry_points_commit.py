# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Entry points that commit (the scheduled actions' methods, OCA's public
cron_recurring_create_invoice as overridden here) commit only in the
scheduled actions' worker: called over JSON-RPC by a user they run in the
caller's transaction, so an error leaves nothing behind, no run "running"."""

from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config, mute_logger

from .common import ServiceContractCommon, call_kw


@tagged("post_install", "-at_install")
class TestEntryPointsCommit(HttpCase, ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract = cls._create_contract(date_start="2026-01-01")
        cls.billing = new_test_user(
            cls.env,
            login="sci_commit_billing",
            groups="base.group_user,account.group_account_invoice",
        )
        cls.sc_user = new_test_user(
            cls.env,
            login="sci_commit_sc_user",
            groups="base.group_user,"
            "service_contract_invoicing.group_service_contract_user",
        )

    def test_cron_method_over_rpc_never_commits(self):
        Run = self.env["contract.invoicing.run"]
        self.assertFalse(Run.search([("state", "=", "running")]))
        # Outside tests, before, the entry point committed whenever it was
        # not in a test: so it is here, for the request only.
        for user in (self.billing, self.sc_user):
            with self.subTest(user=user.login):
                runs_before = Run.search([])
                self.authenticate(user.login, user.login)
                with (
                    patch.dict(config.options, {"test_enable": False}),
                    mute_logger("odoo.http"),
                ):
                    reply = call_kw(
                        self, "contract.contract", "cron_recurring_create_invoice"
                    )
                Run.invalidate_model()
                self.contract.invalidate_recordset()
                new_runs = Run.search([]) - runs_before
                self.assertFalse(
                    new_runs.filtered(lambda run: run.state == "running"),
                    "no run left running",
                )
                if "error" in reply:
                    # Refused in words; nothing of the request was kept.
                    self.assertIn(
                        reply["error"]["data"]["name"],
                        ("odoo.exceptions.AccessError", "odoo.exceptions.UserError"),
                    )
                    self.assertTrue(reply["error"]["data"]["message"])
                    self.assertFalse(new_runs)
                    self.assertFalse(self._invoice_lines(self.contract))
                    self.assertEqual(
                        str(self.contract.recurring_next_date), "2026-01-01"
                    )
