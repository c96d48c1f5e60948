# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""One owner: whichever path invoices a service contract (the addon's
scheduled action, OCA's cron, OCA's button or manual wizard), the engine's
rules apply; every other contract keeps OCA's behaviour; the install keeps
invoicing what OCA invoiced."""

from datetime import date, datetime, time

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.service_contract_invoicing.hooks import (
    post_init_hook,
    uninstall_hook,
)

from .common import ServiceContractCommon

MODULE = "service_contract_invoicing"


@tagged("post_install", "-at_install")
class TestOneOwner(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vendor = cls.env["res.partner"].create({"name": "Service Vendor"})
        cls.purchase_journal = cls.company_data["default_journal_purchase"]
        cls.oca_cron = cls.env.ref("contract.contract_cron_for_invoice")
        cls.sci_cron = cls.env.ref(f"{MODULE}.service_contract_invoicing_cron")
        # OCA's contracts invoice a product whose invoice lines carry their
        # period in OCA's way (contract_invoice_start_end_dates, installed for
        # the tests): this addon's period fields are for service contracts.
        cls.dated_service = cls._create_product(
            name="Dated Maintenance",
            type="service",
            lst_price=100.0,
            must_have_dates=True,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )

    def _oca_contract(self, **values):
        """A customer contract created as OCA's screens or code create it."""
        return self._create_contract(
            is_service_contract=False, sign=False, lines=self._oca_lines(), **values
        )

    def _oca_lines(self):
        return [
            {"product_id": self.dated_service.id, "price_unit": 100.0, "quantity": 1.0}
        ]

    def _supplier_contract(self, **values):
        return self._create_contract(
            partner=self.vendor,
            contract_type="purchase",
            journal_id=self.purchase_journal.id,
            is_service_contract=False,
            sign=False,
            lines=self._oca_lines(),
            **values,
        )

    def _invoiced(self, contract):
        """(invoice date, period start, period end, quantity, unit price) of each
        invoice line of the contract, in period order."""
        return [
            (
                line.move_id.invoice_date,
                *self._period(line),
                line.quantity,
                line.price_unit,
            )
            for line in self._invoice_lines(contract)
        ]

    def _period(self, line):
        """The period an invoice line invoices: the addon's period fields on
        a service contract's line; OCA's contracts keep OCA's lines (no period
        field of this addon), whose period OCA's extension
        contract_invoice_start_end_dates (installed for the tests) records."""
        if line.contract_line_id.contract_id.is_service_contract:
            return line.sci_period_start, line.sci_period_end
        self.assertFalse(line.sci_period_start or line.sci_period_end)
        return line.start_date, line.end_date

    # === Scheduled actions ===

    def test_one_scheduled_action_active_first_run_next_night(self):
        self.assertFalse(self.oca_cron.active)
        self.assertTrue(self.sci_cron.active)
        # Installed today: the first run is tomorrow at 02:00 (UTC), not at
        # server start, so the demo's due contracts wait for the user.
        install_day = self.sci_cron.create_date.date()
        self.assertEqual(
            self.sci_cron.nextcall,
            datetime.combine(fields.Date.add(install_day, days=1), time(2)),
        )
        self.assertEqual(self.sci_cron.interval_type, "days")
        acme = self.env.ref(f"{MODULE}.contract_demo_acme_maintenance").sudo()
        self.assertTrue(acme.is_service_contract)
        self.assertLessEqual(acme.recurring_next_date, fields.Date.today())
        self.assertFalse(acme._get_related_invoices())

    @freeze_time("2026-03-15")
    def test_both_crons_invoice_each_period_once_with_engine_rules(self):
        self.oca_cron.active = True
        service = self._create_contract(date_start="2026-01-01", combine_invoices=True)
        oca = self._oca_contract(date_start="2026-01-01")
        supplier = self._supplier_contract(date_start="2026-01-01")
        # OCA's cron first: the service contract is invoiced by the engine,
        # every due period on one invoice dated today.
        self.oca_cron.method_direct_trigger()
        engine_rows = [
            (date(2026, 3, 15), date(2026, 1, 1), date(2026, 1, 31), 1.0, 100.0),
            (date(2026, 3, 15), date(2026, 2, 1), date(2026, 2, 28), 1.0, 100.0),
            (date(2026, 3, 15), date(2026, 3, 1), date(2026, 3, 31), 1.0, 100.0),
        ]
        self.assertEqual(self._invoiced(service), engine_rows)
        self.assertEqual(len(self._invoice_lines(service).move_id), 1)
        self.assertEqual(service.recurring_next_date, date(2026, 4, 1))
        # OCA's own rules for the others: one period per run, dated today.
        oca_rows = [
            (date(2026, 3, 15), date(2026, 1, 1), date(2026, 1, 31), 1.0, 100.0)
        ]
        self.assertEqual(self._invoiced(oca), oca_rows)
        self.assertEqual(self._invoiced(supplier), oca_rows)
        self.assertEqual(self._invoice_lines(supplier).move_id.move_type, "in_invoice")
        # The addon's scheduled action, then both again: nothing twice.
        self.sci_cron.method_direct_trigger()
        self.oca_cron.method_direct_trigger()
        self.sci_cron.method_direct_trigger()
        self.assertEqual(self._invoiced(service), engine_rows)
        self.assertEqual(len(self._invoice_lines(service).move_id), 1)
        # OCA's contracts got one period per run, each period once.
        for contract in (oca, supplier):
            self.assertEqual(
                [(row[1], row[2]) for row in self._invoiced(contract)],
                [
                    (date(2026, 1, 1), date(2026, 1, 31)),
                    (date(2026, 2, 1), date(2026, 2, 28)),
                    (date(2026, 3, 1), date(2026, 3, 31)),
                ],
            )
            self.assertEqual(contract.recurring_next_date, date(2026, 4, 1))

    @freeze_time("2026-03-15")
    def test_addon_cron_alone_invoices_oca_contracts_too(self):
        self.assertFalse(self.oca_cron.active)
        service = self._create_contract(date_start="2026-02-01")
        oca = self._oca_contract(date_start="2026-03-01")
        supplier = self._supplier_contract(date_start="2026-03-01")
        self.sci_cron.method_direct_trigger()
        self.assertEqual(
            [(row[0], row[1]) for row in self._invoiced(service)],
            [
                (date(2026, 3, 15), date(2026, 2, 1)),
                (date(2026, 3, 15), date(2026, 3, 1)),
            ],
        )
        for contract in (oca, supplier):
            self.assertEqual(
                self._invoiced(contract),
                [(date(2026, 3, 15), date(2026, 3, 1), date(2026, 3, 31), 1.0, 100.0)],
            )

    # === OCA's button and manual wizard ===

    def test_oca_button_on_service_contract_gives_engine_invoice(self):
        by_button = self._create_contract(date_start="2026-01-01")
        by_form = self._create_contract(date_start="2026-01-01")
        with freeze_time("2026-03-20"):
            moves = by_button.recurring_create_invoice()
            by_form.action_create_service_invoice()
        self.assertEqual(len(moves), 1)
        self.assertEqual(moves.invoice_date, date(2026, 3, 20))
        self.assertEqual(
            self._invoiced(by_button),
            [
                (date(2026, 3, 20), date(2026, 1, 1), date(2026, 1, 31), 1.0, 100.0),
                (date(2026, 3, 20), date(2026, 2, 1), date(2026, 2, 28), 1.0, 100.0),
                (date(2026, 3, 20), date(2026, 3, 1), date(2026, 3, 31), 1.0, 100.0),
            ],
        )
        self.assertEqual(self._invoiced(by_button), self._invoiced(by_form))
        self.assertEqual(
            self._invoice_lines(by_button).mapped("name"),
            self._invoice_lines(by_form).mapped("name"),
        )
        # Not due any more: refused with the engine's message, as the form's.
        with freeze_time("2026-03-20"):
            with self.assertRaisesRegex(UserError, "is not due"):
                by_button.recurring_create_invoice()
        # OCA's _recurring_create_invoice, called by code, also uses the engine.
        by_code = self._create_contract(date_start="2026-01-01")
        with freeze_time("2026-02-10"):
            moves = by_code._recurring_create_invoice()
        self.assertEqual(
            [(row[0], row[1]) for row in self._invoiced(by_code)],
            [
                (date(2026, 2, 10), date(2026, 1, 1)),
                (date(2026, 2, 10), date(2026, 2, 1)),
            ],
        )
        self.assertEqual(moves, self._invoice_lines(by_code).move_id)

    @freeze_time("2026-03-15")
    def test_oca_wizard_on_service_contract_gives_engine_invoice(self):
        service = self._create_contract(date_start="2026-01-01")
        open_contract = self._create_contract(date_start="2026-01-01")
        open_contract.action_open_changes()
        oca = self._oca_contract(date_start="2026-01-01")
        wizard = self.env["contract.manually.create.invoice"].create(
            {"invoice_date": "2026-02-10", "contract_type": "sale"}
        )
        self.assertIn(service, wizard.contract_to_invoice_ids)
        self.assertIn(oca, wizard.contract_to_invoice_ids)
        self.assertNotIn(open_contract, wizard.contract_to_invoice_ids)
        action = wizard.create_invoice()
        invoices = self.env["account.move"].search(action["domain"])
        # The engine: posting date = the wizard's date, catch-up up to it.
        self.assertEqual(
            self._invoiced(service),
            [
                (date(2026, 2, 10), date(2026, 1, 1), date(2026, 1, 31), 1.0, 100.0),
                (date(2026, 2, 10), date(2026, 2, 1), date(2026, 2, 28), 1.0, 100.0),
            ],
        )
        # OCA's wizard for OCA's contract: one period, dated its next date.
        self.assertEqual(
            self._invoiced(oca),
            [(date(2026, 1, 1), date(2026, 1, 1), date(2026, 1, 31), 1.0, 100.0)],
        )
        self.assertEqual(
            invoices,
            self._invoice_lines(service).move_id | self._invoice_lines(oca).move_id,
        )
        self.assertFalse(self._invoice_lines(open_contract))

    def test_oca_button_and_menu_hidden_for_service_contracts(self):
        menu = self.env.ref("contract.sale_contract_manually_create_invoice_menu")
        self.assertEqual(menu.groups_id, self.env.ref("base.group_no_one"))
        # OCA's button (developer mode) is hidden on service contracts only.
        arch = self.env.ref("contract.contract_contract_form_view")._get_combined_arch()
        [button] = arch.xpath("//button[@name='recurring_create_invoice']")
        self.assertEqual(
            button.get("invisible"),
            "not create_invoice_visibility or generation_type != 'invoice' "
            "or contract_type == 'sale' and is_service_contract",
        )

    # === Contracts that keep OCA's behaviour ===

    def test_oca_contracts_keep_oca_behaviour(self):
        oca = self._oca_contract(date_start="2026-06-01")
        supplier = self._supplier_contract(date_start="2026-06-01")
        for contract in (oca, supplier):
            self.assertEqual(contract.contract_state, "draft")
            self.assertIn(
                "not a service contract", contract._sci_not_invoiceable_reason()
            )
        with freeze_time("2026-03-15"):
            # OCA's button invoices the next period even before it is due,
            # dated on its next invoice date.
            oca.recurring_create_invoice()
            supplier.recurring_create_invoice()
            # Create Service Invoice belongs to service contracts.
            with self.assertRaisesRegex(UserError, "not a service contract"):
                oca.action_create_service_invoice()
        for contract in (oca, supplier):
            self.assertEqual(
                self._invoiced(contract),
                [(date(2026, 6, 1), date(2026, 6, 1), date(2026, 6, 30), 1.0, 100.0)],
            )
            self.assertEqual(contract.recurring_next_date, date(2026, 7, 1))
        self.assertEqual(
            self._invoice_lines(oca).mapped("name"),
            oca.contract_line_ids.mapped("name"),
        )
        # The engine skips them and says why.
        result = self.env["service.contract.invoicing"].run(
            oca | supplier,
            posting_date=date(2026, 9, 1),
            invoice_to_date=date(2026, 9, 1),
        )
        self.assertFalse(result.moves)
        self.assertEqual(
            {
                (contract, "not a service contract" in reason)
                for contract, reason in result.skipped
            },
            {(oca, True), (supplier, True)},
        )

    def test_locked_service_contract_refused_oca_contract_editable(self):
        service = self._create_contract()
        oca = self._oca_contract()
        supplier = self._supplier_contract()
        line = service.contract_line_ids
        with self.assertRaisesRegex(UserError, "is Locked"):
            line.price_unit = 150
        with self.assertRaisesRegex(UserError, "is Locked"):
            service.date_end = "2026-12-31"
        with self.assertRaisesRegex(UserError, "is Locked"):
            line.unlink()
        # The form shows the Locked contract's lines read-only.
        with self.assertRaisesRegex(AssertionError, "not editable"):
            with Form(service) as form:
                with form.contract_line_fixed_ids.edit(0) as row:
                    row.quantity = 3
        with self.assertRaisesRegex(UserError, "no longer a quote"):
            service.is_service_contract = False
        self.assertEqual(line.price_unit, 100.0)
        # Contracts with OCA's rules are never locked: edited like in OCA.
        for contract in (oca, supplier):
            contract.contract_line_ids.price_unit = 150
            contract.date_end = "2026-12-31"
            with Form(contract) as form:
                with form.contract_line_fixed_ids.edit(0) as row:
                    row.quantity = 3
            self.assertEqual(contract.contract_line_ids.price_subtotal, 450.0)
            with self.assertRaisesRegex(UserError, "not a service contract"):
                contract.action_sign()
            with self.assertRaisesRegex(UserError, "not a service contract"):
                contract.action_lock()
        # Ticked while a quote, a customer contract follows the lifecycle.
        oca.is_service_contract = True
        oca.action_sign()
        with self.assertRaisesRegex(UserError, "is Locked"):
            oca.contract_line_ids.price_unit = 10

    # === Install on a database where OCA already invoices ===

    def test_post_init_hook_maps_existing_contracts(self):
        """Recreate the state the install gives existing contracts (defaults:
        not a service contract, Quote, Open) and run the hook."""
        running = self._oca_contract(date_start="2026-01-01")
        ending = self._oca_contract(date_start="2026-01-01", date_end="2026-12-31")
        finished = self._oca_contract(date_start="2025-01-01", date_end="2025-03-31")
        for __ in range(3):
            finished._recurring_create_invoice()
        # Fully invoiced: OCA's scheduled action no longer selects it.
        self.assertFalse(
            finished.recurring_next_date
            and finished.recurring_next_date <= finished.date_end
        )
        archived = self._oca_contract(date_start="2026-01-01", active=False)
        supplier = self._supplier_contract(date_start="2026-01-01")
        quote = self._create_contract(sign=False)
        for contract in running | ending | finished | archived | supplier:
            self.assertEqual(
                (
                    contract.is_service_contract,
                    contract.contract_state,
                    contract.change_status,
                ),
                (False, "draft", "open"),
            )
        with freeze_time("2026-04-02"):
            post_init_hook(self.env)
        for contract in running | ending:
            self.assertEqual(
                (
                    contract.is_service_contract,
                    contract.contract_state,
                    contract.change_status,
                    contract.signed_date,
                ),
                (True, "signed", "locked", date(2026, 4, 2)),
            )
        for contract in finished | archived | supplier:
            self.assertFalse(contract.is_service_contract)
            self.assertEqual(contract.contract_state, "draft")
        self.assertEqual(quote.contract_state, "draft")
        # The next run invoices them by the engine's rules.
        with freeze_time("2026-04-02"):
            self.sci_cron.method_direct_trigger()
        self.assertEqual(
            [(row[0], row[1]) for row in self._invoiced(running)],
            [(date(2026, 4, 2), date(2026, m, 1)) for m in (1, 2, 3, 4)],
        )
        self.assertEqual(len(self._invoice_lines(ending)), 4)

    def test_uninstall_hook_gives_oca_back_its_cron_and_menu(self):
        uninstall_hook(self.env)
        self.assertTrue(self.oca_cron.active)
        menu = self.env.ref("contract.sale_contract_manually_create_invoice_menu")
        self.assertEqual(menu.groups_id, self.env.ref("account.group_account_manager"))


@tagged("post_install", "-at_install")
class TestInstallOnExistingDatabase(TransactionCase):
    def test_contracts_created_before_install_invoiced_by_next_run(self):
        """tools/test installs OCA contract and sale_stock, creates these
        contracts with OCA (tools/preinstall_contracts.py), then installs the
        addon: the install must keep them invoiced."""
        prepaid = self.env.ref("sci_preinstall.running_prepaid")
        postpaid = self.env.ref("sci_preinstall.running_postpaid")
        finished = self.env.ref("sci_preinstall.finished")
        supplier = self.env.ref("sci_preinstall.supplier")
        today = fields.Date.context_today(prepaid)
        for contract in prepaid | postpaid:
            self.assertTrue(contract.is_service_contract, contract.name)
            self.assertEqual(contract.contract_state, "signed", contract.name)
            self.assertEqual(contract.change_status, "locked", contract.name)
            self.assertTrue(contract.signed_date, contract.name)
            self.assertLessEqual(contract.recurring_next_date, today, contract.name)
        for contract in finished | supplier:
            self.assertFalse(contract.is_service_contract, contract.name)
        self.assertFalse(finished.recurring_next_date)
        before = {
            contract: contract._get_related_invoices()
            for contract in prepaid | postpaid | supplier
        }
        self.assertEqual(len(before[prepaid]), 1, "OCA invoiced the first period")
        expected_starts = {
            prepaid: prepaid.recurring_next_date,
            postpaid: postpaid.contract_line_ids.date_start,
        }
        self.env.ref(
            f"{MODULE}.service_contract_invoicing_cron"
        ).method_direct_trigger()
        for contract, start in expected_starts.items():
            new = contract._get_related_invoices() - before[contract]
            self.assertEqual(new.mapped("invoice_date"), [today], contract.name)
            self.assertEqual(
                new.invoice_line_ids.filtered("contract_line_id").mapped(
                    "sci_period_start"
                ),
                [start],
                contract.name,
            )
        # The supplier contract: invoiced by OCA's own code, as before.
        new = supplier._get_related_invoices() - before[supplier]
        self.assertEqual(new.move_type, "in_invoice")
        self.assertEqual(new.invoice_date, supplier.contract_line_ids.date_start)
