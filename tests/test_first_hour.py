# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What a new user meets in the first hour (issue 23): the web client's live
connection, settings that cannot be saved half done, menu paths that exist,
empty screens that say why."""

import json
import re
from datetime import date
from pathlib import Path

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, TransactionCase, new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase


@tagged("post_install", "-at_install")
class TestLiveConnection(WebsocketCase):
    """The web client's live connection (/websocket) on the served HTTP port,
    as Odoo serves it in the threaded mode `make run` uses: a Service
    Contract User's browser subscribes and receives a notification."""

    def test_websocket_on_the_http_port(self):
        user = new_test_user(
            self.env,
            login="sci_live_user",
            password="sci_live_user",
            groups="base.group_user,"
            "service_contract_invoicing.group_service_contract_user",
        )
        session = self.authenticate("sci_live_user", "sci_live_user")
        ws = self.websocket_connect(cookie=f"session_id={session.sid}")
        self.subscribe(ws, [], self.env["bus.bus"]._bus_last_id())
        self.env["bus.bus"]._sendone(
            user.partner_id, "sci_live_check", {"contracts": 3}
        )
        self.trigger_notification_dispatching([user.partner_id])
        notifications = json.loads(ws.recv())
        self.assertEqual(
            [(n["message"]["type"], n["message"]["payload"]) for n in notifications],
            [("sci_live_check", {"contracts": 3})],
        )


MODULE = "service_contract_invoicing"
# "Service Contracts > Reporting > Contract Invoicing Runs": capitalised
# words (and "to", "of") between " > ".
MENU_PATH = re.compile(
    r"Service Contracts((?: > [A-Z][\w-]*(?: (?:[A-Z][\w-]*|to|of))*)+)"
)


def menu_paths_in(text):
    """The "Service Contracts > ..." paths of a text, as tuples of names
    (markdown emphasis and line breaks removed)."""
    text = re.sub(r"[*`]", "", " ".join(text.split()))
    return {
        ("Service Contracts", *match.group(1).split(" > ")[1:])
        for match in MENU_PATH.finditer(text)
    }


@tagged("post_install", "-at_install")
class TestFirstHour(TransactionCase):
    """Menu paths that exist, settings that cannot be saved half done, the
    date a user means, empty screens that say why."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        root = cls.env.ref(f"{MODULE}.menu_service_contract_root")
        menus = cls.env["ir.ui.menu"].search([("id", "child_of", root.id)])
        names = {}
        for menu in menus.sorted(lambda m: len(m.parent_path)):
            names[menu] = (*names.get(menu.parent_id, ()), menu.name)
        cls.menu_paths = set(names.values())
        arch = cls.env.ref(f"{MODULE}.res_config_settings_form_view").arch
        cls.settings_blocks = set(re.findall(r'<block title="([^"]+)"', arch))

    def assertRealPath(self, path, where):
        """A menu of the app, or a block of its settings page."""
        settings = ("Service Contracts", "Configuration", "Settings")
        if path[:3] == settings and len(path) == 4:
            self.assertIn(
                path[3], self.settings_blocks, f"{' > '.join(path)} ({where})"
            )
        else:
            self.assertIn(path, self.menu_paths, f"{' > '.join(path)} ({where})")

    def assertMessagePaths(self, message, count=1):
        paths = menu_paths_in(message)
        self.assertEqual(len(paths), count, message)
        for path in paths:
            self.assertRealPath(path, message)
        self.assertNotIn("Settings > Invoicing", message)

    def test_menu_paths_of_the_documentation_exist(self):
        """Every "Service Contracts > ..." path of README.md, docs/*.md and
        readme/*.md is a menu of the app (or a block of its settings)."""
        root = Path(__file__).resolve().parent.parent
        files = [root / "README.md", *root.glob("docs/*.md"), *root.glob("readme/*.md")]
        checked = 0
        for file in files:
            for path in menu_paths_in(file.read_text()):
                self.assertRealPath(path, file.name)
                checked += 1
        self.assertGreaterEqual(checked, 8)
        self.assertIn(
            (
                "Service Contracts",
                "Reporting",
                "Prepaid Revenue",
                "Deferred Revenue Schedule",
            ),
            self.menu_paths,
        )

    def test_post_prepaid_entries_beside_create_invoices(self):
        root = self.env.ref(f"{MODULE}.menu_service_contract_root")
        post = self.env.ref(f"{MODULE}.menu_contract_revenue_post")
        periodic = self.env.ref(f"{MODULE}.menu_service_contract_periodic")
        create = self.env.ref(f"{MODULE}.menu_contract_invoice_create")
        # Under Periodic Activities, the menu right after Create Contract
        # Invoices (one entry, so the menu bar fits 1440 px).
        self.assertEqual(post.parent_id, periodic)
        self.assertEqual(periodic.parent_id, root)
        siblings = root.child_id.sorted(lambda m: (m.sequence, m.id))
        self.assertEqual(
            siblings[list(siblings).index(create) + 1],
            periodic,
            siblings.mapped("name"),
        )
        # The months recognised are those ended: the default is the last
        # day of the previous month.
        for today, until in (
            ("2026-03-15", date(2026, 2, 28)),
            ("2026-01-01", date(2025, 12, 31)),
            ("2026-07-31", date(2026, 6, 30)),
        ):
            with freeze_time(today):
                wizard = self.env["contract.revenue.post"].create({})
                self.assertEqual(wizard.until_date, until, today)

    def test_deferral_needs_an_account(self):
        company = self.env.company
        company.sci_deferred_revenue_account_id = False
        proposed = self.env.ref(f"account.{company.id}_deferred_revenue")
        self.assertEqual((proposed.code, proposed.name), ("212000", "Deferred Revenue"))
        self.assertEqual(company._sci_proposed_deferred_revenue_account(), proposed)
        # Switched on in Settings: the chart's account is proposed.
        settings = Form(self.env["res.config.settings"])
        settings.sci_defer_prepaid_revenue = True
        self.assertEqual(settings.sci_deferred_revenue_account_id, proposed)
        # Saved without one: refused, naming where to set it.
        with self.assertRaises(ValidationError) as refused:
            self.env["res.config.settings"].create({"sci_defer_prepaid_revenue": True})
        message = str(refused.exception)
        self.assertIn("212000 Deferred Revenue", message)
        self.assertMessagePaths(message)
        self.assertIn("> Prepaid Revenue", message)
        self.assertFalse(company.sci_defer_prepaid_revenue)

    def test_messages_name_the_real_menu_paths(self):
        company = self.env.company
        company.sci_deferred_revenue_account_id = False
        contract = self.env["contract.contract"].create(
            {
                "name": "SCI first hour",
                "partner_id": self.env["res.partner"].create({"name": "SCI P"}).id,
                "is_service_contract": True,
                "sci_defer_revenue": True,
            }
        )
        with self.assertRaises(UserError) as no_account:
            contract._sci_deferred_revenue_account()
        self.assertMessagePaths(str(no_account.exception))
        # A company without a miscellaneous journal (no chart installed).
        empty = self.env["res.company"].create({"name": "SCI No Journal"})
        with self.assertRaises(UserError) as no_journal:
            empty._sci_deferral_journal()
        self.assertMessagePaths(str(no_journal.exception))

    def test_nothing_offered_says_why(self):
        """A customer whose order is confirmed but not delivered: Get
        Shipment Lines offers nothing and says so, and says that opening it
        saved the new invoice."""
        customer = self.env["res.partner"].create(
            {"name": "SCI Waiting Customer", "is_company": True}
        )
        product = self.env["product.product"].create(
            {
                "name": "SCI Boxed Part",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
            }
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": 5,
                            "price_unit": 20,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": customer.id}
        )
        action = invoice.action_sci_get_shipment_lines()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(len(wizard.line_ids), 0)
        self.assertEqual(
            wizard.not_offered_note,
            "Nothing to offer for SCI Waiting Customer on this invoice:\n"
            f"- Not delivered yet: {order.name} (validate their deliveries "
            f"{order.picking_ids.name} in Inventory first).",
        )
        self.assertEqual(
            wizard.saved_invoice_note,
            f"The invoice was saved as a draft ({invoice.display_name}) to open "
            "this dialog. If you add nothing, you can delete it (Actions > Delete).",
        )
        # Delivered: offered, and nothing to explain.
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 5, "picked": True})
        picking.button_validate()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        self.assertEqual(len(wizard.line_ids), 1)
        self.assertFalse(wizard.not_offered_note)
        # Quantities in messages as the grid shows them.
        with wizard.line_ids.edit(0) as line:
            line.is_selected = True
            line.quantity = 7
        with self.assertRaisesRegex(
            ValidationError, r"7\.00 Units is more than the 5\.00 Units left"
        ):
            wizard.save()

    def test_nothing_offered_already_invoiced_or_other_company(self):
        customer = self.env["res.partner"].create(
            {"name": "SCI Served Customer", "is_company": True}
        )
        product = self.env["product.product"].create(
            {
                "name": "SCI Shelf Part",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
            }
        )

        def delivered_order(company):
            order = (
                self.env["sale.order"]
                .with_company(company)
                .create(
                    {
                        "partner_id": customer.id,
                        "company_id": company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": product.id,
                                    "product_uom_qty": 2,
                                    "price_unit": 30,
                                }
                            )
                        ],
                    }
                )
            )
            order.action_confirm()
            order.picking_ids.move_ids.write({"quantity": 2, "picked": True})
            order.picking_ids.button_validate()
            return order

        def note(invoice):
            action = invoice.action_sci_get_shipment_lines()
            wizard = Form(
                self.env[action["res_model"]].with_context(**action["context"])
            )
            self.assertEqual(len(wizard.line_ids), 0)
            return wizard.not_offered_note

        delivered_order(self.env.company)
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": customer.id}
        )
        action = invoice.action_sci_get_shipment_lines()
        wizard = Form(
            self.env[action["res_model"]].with_context(**action["context"])
        ).save()
        wizard.action_select_all()
        wizard.action_confirm()
        invoice.action_post()
        second = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": customer.id}
        )
        self.assertEqual(
            note(second),
            "Nothing to offer for SCI Served Customer on this invoice:\n"
            "- Everything shipped to SCI Served Customer is already invoiced.",
        )
        other = self.env["res.company"].create({"name": "SCI Other Company"})
        self.env.user.company_ids |= other
        delivered_order(other)
        self.assertEqual(
            note(second),
            "Nothing to offer for SCI Served Customer on this invoice:\n"
            "- Left to invoice in another company: SCI Other Company. Invoice "
            "them on an invoice of that company.",
        )

    def test_service_contract_form_has_no_blank_column(self):
        """OCA's Recurrence at line level? column and empty Date are not
        shown on a service contract (its invoice period says it); OCA's own
        contracts keep them."""
        for is_service, hidden in ((True, True), (False, False)):
            form = Form(
                self.env["contract.contract"].with_context(
                    default_contract_type="sale",
                    default_is_service_contract=is_service,
                    is_contract=1,
                ),
                view="contract.contract_contract_customer_form_view",
            )
            for name in ("line_recurrence", "date"):
                with self.subTest(service=is_service, field=name):
                    self.assertEqual(
                        bool(form._get_modifier(name, "invisible")), hidden
                    )

    def test_amount_per_period_before_save(self):
        """The contract form shows Amount per Period as lines are typed (OCA's
        form edits them through contract_line_fixed_ids)."""
        contract = Form(
            self.env["contract.contract"].with_context(
                default_contract_type="sale",
                default_is_service_contract=True,
                is_contract=1,
            ),
            view="contract.contract_contract_customer_form_view",
        )
        contract.name = "SCI Typed Contract"
        contract.partner_id = self.env["res.partner"].create({"name": "SCI Typist"})
        contract.invoice_period = "month"
        service = self.env["product.product"].create(
            {"name": "SCI Typed Service", "type": "service"}
        )
        with contract.contract_line_fixed_ids.new() as line:
            line.product_id = service
            line.quantity = 2
            line.price_unit = 100
        self.assertEqual(contract.amount_per_period, 200.0)
        self.assertEqual(contract.annual_amount, 2400.0)

    def test_sign_without_customer_names_the_forms_labels(self):
        """The web client names the required fields left empty by the field
        descriptions of get_views: Customer, as the customer form says, and
        not the Invoicing contact of another tab, filled from the customer."""
        Contract = self.env["contract.contract"]
        customer_form = self.env.ref("contract.contract_contract_customer_form_view")
        supplier_form = self.env.ref("contract.contract_contract_supplier_form_view")
        views = Contract.get_views([[customer_form.id, "form"]])
        self.assertEqual(
            views["models"]["contract.contract"]["fields"]["partner_id"]["string"],
            "Customer",
        )
        arch = views["views"]["form"]["arch"]
        self.assertRegex(
            arch, r'<field name="invoice_partner_id"[^>]* required="partner_id"'
        )
        views = Contract.get_views([[supplier_form.id, "form"]])
        self.assertEqual(
            views["models"]["contract.contract"]["fields"]["partner_id"]["string"],
            "Partner",
        )
