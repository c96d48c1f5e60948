# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from odoo.tests import Form, tagged

from .common import ServiceContractCommon

REPORT = "service_contract_invoicing.invoicing_test_report"


@tagged("post_install", "-at_install")
class TestContractInvoicingTestReport(ServiceContractCommon):
    """The test report of Create Contract Invoices: two combinable contracts
    of one customer on one invoice, a contract of a second customer on its
    own, an Open contract skipped; monthly, prepaid, from 1 January 2026,
    invoiced up to 1 February 2026 (January and February, catch-up). Tax:
    15% (tax_sale_a), rounded per line."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.contract_a = cls._create_contract(
            name="Maintenance", price=100.0, combine_invoices=True
        )
        cls.contract_b = cls._create_contract(
            name="Hotline", price=33.33, quantity=3.0, combine_invoices=True
        )
        cls.contract_c = cls._create_contract(
            name="Monitoring", partner=cls.customer_b, price=19.99
        )
        cls.contract_d = cls._create_contract(
            name="Backup", partner=cls.customer_b, price=50.0
        )
        cls.contract_d.action_open_changes()

    def _wizard(self, run_action):
        with Form(self.env["contract.invoice.create"]) as form:
            form.posting_date = date(2026, 2, 1)
            form.invoice_to_date = date(2026, 2, 1)
            form.run_action = run_action
        wizard = form.record
        wizard.partner_ids = self.customer | self.customer_b
        return wizard

    def test_report_totals_are_the_created_invoices(self):
        wizard = self._wizard("preview")
        wizard.action_run()
        # (An administrator of a company without a document layout is first
        # asked to choose one, as for every Odoo report.)
        action = wizard.with_context(discard_logo_check=True).action_print_test_report()
        self.assertEqual(action["report_name"], REPORT)
        run = self.env[f"report.{REPORT}"]._get_report_values(wizard.ids)["runs"][
            wizard.id
        ]
        invoices = run["invoices"]
        # A and B combined: 2 x 100.00 + 2 x 99.99 = 399.98, taxes 4 lines of
        # 15.00 (14.9985 rounded) = 60.00. C: 2 x 19.99 = 39.98, taxes 2 x
        # 3.00 (2.9985 rounded) = 6.00.
        self.assertEqual(
            [
                (inv["partner"], inv["untaxed"], inv["tax"], inv["total"])
                for inv in invoices
            ],
            [
                (self.customer_b, 39.98, 6.0, 45.98),
                (self.customer, 399.98, 60.0, 459.98),
            ],
        )
        self.assertEqual(
            [
                (row["contract"], str(row["period_start"]), row["untaxed"], row["tax"])
                for row in invoices[1]["rows"]
            ],
            [
                (self.contract_a, "2026-01-01", 100.0, 15.0),
                (self.contract_a, "2026-02-01", 100.0, 15.0),
                (self.contract_b, "2026-01-01", 99.99, 15.0),
                (self.contract_b, "2026-02-01", 99.99, 15.0),
            ],
        )
        [total] = run["totals"]
        self.assertEqual(
            (total["count"], total["untaxed"], total["tax"], total["total"]),
            (2, 439.96, 66.0, 505.96),
        )
        self.assertEqual(
            [(contract, reason) for contract, reason in run["skipped"]],
            [(self.contract_d, "change status is Open")],
        )
        # The PDF, through Odoo's report engine (wkhtmltopdf), and its text.
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, wizard.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html(REPORT, wizard.ids)[0]
            .decode()
        )
        for text in ("459.98", "45.98", "505.96", "change status is Open"):
            self.assertIn(text, html)
        # Create Invoices with the same filters and dates makes exactly that.
        created = self._wizard("create")
        created.action_run()
        moves = created.move_ids.sorted(lambda m: m.partner_id != self.customer_b)
        self.assertEqual(
            [
                (m.partner_id, m.amount_untaxed, m.amount_tax, m.amount_total)
                for m in moves
            ],
            [
                (inv["invoice_partner"], inv["untaxed"], inv["tax"], inv["total"])
                for inv in invoices
            ],
        )
        self.assertEqual(
            moves.currency_id.round(sum(moves.mapped("amount_total"))), total["total"]
        )
