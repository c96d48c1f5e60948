# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
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
