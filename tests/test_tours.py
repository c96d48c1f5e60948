# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, tagged

from odoo.addons.service_contract_invoicing.models.trusted_context import Trusted

from .test_delivered_services import TestDeliveredServicesBase
from .test_shipment_invoicing import TestShipmentInvoicingBase


@tagged("post_install", "-at_install")
class TestServiceContractTours(HttpCase):
    """Service contracts of the admin's company, due for invoicing: their next
    invoice date is 40 days ago. The tours open them in the web client, at
    1440 px wide unless a test says otherwise."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.ref("base.user_admin").company_id
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.service = cls.env["product.product"].create(
            {"name": "Tour Maintenance", "type": "service", "list_price": 100.0}
        )
        cls.date_start = fields.Date.context_today(cls.env.user) - relativedelta(
            days=40
        )

    @classmethod
    def _create_contract(
        cls, partner_name, name=None, line_name="Maintenance", partner=None, code=None
    ):
        partner = partner or cls.env["res.partner"].create(
            {"name": partner_name, "is_company": True}
        )
        contract = cls.env["contract.contract"].create(
            {
                "name": name or f"Contract {partner_name}",
                "code": code,
                "partner_id": partner.id,
                "contract_type": "sale",
                "is_service_contract": True,
                "company_id": cls.company.id,
                "journal_id": cls.journal.id,
                "date_start": cls.date_start,
                "invoice_period": "month",
                "recurring_invoicing_type": "pre-paid",
                "contract_line_ids": [
                    Command.create(
                        {
                            "name": line_name,
                            "product_id": cls.service.id,
                            "uom_id": cls.service.uom_id.id,
                            "price_unit": 100.0,
                            "quantity": 1.0,
                            "automatic_price": False,
                        }
                    )
                ],
            }
        )
        contract.action_sign()
        return contract

    def _invoices(self, contract):
        return (
            self.env["account.move.line"]
            .search([("contract_line_id", "in", contract.contract_line_ids.ids)])
            .move_id
        )

    def test_app_menu_tour(self):
        self.start_tour("/odoo", "sci_app_menu", login="admin")

    def test_lock_and_invoice_tour(self):
        """Locked: read-only; Open: the price is changed; Locked again and
        invoiced at the new price."""
        contract = self._create_contract("Tourlock Customer Ltd")
        self.assertEqual(contract.change_status, "locked")
        next_date = contract.recurring_next_date
        self.assertEqual(next_date, self.date_start)
        self.start_tour("/odoo", "service_contract_lock_and_invoice", login="admin")
        contract.invalidate_recordset()
        self.assertEqual(contract.change_status, "locked")
        self.assertEqual(contract.contract_line_ids.price_unit, 120.0)
        invoices = self._invoices(contract)
        self.assertTrue(invoices)
        self.assertEqual(set(invoices.mapped("state")), {"draft"})
        self.assertEqual(invoices.partner_id, contract.partner_id)
        self.assertEqual(
            set(
                invoices.invoice_line_ids.filtered("contract_line_id").mapped(
                    "price_unit"
                )
            ),
            {120.0},
        )
        self.assertGreater(contract.recurring_next_date, next_date)
        self.assertGreater(
            contract.recurring_next_date, fields.Date.context_today(contract)
        )

    def test_invoice_batch_tour(self):
        """Preview then Create Invoices, at 1440 px: the contracts', the
        customer's and the invoices' names are read in full in both lists
        (list_names.esm.js)."""
        self._check_invoice_batch_tour()

    def test_invoice_batch_tour_1920(self):
        self.browser_size = "1920x1080"
        self._check_invoice_batch_tour()

    def _check_invoice_batch_tour(self):
        # A customer's names as users write them: two contracts of one
        # customer, two monthly periods each to invoice (due 40 days ago).
        line_name = (
            "Maintenance of the Portland and Salem warehouses, 24/7 support,"
            " spare parts included"
        )
        alpha = self._create_contract(
            "Acme Corporation International",
            name="Acme - Maintenance Agreement 2026",
            line_name=line_name,
            code="SC-ACME-01",
        )
        alpha_2 = self._create_contract(
            None,
            name="Acme - Preventive Maintenance Warehouses",
            line_name=line_name,
            partner=alpha.partner_id,
            code="SC-ACME-02",
        )
        beta = self._create_contract("Tourbatch Beta Ltd")
        last_move = self.env["account.move"].search([], order="id desc", limit=1)
        self.start_tour("/odoo", "service_contract_invoice_batch", login="admin")
        invoices = self._invoices(alpha)
        self.assertEqual(len(invoices), 1)
        self.assertEqual(invoices.partner_id, alpha.partner_id)
        self.assertEqual(invoices.display_name, "Draft Invoice (SC-ACME-01)")
        self.assertGreater(alpha.recurring_next_date, self.date_start)
        self.assertEqual(len(self._invoices(alpha_2)), 1)
        self.assertFalse(self._invoices(beta))
        self.assertEqual(beta.recurring_next_date, self.date_start)
        # Only the filtered customer was invoiced by this run.
        created = self.env["account.move"].search([("id", ">", last_move.id)])
        self.assertEqual(created, invoices | self._invoices(alpha_2))

    def test_deferred_revenue_tour(self):
        deferred = self.env["account.account"].create(
            {
                "name": "Tour Deferred Contract Revenue",
                "code": "SCIDEF1",
                "account_type": "liability_current",
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        self.company.write(
            {
                "sci_defer_prepaid_revenue": True,
                "sci_deferred_revenue_account_id": deferred.id,
            }
        )
        contract = self._create_contract("Tourdefer Customer Ltd")
        contract.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"invoice_period": "year", "is_service_contract": True})
        contract.contract_line_ids.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"price_unit": 1200.0})
        self.assertTrue(contract.sci_defer_revenue)
        self.start_tour(
            "/odoo/action-service_contract_invoicing.contract_contract_service_action/"
            f"{contract.id}",
            "sci_contract_revenue_schedule",
            login="admin",
            # Invoices, posts and recognises: more than a minute on a busy
            # machine.
            timeout=180,
        )
        rows = self.env["contract.revenue.schedule"].search(
            [("contract_id", "=", contract.id)]
        )
        # A month a row, the partial first and last months included.
        self.assertEqual(len(rows), 12 if self.date_start.day == 1 else 13)
        self.assertAlmostEqual(sum(rows.mapped("amount")), 1200.0, places=2)
        recognised = rows.filtered(lambda row: row.state == "recognised")
        self.assertTrue(recognised)
        self.assertEqual(len(recognised.recognition_move_id), 1)
        self.assertEqual(recognised.recognition_move_id.state, "posted")
        self.assertEqual(
            recognised.recognition_move_id.line_ids.filtered(
                lambda line: line.account_id == deferred
            ).debit,
            sum(recognised.mapped("amount")),
        )


@tagged("post_install", "-at_install")
class TestShipmentsToInvoiceTour(HttpCase, TestShipmentInvoicingBase):
    def test_shipments_to_invoice_tour(self):
        self.p1.name = "SCITOUR-P1"
        self.p2.name = "SCITOUR-P2"
        self.p1b.name = "SCITOUR-P1B"
        self.p2_return.name = "SCITOUR-RET"
        last_move = self.env["account.move"].search([], order="id desc", limit=1)
        self.start_tour("/odoo", "sci_shipments_to_invoice", login="admin")
        invoice = self.env["account.move"].search([("id", ">", last_move.id)])
        self.assertEqual(len(invoice), 1)
        self.assertEqual(
            (invoice.state, invoice.move_type, invoice.partner_id),
            ("draft", "out_invoice", self.customer),
        )
        self.assertEqual(invoice.invoice_line_ids.sci_stock_move_ids, self.move_p2_a)
        self.assertEqual(invoice.invoice_line_ids.quantity, 2.0)


@tagged("post_install", "-at_install")
class TestShipmentGoodsAndServiceTour(HttpCase, TestDeliveredServicesBase):
    def test_goods_and_service_tour(self):
        """One delivery line and one delivered service, from two orders, on
        one invoice, posted."""
        invoice = self._new_invoice()
        self.p2.name = "SCITOUR-P2"
        self.start_tour(
            f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}",
            "sci_shipment_goods_and_service",
            login="admin",
        )
        self.assertEqual(invoice.state, "posted")
        goods = invoice.invoice_line_ids.filtered("sci_stock_move_ids")
        service = invoice.invoice_line_ids - goods
        self.assertEqual(goods.sci_stock_move_ids, self.move_p2_a)
        self.assertEqual(goods.sale_line_ids, self.so2.order_line)
        self.assertTrue(service.sci_is_delivered_service)
        self.assertEqual(service.sale_line_ids, self.service_line)
        self.assertEqual(service.quantity, 4.0)
        self.assertEqual(self.p2.sci_invoice_status, "invoiced")
        self.assertEqual(self.so2.order_line.qty_invoiced, 2.0)
        self.assertEqual(self.service_line.qty_invoiced, 4.0)
        self.assertEqual(
            invoice.line_ids.sale_line_ids.order_id, self.so2 | self.so_service
        )
        self.assertEqual(
            len(
                self.env["service.ledger.entry"].search(
                    [("invoice_id", "=", invoice.id)]
                )
            ),
            2,
        )
