# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo.tests import TransactionCase, tagged

MODULE = "service_contract_invoicing"


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def ref_demo(self, xmlid):
        return self.env.ref(f"{MODULE}.{xmlid}")

    def test_dependencies_installed(self):
        modules = self.env["ir.module.module"].search(
            [("name", "in", ["contract", "sale_stock", "service_contract_invoicing"])]
        )
        self.assertEqual(
            sorted(modules.mapped("name")),
            ["contract", "sale_stock", "service_contract_invoicing"],
        )
        self.assertEqual(set(modules.mapped("state")), {"installed"})

    def test_groups(self):
        manager = self.env.ref(
            "service_contract_invoicing.group_service_contract_manager"
        )
        user = self.env.ref("service_contract_invoicing.group_service_contract_user")
        self.assertIn(user, manager.implied_ids)
        self.assertIn(self.env.ref("base.user_admin"), manager.users)

    def test_admin_is_manager(self):
        admin = self.env.ref("base.user_admin")
        self.assertTrue(
            admin.has_group(f"{MODULE}.group_service_contract_manager"), admin.login
        )
        self.assertTrue(admin.has_group(f"{MODULE}.group_service_contract_user"))
        self.assertEqual(
            self.env.ref(f"{MODULE}.group_service_contract_manager").category_id,
            self.env.ref(f"{MODULE}.module_category_service_contract"),
        )

    # Registered: the models, menus and scheduled actions the addon relies on,
    # and whatever the addon itself declares (its own models and menus).

    def test_models_registered(self):
        for model in [
            "contract.contract",
            "contract.line",
            "sale.order",
            "stock.picking",
            "account.move",
        ]:
            self.assertIn(model, self.env.registry, model)
        own_models = self.env["ir.model"].search([("modules", "ilike", MODULE)])
        for model in own_models:
            self.assertIn(model.model, self.env.registry, model.model)

    def test_menus_registered(self):
        self.assertTrue(self.env.ref("contract.menu_contract_contract_customer").action)
        # One scheduled action invoices contracts: the addon's (OCA's is
        # deactivated at install, see test_one_owner).
        self.assertFalse(self.env.ref("contract.contract_cron_for_invoice").active)
        self.assertTrue(
            self.env.ref(f"{MODULE}.service_contract_invoicing_cron").active
        )
        own_menus = self.env["ir.model.data"].search(
            [("module", "=", MODULE), ("model", "=", "ir.ui.menu")]
        )
        for data in own_menus:
            menu = self.env["ir.ui.menu"].browse(data.res_id)
            self.assertTrue(menu.exists(), data.complete_name)
            self.assertTrue(menu.action or menu.child_id, data.complete_name)

    # Demo data.

    def test_demo_partners(self):
        for xmlid in [
            "partner_demo_acme",
            "partner_demo_bluewater",
            "partner_demo_northwind",
        ]:
            partner = self.ref_demo(xmlid)
            self.assertTrue(partner.is_company, xmlid)
            self.assertTrue(partner.street and partner.city and partner.zip, xmlid)
            self.assertEqual(partner.country_id, self.env.ref("base.us"), xmlid)
        contact = self.ref_demo("partner_demo_acme_contact")
        self.assertEqual(
            contact.commercial_partner_id, self.ref_demo("partner_demo_acme")
        )

    def test_demo_products(self):
        for xmlid in [
            "product_demo_maintenance",
            "product_demo_support_hours",
            "product_demo_hosting",
            "product_demo_backup",
        ]:
            self.assertEqual(self.ref_demo(xmlid).type, "service", xmlid)
        for xmlid in ["product_demo_router", "product_demo_ups"]:
            product = self.ref_demo(xmlid)
            self.assertEqual(product.type, "consu", xmlid)
            self.assertTrue(product.is_storable, xmlid)
            self.assertEqual(product.invoice_policy, "delivery", xmlid)

    def test_demo_contracts(self):
        # xmlid: (rule, interval, invoicing type, next invoice after start)
        expected = {
            "contract_demo_acme_maintenance": ("monthly", 1, "pre-paid", {}),
            "contract_demo_acme_support": ("monthly", 2, "post-paid", {"months": 2}),
            "contract_demo_bluewater_hosting": ("quarterly", 1, "pre-paid", {}),
            "contract_demo_northwind_support": ("yearly", 1, "post-paid", {"years": 1}),
        }
        for xmlid, (rule, interval, invoicing, delta) in expected.items():
            contract = self.ref_demo(xmlid)
            self.assertEqual(contract.contract_type, "sale", xmlid)
            self.assertEqual(
                (
                    contract.recurring_rule_type,
                    contract.recurring_interval,
                    contract.recurring_invoicing_type,
                ),
                (rule, interval, invoicing),
                xmlid,
            )
            self.assertTrue(contract.contract_line_ids, xmlid)
            for line in contract.contract_line_ids:
                # The lines follow the contract's recurrence and start date.
                self.assertEqual(
                    (
                        line.recurring_rule_type,
                        line.recurring_interval,
                        line.recurring_invoicing_type,
                        line.date_start,
                    ),
                    (rule, interval, invoicing, contract.date_start),
                    line.name,
                )
                self.assertEqual(line.product_id.type, "service", line.name)
                self.assertGreater(line.price_subtotal, 0, line.name)
            if invoicing == "post-paid" and contract.is_service_contract:
                # service contracts in arrears: on the period's last day
                delta = dict(delta, days=-1)
            self.assertEqual(
                contract.recurring_next_date,
                contract.date_start + relativedelta(**delta),
                xmlid,
            )
        partner_contracts = self.env["contract.contract"].search(
            [("partner_id", "=", self.ref_demo("partner_demo_acme").id)]
        )
        self.assertEqual(len(partner_contracts), 2)

    def test_demo_shipments_delivered_not_invoiced(self):
        acme = self.ref_demo("partner_demo_acme")
        orders = self.ref_demo("sale_order_demo_acme_1") | self.ref_demo(
            "sale_order_demo_acme_2"
        )
        for order in orders:
            self.assertEqual(order.partner_id, acme, order.name)
            self.assertEqual(order.state, "sale", order.name)
            self.assertFalse(order.invoice_ids, order.name)
            self.assertEqual(order.invoice_status, "to invoice", order.name)
            for line in order.order_line:
                self.assertTrue(line.product_id.is_storable, line.name)
                self.assertEqual(line.qty_delivered, line.product_uom_qty, line.name)
                self.assertEqual(line.qty_invoiced, 0, line.name)
        pickings = self.env["stock.picking"].search(
            [
                ("sale_id", "in", orders.ids),
                ("picking_type_code", "=", "outgoing"),
                ("state", "=", "done"),
            ]
        )
        self.assertEqual(len(pickings), 2)
        self.assertEqual(pickings.partner_id, acme)
        self.assertEqual(set(pickings.move_ids.mapped("state")), {"done"})
