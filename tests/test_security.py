# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestSecurity(ServiceContractCommon):
    """Service Contract User and Manager, and two companies: A (the test
    company) and B. Each company has a contract due on 2026-01-01 and a
    delivered customer shipment."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._cancel_other_contracts()
        cls.company_a = cls.env.company
        cls.company_data_b = cls.setup_other_company(name="SCI Company B")
        cls.company_b = cls.company_data_b["company"]
        cls.group_user = cls.env.ref(
            "service_contract_invoicing.group_service_contract_user"
        )
        cls.group_manager = cls.env.ref(
            "service_contract_invoicing.group_service_contract_manager"
        )
        cls.sc_user = cls._create_user("sci_sec_user", cls.group_user)
        cls.sc_manager = cls._create_user("sci_sec_manager", cls.group_manager)

        cls.contract_a = cls._create_contract(date_start="2026-01-01")
        cls.customer_in_b = cls.env["res.partner"].create(
            {"name": "Customer of B", "is_company": True}
        )
        cls.contract_b = cls._create_contract(
            partner=cls.customer_in_b,
            date_start="2026-01-01",
            company_id=cls.company_b.id,
            journal_id=cls.company_data_b["default_journal_sale"].id,
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "SCI Security Widget",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": 10.0,
                "property_account_income_id": cls.company_data[
                    "default_account_revenue"
                ].id,
            }
        )
        cls.picking_a = cls._create_delivery(cls.company_a, cls.customer)
        cls.picking_b = cls._create_delivery(cls.company_b, cls.customer_in_b)

    @classmethod
    def _create_user(cls, login, group, companies=None):
        companies = companies or cls.company_a
        return (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login,
                    "login": login,
                    "email": f"{login}@example.com",
                    "groups_id": [
                        Command.set([cls.env.ref("base.group_user").id, group.id])
                    ],
                    "company_id": companies[0].id,
                    "company_ids": [Command.set(companies.ids)],
                }
            )
        )

    @classmethod
    def _create_delivery(cls, company, partner):
        """A sales order of ``company`` whose shipment is delivered."""
        order = (
            cls.env["sale.order"]
            .with_company(company)
            .create(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.goods.id,
                                "product_uom_qty": 2.0,
                                "price_unit": 10.0,
                                "tax_id": False,
                            }
                        )
                    ],
                }
            )
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2.0, "picked": True})
        picking.with_company(company).button_validate()
        assert picking.state == "done", picking.state
        return picking

    def _as(self, user, companies=None):
        """``env`` of ``user`` working in ``companies`` (default: its own)."""
        companies = companies or user.company_ids
        return self.env(
            user=user, context=dict(self.env.context, allowed_company_ids=companies.ids)
        )

    # === Groups ===

    def test_groups(self):
        self.assertTrue(self.sc_user.has_group("account.group_account_invoice"))
        self.assertFalse(
            self.sc_user.has_group(
                "service_contract_invoicing.group_service_contract_manager"
            )
        )
        self.assertTrue(
            self.sc_manager.has_group(
                "service_contract_invoicing.group_service_contract_user"
            )
        )
        accountant = self._create_user(
            "sci_sec_accountant", self.env.ref("account.group_account_manager")
        )
        self.assertTrue(
            accountant.has_group(
                "service_contract_invoicing.group_service_contract_manager"
            )
        )

    def test_menus(self):
        visible = self.env["ir.ui.menu"].with_user(self.sc_user)._visible_menu_ids()
        for xmlid, parent in (
            (
                "contract.menu_contract_contract_customer",
                "account.menu_finance_receivables",
            ),
            (
                "service_contract_invoicing.menu_contract_invoice_create",
                "service_contract_invoicing.menu_service_contract_root",
            ),
        ):
            with self.subTest(menu=xmlid):
                menu = self.env.ref(xmlid)
                self.assertEqual(menu.parent_id, self.env.ref(parent))
                self.assertIn(menu.id, visible)
        # Shipments to Invoice: in the Service Contracts app, the lines of
        # the user's companies left to invoice.
        menu = self.env.ref("service_contract_invoicing.menu_stock_picking_to_invoice")
        self.assertEqual(
            menu.parent_id,
            self.env.ref("service_contract_invoicing.menu_service_contract_root"),
        )
        self.assertIn(menu.id, visible)
        env = self._as(self.sc_user)
        rows = env["service.shipment.to.invoice"].search([])
        self.assertIn(self.picking_a, rows.picking_id)
        self.assertNotIn(self.picking_b, rows.picking_id)

    # === User versus Manager ===

    def test_user_reads_contracts_manager_actions_refused(self):
        env = self._as(self.sc_user)
        contract = env["contract.contract"].browse(self.contract_a.id)
        self.assertEqual(contract.name, self.contract_a.name)
        self.assertIn(contract, env["contract.contract"].search([]))
        for action in (
            "action_open_changes",
            "action_lock",
            "action_sign",
            "action_cancel_contract",
        ):
            with self.subTest(action=action), self.assertRaises(AccessError):
                getattr(contract, action)()
        self.assertEqual(self.contract_a.change_status, "locked")
        self.assertEqual(self.contract_a.contract_state, "signed")

    def test_manager_status_actions(self):
        env = self._as(self.sc_manager)
        contract = env["contract.contract"].browse(self.contract_a.id)
        contract.action_open_changes()
        self.assertEqual(contract.change_status, "open")
        contract.action_lock()
        self.assertEqual(contract.change_status, "locked")
        quote = self._create_contract(sign=False).with_env(env)
        quote.action_sign()
        self.assertEqual(quote.contract_state, "signed")
        contract.cancel_reason = "Customer left"
        contract.action_cancel_contract()
        self.assertEqual(self.contract_a.contract_state, "cancelled")

    def test_user_runs_create_contract_invoices(self):
        env = self._as(self.sc_user)
        with Form(env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 1, 5)
            form.invoice_to_date = date(2026, 1, 5)
        wizard = form.record
        wizard.action_run()
        self.assertEqual(wizard.move_ids.partner_id, self.customer)
        self.assertEqual(self.contract_a.recurring_next_date, date(2026, 2, 1))
        action = wizard.action_view_invoices()
        self.assertEqual(action["domain"], [("id", "in", wizard.move_ids.ids)])

    def test_user_creates_service_invoice(self):
        env = self._as(self.sc_user)
        contract = env["contract.contract"].browse(self.contract_a.id)
        action = contract.action_create_service_invoice()
        invoice = env["account.move"].browse(action["res_id"])
        self.assertEqual(invoice.partner_id, self.customer)
        self.assertEqual(invoice.state, "draft")
        self.assertGreater(self.contract_a.recurring_next_date, date(2026, 1, 1))
        message = self.contract_a.message_ids[:1]
        self.assertIn("Service invoice created", message.body)
        self.assertEqual(message.author_id, self.sc_user.partner_id)

    def test_user_runs_get_shipment_lines(self):
        env = self._as(self.sc_user)
        invoice = env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        action = invoice.action_sci_get_shipment_lines()
        wizard_form = Form(env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(len(wizard_form.line_ids), 1)
        with wizard_form.line_ids.edit(0) as line:
            self.assertEqual(line.picking_id, self.picking_a)
            line.is_selected = True
        wizard_form.save().action_confirm()
        self.assertEqual(invoice.invoice_line_ids.product_id, self.goods)
        self.assertEqual(invoice.invoice_line_ids.quantity, 2.0)
        invoice.action_post()
        self.assertEqual(self.picking_a.sci_invoice_status, "invoiced")

    # === Multi-company ===

    def test_user_of_company_a_never_sees_company_b(self):
        for user in (self.sc_user, self.sc_manager):
            with self.subTest(user=user.login):
                env = self._as(user)
                contracts = env["contract.contract"].search([])
                self.assertIn(self.contract_a, contracts)
                self.assertFalse(contracts & self.contract_b)
                self.assertFalse(
                    env["contract.contract"].search(
                        [("company_id", "=", self.company_b.id)]
                    )
                )
                self.assertFalse(
                    env["contract.line"].search(
                        [("contract_id", "=", self.contract_b.id)]
                    )
                )
                pickings = env["stock.picking"].search([])
                self.assertIn(self.picking_a, pickings)
                self.assertFalse(
                    env["stock.picking"].search(
                        [("company_id", "=", self.company_b.id)]
                    )
                )
                self.assertFalse(
                    env["stock.move"].search([("company_id", "=", self.company_b.id)])
                )
        # Reading B's contract by id is refused, even asking for company B in
        # the context.
        for companies in (self.company_a, self.company_b):
            with self.subTest(companies=companies.name), self.assertRaises(AccessError):
                self.env(
                    user=self.sc_user,
                    context=dict(self.env.context, allowed_company_ids=companies.ids),
                )["contract.contract"].browse(self.contract_b.id).read(["name"])

    def test_create_contract_invoices_only_own_company(self):
        env = self._as(self.sc_user)
        wizard = env["contract.invoice.create"].create(
            {
                "posting_date": "2026-01-05",
                "invoice_to_date": "2026-01-05",
                "company_ids": [],
            }
        )
        wizard.action_run()
        self.assertEqual(wizard.line_ids.contract_id, self.contract_a)
        self.assertEqual(
            wizard.move_ids.invoice_line_ids.contract_line_id.contract_id,
            self.contract_a,
        )
        self.assertEqual(wizard.move_ids.company_id, self.company_a)
        self.assertFalse(self._invoice_lines(self.contract_b))
        self.assertEqual(self.contract_b.recurring_next_date, date(2026, 1, 1))
        # Naming company B in the wizard does not reach its contracts.
        wizard = env["contract.invoice.create"].create(
            {
                "posting_date": "2026-03-05",
                "invoice_to_date": "2026-03-05",
                "company_ids": [Command.set(self.company_b.ids)],
            }
        )
        wizard.action_run()
        # Nothing due there: an empty result, no invoice.
        self.assertFalse(wizard.move_ids)
        self.assertIn("Nothing to invoice", wizard.result_message)
        self.assertFalse(self._invoice_lines(self.contract_b))
        # A user of both companies invoices both when working in both.
        both = self._create_user(
            "sci_sec_both", self.group_user, self.company_a | self.company_b
        )
        wizard = self._as(both)["contract.invoice.create"].create(
            {
                "posting_date": "2026-01-05",
                "invoice_to_date": "2026-01-05",
                "company_ids": [],
            }
        )
        wizard.action_run()
        self.assertEqual(wizard.line_ids.contract_id, self.contract_b)
        self.assertEqual(wizard.move_ids.company_id, self.company_b)
