# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestChangeLog(ServiceContractCommon):
    """The Contract Change Log: a row per change of a service contract,
    nobody edits or deletes one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Log = cls.env["service.contract.change.log"]
        cls.admin = cls.env.ref("base.user_admin")
        group = cls.env.ref("service_contract_invoicing.group_service_contract_user")
        cls.sc_user = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Change Log Reader",
                    "login": "sci_log_user",
                    "groups_id": [
                        Command.set([cls.env.ref("base.group_user").id, group.id])
                    ],
                }
            )
        )

    def _rows(self, contract):
        """(kind, field label, old, new) of the contract's rows, oldest first."""
        rows = self.Log.search([("contract_id", "=", contract.id)], order="id")
        return [
            (
                row.change_kind,
                row.field_label or "",
                row.old_value or "",
                row.new_value or "",
            )
            for row in rows
        ]

    def test_each_change_kind_is_logged(self):
        contract = self._create_contract(sign=False, price=100.0)
        # Created with its line: nothing changed yet.
        self.assertEqual(self._rows(contract), [])
        contract.action_sign()
        self.assertEqual(self._rows(contract), [("sign", "Status", "Quote", "Signed")])
        contract.action_open_changes()
        line = contract.contract_line_ids
        line.write({"price_unit": 120.0, "quantity": 2.0})
        contract.write({"invoice_period": "quarter"})
        contract.write(
            {
                "contract_line_ids": [
                    Command.create(
                        {
                            "name": "Remote support",
                            "product_id": self.service.id,
                            "uom_id": self.service.uom_id.id,
                            "price_unit": 30.0,
                            "automatic_price": False,
                        }
                    )
                ]
            }
        )
        added = contract.contract_line_ids - line
        line.unlink()
        contract.action_lock()
        contract.cancel_reason = "Customer moved away"
        contract.action_cancel_contract()
        rows = self._rows(contract)
        kinds = [row[0] for row in rows]
        self.assertEqual(
            kinds[:4], ["sign", "open", "line_changed", "line_changed"], rows
        )
        self.assertEqual(rows[1], ("open", "Change Status", "Locked", "Open"))
        self.assertIn(("line_changed", "Unit Price", "100.0", "120.0"), rows)
        self.assertIn(("line_changed", "Quantity", "1.0", "2.0"), rows)
        self.assertIn(("header", "Invoice Period", "Month", "Quarter"), rows)
        self.assertIn(("line_added", "", "", "Monthly Maintenance, 1.0 x 30.0"), rows)
        self.assertIn(
            ("line_removed", "", "Monthly Maintenance, 2.0 x 120.0", ""), rows
        )
        self.assertEqual(rows[-3][0], "lock")
        self.assertEqual(
            rows[-2], ("header", "Cancellation Reason", "", "Customer moved away")
        )
        self.assertEqual(rows[-1], ("cancel", "Status", "Signed", "Cancelled"))
        # The removed line is named on its row; the added line is linked.
        removed = self.Log.search(
            [("contract_id", "=", contract.id), ("change_kind", "=", "line_removed")]
        )
        self.assertFalse(removed.contract_line_id)
        self.assertEqual(
            self.Log.search(
                [("contract_id", "=", contract.id), ("change_kind", "=", "line_added")]
            ).contract_line_id,
            added,
        )
        # Who and the smart button's count.
        self.assertEqual(
            set(self.Log.search([("contract_id", "=", contract.id)]).user_id),
            {self.env.user},
        )
        self.assertEqual(contract.sci_change_log_count, len(rows))

    def test_invoicing_is_not_a_change(self):
        contract = self._create_contract(date_start="2026-01-01")
        self.env["service.contract.invoicing"].run(
            contract, posting_date=date(2026, 1, 1), invoice_to_date=date(2026, 1, 1)
        )
        self.assertEqual(
            contract.contract_line_ids.last_date_invoiced.isoformat(), "2026-01-31"
        )
        self.assertEqual([row[0] for row in self._rows(contract)], ["sign"])

    def test_rows_cannot_be_created_changed_or_deleted(self):
        contract = self._create_contract()
        row = self.Log.search([("contract_id", "=", contract.id)])
        self.assertEqual(len(row), 1)
        for env in (self.env, self.env(user=self.admin)):
            with self.subTest(user=env.user.login):
                with self.assertRaises(UserError):
                    row.with_env(env).write({"new_value": "Quote"})
                with self.assertRaises(UserError):
                    row.with_env(env).unlink()
                with self.assertRaises(UserError):
                    env["service.contract.change.log"].create(
                        {
                            "contract_id": contract.id,
                            "change_kind": "header",
                            "user_id": env.uid,
                            "change_date": "2026-01-01 00:00:00",
                        }
                    )
        # A Service Contract User reads the log, and nothing more.
        user_row = row.with_user(self.sc_user)
        self.assertEqual(user_row.new_value, "Signed")
        with self.assertRaises(UserError):  # an AccessError is one
            user_row.write({"new_value": "Quote"})
        with self.assertRaises(UserError):  # an AccessError is one
            user_row.unlink()
        self.assertEqual(row.new_value, "Signed")

    def test_plain_oca_contract_is_not_logged(self):
        contract = self._create_contract(sign=False, is_service_contract=False)
        contract.write({"name": "Renamed", "date_end": "2026-12-31"})
        contract.contract_line_ids.write({"price_unit": 55.0})
        contract.contract_line_ids.unlink()
        self.assertFalse(self.Log.search([("contract_id", "=", contract.id)]))
