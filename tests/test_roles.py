# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Every role, every path: what each user may do, checked in the methods and
called as that user; OCA's own contracts keep OCA's rules; nothing a client
puts in the context changes what is invoiced."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user, tagged

from odoo.addons.service_contract_invoicing.models.contract_contract import (
    LOCKED_CONTRACT_FIELDS,
    STATUS_FIELDS,
)

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
@freeze_time("2026-01-15")
class TestOwnRecords(ServiceContractCommon):
    """Invoices stay Odoo's, OCA's contracts stay OCA's, the context is no
    API and status fields move only through their actions."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.billing = new_test_user(
            cls.env, "sci_roles_billing", groups="account.group_account_invoice"
        )
        cls.sc_user = new_test_user(
            cls.env,
            "sci_roles_user",
            groups="service_contract_invoicing.group_service_contract_user",
        )
        cls.sc_manager = new_test_user(
            cls.env,
            "sci_roles_manager",
            groups="service_contract_invoicing.group_service_contract_manager",
        )
        cls.vendor = cls.env["res.partner"].create({"name": "Service Vendor"})
        cls.purchase_journal = cls.company_data["default_journal_purchase"]

    def _plain_contract(self, contract_type="sale"):
        """A contract with OCA's rules: a plain customer contract or a
        supplier contract, monthly from 1 January 2026."""
        return self.env["contract.contract"].create(
            {
                "name": f"Plain {contract_type}",
                "partner_id": (
                    self.customer if contract_type == "sale" else self.vendor
                ).id,
                "contract_type": contract_type,
                "journal_id": (
                    self.sale_journal
                    if contract_type == "sale"
                    else self.purchase_journal
                ).id,
                "recurring_rule_type": "monthly",
                "date_start": "2026-01-01",
                "contract_line_ids": [
                    Command.create(
                        {
                            "name": "Plain line",
                            "product_id": self.service.id,
                            "uom_id": self.service.uom_id.id,
                            "price_unit": 50.0,
                            "automatic_price": False,
                        }
                    )
                ],
            }
        )

    @staticmethod
    def _dates(contract):
        line = contract.contract_line_ids
        return (line.last_date_invoiced, line.recurring_next_date)

    # === Invoices stay Odoo's: cancel, reset, delete as ordinary users ===

    def test_users_cancel_reset_delete_service_contract_invoices(self):
        for user in (self.billing, self.sc_user):
            with self.subTest(user=user.login):
                contract = self._create_contract(date_start="2026-01-01")
                invoice = contract._sci_create_service_invoice(
                    date(2026, 1, 15), date(2026, 1, 15)
                )
                as_user = invoice.with_user(user)
                as_user.action_post()
                as_user.button_cancel()
                self.assertEqual(as_user.state, "cancel")
                # The January period is free again.
                self.assertEqual(self._dates(contract), (False, date(2026, 1, 1)))
                as_user.button_draft()
                self.assertEqual(
                    self._dates(contract), (date(2026, 1, 31), date(2026, 2, 1))
                )
                # A draft invoice deleted frees its period too.
                february = contract._sci_create_service_invoice(
                    date(2026, 1, 15), date(2026, 2, 1)
                )
                self.assertEqual(
                    self._dates(contract), (date(2026, 2, 28), date(2026, 3, 1))
                )
                february.with_user(user).unlink()
                self.assertEqual(
                    self._dates(contract), (date(2026, 1, 31), date(2026, 2, 1))
                )

    def test_oca_contracts_keep_oca_rules(self):
        """Plain customer and supplier contracts, invoiced by OCA's code: no
        period stamped, and cancelling, resetting or deleting their invoices
        leaves the contract's dates where OCA leaves them (OCA has no such
        rule), whoever does it."""
        for contract_type in ("sale", "purchase"):
            for user in (self.env.user, self.billing):
                with self.subTest(contract_type=contract_type, user=user.login):
                    contract = self._plain_contract(contract_type)
                    invoice = contract.recurring_create_invoice()
                    self.assertFalse(
                        invoice.invoice_line_ids.filtered("sci_period_start")
                    )
                    invoiced = self._dates(contract)
                    self.assertEqual(invoiced, (date(2026, 1, 31), date(2026, 2, 1)))
                    as_user = invoice.with_user(user)
                    if contract_type == "purchase":
                        as_user.invoice_date = date(2026, 1, 15)
                    as_user.action_post()
                    as_user.button_cancel()
                    self.assertEqual(self._dates(contract), invoiced)
                    as_user.button_draft()
                    self.assertEqual(self._dates(contract), invoiced)
                    second = contract.recurring_create_invoice()
                    after_second = self._dates(contract)
                    second.with_user(user).unlink()
                    self.assertEqual(self._dates(contract), after_second)
                    self.assertFalse(
                        self.env["service.ledger.entry"].search(
                            [("contract_id", "=", contract.id)]
                        )
                    )

    # === Rights in the methods ===

    def test_billing_user_cannot_invoice_service_contracts(self):
        contract = self._create_contract(date_start="2026-01-01")
        as_billing = contract.with_user(self.billing)
        for call in (
            as_billing.action_create_service_invoice,
            as_billing.recurring_create_invoice,
            lambda: self.env["service.contract.invoicing"]
            .with_user(self.billing)
            .run(as_billing, "2026-01-15", "2026-01-15"),
        ):
            with self.assertRaises(AccessError):
                call()
        self.assertFalse(self._invoice_lines(contract))
        self.assertEqual(contract.recurring_next_date, date(2026, 1, 1))
        # A Service Contract User may.
        contract.with_user(self.sc_user).action_create_service_invoice()
        self.assertEqual(self._periods(contract), [("2026-01-01", "2026-01-31")])

    def test_engine_refuses_bad_arguments_in_words(self):
        engine = self.env["service.contract.invoicing"].with_user(self.sc_user)
        contract = self._create_contract(date_start="2026-01-01")
        for args in (
            ([contract.id], "2026-01-15", "2026-01-15"),
            (contract, "15/01/2026", "2026-01-15"),
            (contract, False, "2026-01-15"),
        ):
            with self.subTest(args=args), self.assertRaises(UserError):
                engine.run(*args)
        self.assertFalse(self._invoice_lines(contract))

    # === The context is no API ===

    def test_context_cannot_change_dates_or_checks(self):
        contract = self._create_contract(date_start="2025-12-01")
        run = self.env["contract.invoicing.run"].create(
            {"trigger": "wizard", "posting_date": "2026-01-15"}
        )
        for posting_date in ("2030-12-31", date(2030, 12, 31)):
            with self.subTest(posting_date=posting_date):
                invoice = (
                    contract.with_user(self.sc_user)
                    .with_context(
                        sci_posting_date=posting_date,
                        sci_invoicing_run_id=run.id,
                        sci_invoice_period=(contract.contract_line_ids.id, 1, 2),
                    )
                    .recurring_create_invoice()
                )
                # Dated today, for the periods due today: December and
                # January, never 2030.
                self.assertEqual(invoice.invoice_date, date(2026, 1, 15))
                self.assertEqual(
                    invoice.invoice_line_ids.filtered("contract_line_id").mapped(
                        "sci_period_start"
                    ),
                    [date(2025, 12, 1), date(2026, 1, 1)],
                )
                self.assertFalse(invoice.sci_invoicing_run_id)
                invoice.button_cancel()
        # A Locked contract's prices stay locked, whatever the context says.
        line = contract.contract_line_ids.with_user(self.sc_manager).with_context(
            sci_skip_lock_check=True
        )
        with self.assertRaises(UserError):
            line.price_unit = 1.0
        self.assertEqual(contract.contract_line_ids.price_unit, 100.0)

    # === Status fields move through their actions only ===

    def test_status_fields_written_only_by_actions(self):
        contract = self._create_contract(date_start="2026-01-01")
        contract.cancel_reason = "Customer left"
        contract.action_cancel_contract()
        for user in (self.sc_manager, self.env.ref("base.user_admin")):
            as_user = contract.with_user(user).with_context(sci_status_write=True)
            for vals in (
                {"contract_state": "signed"},
                {"change_status": "open"},
                {"signed_date": "2026-01-02"},
            ):
                with (
                    self.subTest(user=user.login, vals=vals),
                    self.assertRaises(UserError),
                ):
                    as_user.write(vals)
        self.assertEqual(contract.contract_state, "cancelled")
        self.assertEqual(
            set(STATUS_FIELDS), {"contract_state", "change_status", "signed_date"}
        )
        with self.assertRaises(UserError):
            self.env["contract.contract"].with_user(self.sc_manager).create(
                {
                    "name": "Signed at birth",
                    "partner_id": self.customer.id,
                    "contract_type": "sale",
                    "is_service_contract": True,
                    "contract_state": "signed",
                    "change_status": "locked",
                }
            )
        # A quote created as a quote is fine.
        quote = (
            self.env["contract.contract"]
            .with_user(self.sc_manager)
            .create(
                {
                    "name": "Quote",
                    "partner_id": self.customer.id,
                    "contract_type": "sale",
                    "is_service_contract": True,
                    "contract_state": "draft",
                }
            )
        )
        self.assertEqual(quote.contract_state, "draft")

    def test_locked_form_is_read_only(self):
        """Every field a Locked contract protects is read-only on its form."""
        contract = self._create_contract(date_start="2026-01-01")
        form = Form(contract.with_user(self.sc_manager))
        shown = [
            name for name in LOCKED_CONTRACT_FIELDS if name in form._view["fields"]
        ]
        self.assertIn("align_to_calendar", shown)
        self.assertGreater(len(shown), 15)
        for name in shown:
            with self.subTest(field=name):
                self.assertTrue(form._get_modifier(name, "readonly"))
