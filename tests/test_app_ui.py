# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from ast import literal_eval
from datetime import date

from freezegun import freeze_time
from lxml import html

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, tagged

from odoo.addons.service_contract_invoicing.models.trusted_context import Trusted

from .common import ServiceContractCommon

MODULE = "service_contract_invoicing"


@tagged("post_install", "-at_install")
class TestAppMenus(TransactionCase):
    """The Service Contracts app: its menus, Sales, and where an install from
    the Apps page lands."""

    def test_app_menu_items(self):
        root = self.env.ref(f"{MODULE}.menu_service_contract_root")
        self.assertFalse(root.parent_id)
        self.assertEqual(root.web_icon, f"{MODULE},static/description/icon.png")
        items = {
            menu.get_external_id()[menu.id]: menu.sequence for menu in root.child_id
        }
        for xmlid, sequence in {
            f"{MODULE}.menu_service_contract_contracts": 10,
            f"{MODULE}.menu_contract_invoice_create": 20,
            f"{MODULE}.menu_service_contract_reporting": 50,
            f"{MODULE}.menu_service_contract_sales": 70,
            f"{MODULE}.menu_service_contract_config": 100,
        }.items():
            self.assertEqual(items.get(xmlid), sequence, xmlid)
        reporting = self.env.ref(f"{MODULE}.menu_service_contract_reporting")
        for xmlid in (
            "service_ledger_entry_menu",
            "menu_contract_invoicing_run",
            "menu_contract_revenue",
        ):
            self.assertEqual(self.env.ref(f"{MODULE}.{xmlid}").parent_id, reporting)
        sales = self.env.ref(f"{MODULE}.menu_service_contract_sales")
        self.assertEqual(
            {menu.action.id for menu in sales.child_id},
            {
                self.env.ref("sale.action_quotations_with_onboarding").id,
                self.env.ref("sale.action_orders").id,
            },
        )
        config = self.env.ref(f"{MODULE}.menu_service_contract_config")
        settings = self.env.ref(f"{MODULE}.res_config_settings_action")
        self.assertEqual(
            [(menu.name, menu.action) for menu in config.child_id],
            [
                ("Settings", settings),
                (
                    "Contract Templates",
                    self.env.ref("contract.contract_template_action"),
                ),
                (
                    "Invoice Periods",
                    self.env.ref(f"{MODULE}.contract_invoice_period_help_action"),
                ),
            ],
        )
        # Not also under Invoicing > Customers: one place for each screen.
        receivables = self.env.ref("account.menu_finance_receivables")
        for xmlid in ("menu_contract_invoice_create", "service_ledger_entry_menu"):
            self.assertNotEqual(
                self.env.ref(f"{MODULE}.{xmlid}").parent_id, receivables, xmlid
            )

    def test_sales_app_installed(self):
        """sale_management brings the Sales app (sale_stock alone hides it)."""
        module = self.env["ir.module.module"].search([("name", "=", "sale_management")])
        self.assertEqual(module.state, "installed")
        self.assertTrue(self.env.ref("sale.sale_menu_root").active)
        self.assertIn(
            "sale_management",
            self.env["ir.module.module"]
            .search([("name", "=", MODULE)])
            .dependencies_id.mapped("name"),
        )

    def test_install_from_apps_page_opens_the_app(self):
        """After an install, Odoo runs the next open configuration to-do: ours
        opens the Service Contracts app instead of the first app (Discuss)."""
        todo = self.env.ref(f"{MODULE}.service_contract_open_app_todo")
        todo.state = "open"
        action = self.env["ir.module.module"].next()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["url"], "/odoo/service-contracts")
        self.assertEqual(todo.state, "done")
        service_action = self.env.ref(f"{MODULE}.contract_contract_service_action")
        self.assertEqual(service_action.path, "service-contracts")


@tagged("post_install", "-at_install")
class TestAppUi(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.user.groups_id |= cls.env.ref(
            f"{MODULE}.group_service_contract_manager"
        )
        cls._cancel_other_contracts()

    def _service_contract(self, **values):
        return self._create_contract(is_service_contract=True, **values)

    # === Exact amounts ===

    def test_annual_amount_exact_for_each_invoice_period(self):
        """Annual Amount = amount per period x periods in a year, rounded once:
        OCA's rounded monthly amount x 12 is off by cents when the amount does
        not divide by the months of the period."""
        cases = [
            # period, price per period, annual amount
            ("month", 333.33, 3999.96),
            ("two_months", 1000.01, 6000.06),
            ("quarter", 1000.00, 4000.00),
            ("half_year", 1000.00, 2000.00),
            ("year", 8000.00, 8000.00),
        ]
        for period, price, annual in cases:
            with self.subTest(period=period):
                contract = self._service_contract(
                    invoice_period=period, price=price, sign=False
                )
                self.assertEqual(contract.amount_per_period, price)
                self.assertEqual(contract.annual_amount, annual)
                # What OCA's rounded monthly amount would give, for the record.
                monthly = sum(contract.contract_line_ids.mapped("monthly_recurring"))
                if period in ("quarter", "half_year", "year"):
                    self.assertNotEqual(
                        contract.currency_id.round(monthly * 12), annual
                    )

    def test_amounts_each_line_rounded_as_invoiced(self):
        """Lines with unrounded subtotals: the period amount is what the
        invoice shows (each line rounded), the year is twelve of them."""
        contract = self._service_contract(
            invoice_period="month",
            sign=False,
            lines=[
                {"product_id": self.service.id, "price_unit": 33.333, "quantity": 3},
                {"product_id": self.service.id, "price_unit": 33.33, "discount": 15},
            ],
        )
        # 99.999 -> 100.00 and 28.3305 -> 28.33 on the invoice
        self.assertEqual(contract.amount_per_period, 128.33)
        self.assertEqual(contract.annual_amount, 1539.96)
        self.assertFalse(
            self._service_contract(invoice_period="none", sign=False).annual_amount
        )

    # === Locked contracts are read-only ===

    def test_locked_form_read_only_until_open(self):
        contract = self._service_contract()
        self.assertTrue(contract.sci_is_locked)
        view = self.env.ref("contract.contract_contract_customer_form_view")
        form = Form(contract, view=view)
        for name in (
            "partner_id",
            "date_start",
            "recurring_next_date",
            "invoice_period",
            "journal_id",
            "contract_line_fixed_ids",
        ):
            with self.assertRaises(AssertionError, msg=name):
                setattr(form, name, False)
        with self.assertRaises(AssertionError):
            with form.contract_line_fixed_ids.edit(0) as line:
                line.price_unit = 5.0
        # Not locked: what OCA's own contracts and an Open one are.
        contract.action_open_changes()
        self.assertFalse(contract.sci_is_locked)
        with Form(contract, view=view) as form:
            with form.contract_line_fixed_ids.edit(0) as line:
                line.price_unit = 120.0
        self.assertEqual(contract.contract_line_ids.price_unit, 120.0)
        contract.action_lock()
        self.assertTrue(contract.sci_is_locked)
        oca_contract = self._create_contract(sign=False, is_service_contract=False)
        # Status fields as they may stand in a database (written directly
        # only by trusted code).
        oca_contract.with_context(sci_status_write=Trusted()).write(
            {"contract_state": "signed", "change_status": "locked"}
        )
        self.assertFalse(oca_contract.is_service_contract)
        self.assertFalse(oca_contract.sci_is_locked)

    def test_locked_message_in_the_users_words(self):
        contract = self._service_contract()
        with self.assertRaises(UserError) as error:
            contract.write(
                {
                    "contract_line_ids": [
                        Command.update(
                            contract.contract_line_ids.id, {"price_unit": 1.0}
                        )
                    ],
                    "contract_line_fixed_ids": [
                        Command.update(
                            contract.contract_line_ids.id, {"price_unit": 1.0}
                        )
                    ],
                    "partner_id": self.customer_b.id,
                    "recurring_rule_type": "yearly",
                }
            )
        message = str(error.exception)
        self.assertIn(
            "is Locked: the contract lines (products, quantities, prices), the "
            "invoice period and the customer cannot be changed. Click Open",
            message,
        )
        self.assertNotIn("Contract lines (fixed)", message)
        with self.assertRaisesRegex(UserError, "is Locked: the start date cannot"):
            contract.date_start = "2026-02-01"

    # === Create Contract Invoices ===

    def _wizard(self, **values):
        with Form(self.env["contract.invoice.create"]) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def test_preview_then_create_invoices(self):
        contract = self._service_contract(date_start="2026-01-01")
        wizard = self._wizard(
            posting_date=date(2026, 1, 5),
            invoice_to_date=date(2026, 1, 5),
            run_action="preview",
        )
        wizard.action_run()
        self.assertEqual(wizard.result_action, "preview")
        due = wizard.line_ids.filtered(lambda line: line.status == "due")
        self.assertEqual(due.contract_id, contract)
        # The line's own description, without OCA's ISO date prefix.
        self.assertEqual(due.contract_line_name, "Maintenance")
        self.assertEqual(
            wizard.line_ids._fields["partner_id"].get_description(self.env)["string"],
            "Customer",
        )
        self.assertFalse(self._invoice_lines(contract))
        action = wizard.action_create_from_preview()
        self.assertEqual(action["res_id"], wizard.id)
        self.assertEqual(wizard.result_action, "create")
        self.assertEqual(len(wizard.move_ids), 1)
        self.assertEqual(wizard.line_ids.status, "invoiced")
        self.assertEqual(self._invoice_lines(contract).move_id, wizard.move_ids)
        invoices = wizard.action_view_invoices()
        self.assertEqual(invoices["name"], "Contract Invoices")
        self.assertEqual(invoices["display_name"], "Contract Invoices")
        self.assertEqual(invoices["target"], "main")
        self.assertEqual(invoices["domain"], [("id", "in", wizard.move_ids.ids)])
        # Reloaded by the web client as shown (from the session), not as the
        # stored Invoices action of every invoice.
        self.assertFalse({"id", "path", "xml_id"} & set(invoices))
        run_invoices = wizard.invoicing_run_id.action_view_invoices()
        self.assertFalse({"id", "path", "xml_id"} & set(run_invoices))
        self.assertEqual(
            self.env["account.move"].search(run_invoices["domain"]), wizard.move_ids
        )

    def test_empty_preview_is_a_result_with_reasons(self):
        later = self._service_contract(date_start="2026-03-01")
        open_contract = self._service_contract(
            partner=self.customer_b, date_start="2026-03-01"
        )
        open_contract.action_open_changes()
        wizard = self._wizard(
            posting_date=date(2026, 1, 5),
            invoice_to_date=date(2026, 1, 5),
            run_action="preview",
        )
        action = wizard.action_run()
        self.assertEqual(action["res_model"], "contract.invoice.create")
        self.assertEqual(wizard.state, "done")
        self.assertEqual(
            wizard.result_message,
            "Nothing to invoice: no customer contract matches the filters with a "
            "next invoice date on or before 01/05/2026.",
        )
        reasons = {line.contract_id: line.reason for line in wizard.line_ids}
        self.assertEqual(
            reasons,
            {
                later: "next invoice date 03/01/2026 is after the Invoice-to Date",
                open_contract: "change status is Open",
            },
        )
        self.assertEqual(set(wizard.line_ids.mapped("status")), {"skipped"})
        wizard.action_back()
        self.assertFalse(wizard.result_message)
        self.assertFalse(wizard.line_ids)

    def test_wizard_selects_service_contracts_only(self):
        """OCA's other customer contracts are not the wizard's: they are
        neither listed (as skipped) nor offered in its Contracts filter."""
        service = self._service_contract(date_start="2026-01-01")
        oca = self._create_contract(
            partner=self.customer_b,
            date_start="2026-01-01",
            is_service_contract=False,
            sign=False,
        )
        self.assertLessEqual(oca.recurring_next_date, date(2026, 1, 5))
        wizard = self._wizard(
            posting_date=date(2026, 1, 5),
            invoice_to_date=date(2026, 1, 5),
            run_action="preview",
        )
        wizard.action_run()
        self.assertEqual(wizard.line_ids.contract_id, service)
        # Nothing due: the reasons name service contracts only.
        wizard.action_back()
        wizard.invoice_to_date = wizard.posting_date = date(2025, 12, 1)
        wizard.action_run()
        self.assertEqual(wizard.line_ids.contract_id, service)
        self.assertEqual(
            self.env["contract.contract"].search(
                literal_eval(wizard._fields["contract_ids"].domain)
                + [("id", "in", (service | oca).ids)]
            ),
            service,
        )

    def test_dates_in_the_users_format(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env.ref("base.lang_fr").date_format = "%d/%m/%Y"
        contract = self._service_contract(date_start="2026-01-01")
        wizard = self._wizard(
            posting_date=date(2026, 3, 2), invoice_to_date=date(2026, 1, 2)
        ).with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, "02/01/2026.*02/03/2026"):
            wizard.action_run()
        self.env.company.fiscalyear_lock_date = date(2026, 2, 28)
        wizard.write(
            {"posting_date": date(2026, 2, 15), "invoice_to_date": date(2026, 2, 15)}
        )
        with self.assertRaisesRegex(UserError, "15/02/2026.*28/02/2026"):
            wizard.action_run()
        result = (
            self.env["service.contract.invoicing"]
            .with_context(lang="fr_FR")
            .run(
                contract,
                posting_date=date(2025, 12, 1),
                invoice_to_date=date(2025, 12, 1),
                dry_run=True,
            )
        )
        # Skipped (nothing due) or failed (the lock date above): in French dates.
        reasons = "".join(reason for __, reason in result.skipped + result.failures)
        self.assertIn("01/12/2025", reasons)
        self.assertNotIn("2025-12", reasons)

    def test_wizard_view_keeps_reason_and_status_visible(self):
        arch = self.env["contract.invoice.create"].get_view(view_type="form")["arch"]
        self.assertIn('name="status" width="130px"', arch)
        self.assertRegex(arch, r'name="reason"[^>]*class="text-wrap"')
        self.assertIn('name="action_create_from_preview"', arch)
        self.assertNotIn('name="contract_line_id"', arch)

    # === Settings ===

    def test_settings_switch_the_scheduled_action(self):
        cron = self.env.ref(f"{MODULE}.service_contract_invoicing_cron")
        cron.active = False
        settings = self.env["res.config.settings"].create({})
        self.assertFalse(settings.sci_invoicing_cron_active)
        settings.write({"sci_invoicing_cron_active": True, "sci_invoice_lead_days": 3})
        settings.execute()
        self.assertTrue(cron.active)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(f"{MODULE}.invoice_lead_days"),
            "3",
        )
        self.assertTrue(
            self.env["res.config.settings"].create({}).sci_invoicing_cron_active
        )
        action = settings.action_sci_open_invoicing_cron()
        self.assertEqual((action["res_model"], action["res_id"]), ("ir.cron", cron.id))
        arch = settings.get_view(view_type="form")["arch"]
        self.assertIn("days ahead", arch)

    def test_settings_app_of_its_own(self):
        """Configuration > Settings opens the app's own page of the settings
        (its icon in the side bar), not the Invoicing settings."""
        action = self.env.ref(f"{MODULE}.res_config_settings_action")
        self.assertEqual(action.target, "inline")
        self.assertIn(f"'module': '{MODULE}'", action.context)
        arch = html.fromstring(
            self.env["res.config.settings"].get_view(view_type="form")["arch"]
        )
        [app] = arch.xpath(f"//app[@name='{MODULE}']")
        self.assertEqual(app.get("string"), "Service Contracts")
        self.assertEqual(
            app.xpath("./block/@title"),
            ["Contract Invoicing", "Prepaid Revenue", "Shipments"],
        )
        # Each setting has its title and its help.
        for setting in app.xpath(".//setting"):
            self.assertTrue(setting.get("string"), setting.get("id"))
            self.assertTrue(setting.get("help"), setting.get("id"))

    # === Invoice periods help ===

    @freeze_time("2026-05-10")
    def test_invoice_periods_help(self):
        """Configuration > Invoice Periods: each period with its example
        periods and invoice dates, computed by the invoicing code (example
        contract starting on 17 March)."""
        action = self.env["contract.invoice.period.help"].action_open()
        self.assertEqual((action["view_mode"], action["target"]), ("form", "current"))
        page = self.env["contract.invoice.period.help"].browse(action["res_id"])
        self.assertEqual(page.display_name, "Invoice Periods")
        table = html.fromstring(page.period_table)
        rows = [
            [cell.text_content() for cell in row.xpath("./td")]
            for row in table.xpath("//tbody/tr")
        ]
        self.assertIn("(03/17/2026)", table.xpath("//thead/tr/th")[2].text_content())
        self.assertEqual(
            rows,
            [
                [
                    "Month",
                    "12",
                    "03/17/2026 – 04/16/202604/17/2026 – 05/16/2026",
                    "03/17/202604/17/2026",
                    "04/16/202605/16/2026",
                    "03/17/2026 – 03/31/2026 (pro rata 15/31)"
                    "04/01/2026 – 04/30/2026",
                ],
                [
                    "Two Months",
                    "6",
                    "03/17/2026 – 05/16/202605/17/2026 – 07/16/2026",
                    "03/17/202605/17/2026",
                    "05/16/202607/16/2026",
                    "03/17/2026 – 04/30/2026 (pro rata 45/61)"
                    "05/01/2026 – 06/30/2026",
                ],
                [
                    "Quarter",
                    "4",
                    "03/17/2026 – 06/16/202606/17/2026 – 09/16/2026",
                    "03/17/202606/17/2026",
                    "06/16/202609/16/2026",
                    "03/17/2026 – 03/31/2026 (pro rata 15/90)"
                    "04/01/2026 – 06/30/2026",
                ],
                [
                    "Half Year",
                    "2",
                    "03/17/2026 – 09/16/202609/17/2026 – 03/16/2027",
                    "03/17/202609/17/2026",
                    "09/16/202603/16/2027",
                    "03/17/2026 – 06/30/2026 (pro rata 106/181)"
                    "07/01/2026 – 12/31/2026",
                ],
                [
                    "Year",
                    "1",
                    "03/17/2026 – 03/16/202703/17/2027 – 03/16/2028",
                    "03/17/202603/17/2027",
                    "03/16/202703/16/2028",
                    "03/17/2026 – 12/31/2026 (pro rata 290/365)"
                    "01/01/2027 – 12/31/2027",
                ],
                [
                    "None",
                    "0",
                    "not invoiced by period",
                    "—",
                    "—",
                    "not invoiced by period",
                ],
            ],
        )
        # The same periods as a contract's: a quarterly one from 17 March.
        contract = self._service_contract(
            invoice_period="quarter", date_start="2026-03-17", sign=False
        )
        self.assertEqual(
            (contract.next_period_date_start, contract.next_period_date_end),
            (date(2026, 3, 17), date(2026, 6, 16)),
        )
        form = self.env["contract.invoice.period.help"].get_view(view_type="form")
        self.assertIn('edit="0"', form["arch"])

    # === Service ledger ===

    def test_ledger_numbers_units_and_sources(self):
        hours = self._create_product(
            name="Support Hours",
            type="service",
            uom_id=self.env.ref("uom.product_uom_hour").id,
            uom_po_id=self.env.ref("uom.product_uom_hour").id,
        )
        units = self._service_contract(date_start="2026-01-01", quantity=2)
        hourly = self._service_contract(
            partner=self.customer_b,
            date_start="2026-01-01",
            lines=[
                {
                    "product_id": hours.id,
                    "uom_id": hours.uom_id.id,
                    "price_unit": 80.0,
                    "quantity": 5,
                }
            ],
        )
        Entry = self.env["service.ledger.entry"]
        before = Entry.search([], order="entry_number desc", limit=1).entry_number
        result = self.env["service.contract.invoicing"].run(
            units | hourly,
            posting_date=date(2026, 1, 5),
            invoice_to_date=date(2026, 1, 5),
            post=True,
        )
        self.assertFalse(result.failures)
        entries = Entry.search([("contract_id", "in", (units | hourly).ids)])
        self.assertEqual(len(entries), 2)
        numbers = sorted(entries.mapped("entry_number"))
        self.assertTrue(all(number > (before or 0) for number in numbers))
        self.assertEqual(len(set(numbers)), 2)
        self.assertEqual(entries.sorted("id").mapped("entry_number"), numbers)
        self.assertEqual(
            set(entries.mapped("source_name")),
            {units.display_name, hourly.display_name},
        )
        domain = [("id", "in", entries.ids)]
        # Units and Hours are not added up...
        [total] = Entry.read_group(domain, ["quantity:sum"], [])
        self.assertIs(total["quantity"], False)
        # ... but totalled within one unit, and where a group has one unit.
        by_unit = {
            group["uom_id"][0]: group["quantity"]
            for group in Entry.read_group(domain, ["quantity:sum"], ["uom_id"])
        }
        self.assertEqual(by_unit, {self.service.uom_id.id: 2.0, hours.uom_id.id: 5.0})
        by_customer = Entry.read_group(domain, ["quantity:sum"], ["partner_id"])
        self.assertEqual(sorted(group["quantity"] for group in by_customer), [2.0, 5.0])
        # Pivot rows: the contract or the shipment, never "None".
        pivot = Entry.get_view(view_type="pivot")["arch"]
        self.assertIn('name="source_name" type="row"', pivot)


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def test_demo_contracts(self):
        contracts = self.env["contract.contract"].browse(
            self.env.ref(f"{MODULE}.{xmlid}").id
            for xmlid in (
                "contract_demo_acme_maintenance",
                "contract_demo_acme_support",
                "contract_demo_bluewater_hosting",
                "contract_demo_northwind_support",
            )
        )
        self.assertEqual(set(contracts.mapped("is_service_contract")), {True})
        self.assertEqual(contracts.user_id, self.env.ref("base.user_demo"))
        self.assertNotIn(
            "per month", " ".join(contracts.contract_line_ids.mapped("name"))
        )
        northwind = self.env.ref(f"{MODULE}.contract_demo_northwind_support")
        self.assertEqual(northwind.invoice_period, "year")
        self.assertEqual(northwind.amount_per_period, 8000.0)
        self.assertEqual(northwind.annual_amount, 8000.0)
        bluewater = self.env.ref(f"{MODULE}.contract_demo_bluewater_hosting")
        self.assertEqual(bluewater.amount_per_period, 435.0)
        self.assertEqual(bluewater.annual_amount, 1740.0)
        arch = self.env["contract.contract"].get_view(
            self.env.ref("contract.contract_contract_tree_view").id, "list"
        )["arch"]
        self.assertIn('name="amount_per_period"', arch)
        self.assertIn('name="annual_amount"', arch)
