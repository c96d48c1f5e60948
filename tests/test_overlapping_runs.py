# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Two runs of the engine on the same contracts, on two real database
connections: every period is invoiced once."""

import threading
from collections import Counter
from datetime import date

from psycopg2 import IntegrityError
from psycopg2.errors import SerializationFailure

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CommittedContractsCase

CONTRACTS = 6


@tagged("post_install", "-at_install")
class TestOverlappingRuns(CommittedContractsCase):
    """Data is committed by separate cursors (the test cursor never commits)
    and removed again in cleanup."""

    CONTRACTS = CONTRACTS
    NAME = "Overlap"

    def _run(self, env):
        return env["service.contract.invoicing"].run(
            env["contract.contract"].browse(self.contract_ids),
            posting_date=date(2026, 3, 15),
            invoice_to_date=date(2026, 3, 15),
        )

    def test_second_run_skips_locked_contracts(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            result_a = self._run(env_a)
            # Run A holds the contracts, uncommitted: run B skips them all.
            result_b = self._run(env_b)
            self.assertEqual(len(result_a.moves), CONTRACTS)
            self.assertFalse(result_b.moves)
            self.assertEqual(
                Counter(reason for __, reason in result_b.skipped),
                {"being invoiced by another run": CONTRACTS},
            )
            cr_a.commit()  # pylint: disable=invalid-commit
            cr_b.rollback()
            # After A committed, a new run finds nothing due any more.
            result_b = self._run(env_b)
            self.assertFalse(result_b.moves)
            self.assertEqual(len(result_b.skipped), CONTRACTS)
            cr_b.commit()  # pylint: disable=invalid-commit
        periods = self._invoiced_periods()
        self.assertEqual(len(periods), CONTRACTS * 3)
        self.assertEqual(set(periods.values()), {1})

    def test_simultaneous_runs_invoice_each_period_once(self):
        barrier = threading.Barrier(2)
        outcomes = []

        def worker():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                barrier.wait()
                for _attempt in range(3):
                    try:
                        result = self._run(env)
                        cr.commit()  # pylint: disable=invalid-commit
                        outcomes.append(len(result.moves))
                        return
                    except SerializationFailure:
                        # What Odoo does for a request: roll back, try again.
                        cr.rollback()
                        env.invalidate_all()
                outcomes.append("gave up")

        threads = [threading.Thread(target=worker) for __ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertNotIn("gave up", outcomes)
        self.assertEqual(sum(outcomes), CONTRACTS)
        periods = self._invoiced_periods()
        self.assertEqual(len(periods), CONTRACTS * 3)
        self.assertEqual(set(periods.values()), {1})

    def test_database_refuses_a_period_twice(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            self._run(env)
            line = env["account.move.line"].search(
                [
                    (
                        "contract_line_id",
                        "=",
                        env["contract.contract"]
                        .browse(self.contract_ids[0])
                        .contract_line_ids.id,
                    )
                ],
                limit=1,
            )
            with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
                with cr.savepoint():
                    env["account.move"].create(
                        {
                            "move_type": "out_invoice",
                            "partner_id": self.partner_id,
                            "invoice_line_ids": [
                                Command.create(
                                    {
                                        "product_id": self.product_id,
                                        "price_unit": 10.0,
                                        "contract_line_id": line.contract_line_id.id,
                                        "sci_period_start": line.sci_period_start,
                                        "sci_period_end": line.sci_period_end,
                                    }
                                )
                            ],
                        }
                    )
            cr.rollback()

    def test_two_users_open_the_same_contract(self):
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            contract_a = env_a["contract.contract"].browse(self.contract_ids[0])
            contract_b = env_b["contract.contract"].browse(self.contract_ids[0])
            self.assertEqual(contract_b.change_status, "locked")
            contract_a.action_open_changes()
            with self.assertRaisesRegex(UserError, "being changed by another user"):
                contract_b.action_open_changes()
            cr_a.commit()  # pylint: disable=invalid-commit
            cr_b.rollback()
            # B's form still showed Locked: opening again says who did it.
            with self.assertRaisesRegex(UserError, "already Open"):
                contract_b.action_open_changes()
            cr_b.rollback()
            self.assertEqual(contract_b.change_status, "open")
