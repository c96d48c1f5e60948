# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command, fields

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class ServiceContractCommon(AccountTestInvoicingCommon):
    """Fixtures shared by the contract and batch invoicing tests."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.customer = cls.env["res.partner"].create(
            {"name": "Service Customer", "is_company": True}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Second Customer", "is_company": True}
        )
        cls.service = cls._create_product(
            name="Monthly Maintenance",
            type="service",
            lst_price=100.0,
            taxes_id=[Command.set(cls.tax_sale_a.ids)],
        )
        cls.sale_journal = cls.company_data["default_journal_sale"]

    @classmethod
    def _create_contract(
        cls,
        partner=None,
        date_start="2026-01-01",
        invoice_period="month",
        invoicing_type="pre-paid",
        price=100.0,
        quantity=1.0,
        sign=True,
        lines=None,
        **values,
    ):
        partner = partner or cls.customer
        # Contracts of these tests follow the service contract rules.
        values.setdefault("is_service_contract", True)
        line_values = (
            lines
            if lines is not None
            else [
                {
                    "product_id": cls.service.id,
                    "price_unit": price,
                    "quantity": quantity,
                }
            ]
        )
        contract = cls.env["contract.contract"].create(
            {
                "name": f"Contract {partner.name}",
                "partner_id": partner.id,
                "contract_type": "sale",
                "is_service_contract": True,
                "journal_id": cls.sale_journal.id,
                "date_start": date_start,
                "invoice_period": invoice_period,
                "recurring_invoicing_type": invoicing_type,
                "contract_line_ids": [
                    Command.create(
                        dict(
                            {
                                "name": "Maintenance",
                                "uom_id": cls.service.uom_id.id,
                                "automatic_price": False,
                            },
                            **vals,
                        )
                    )
                    for vals in line_values
                ],
                **values,
            }
        )
        if sign:
            contract.action_sign()
        return contract

    def _invoice_lines(self, contract):
        return (
            self.env["account.move.line"]
            .search([("contract_line_id", "in", contract.contract_line_ids.ids)])
            .sorted(lambda line: (line.sci_period_start, line.id))
        )

    def _periods(self, contract):
        return [
            (
                fields.Date.to_string(line.sci_period_start),
                fields.Date.to_string(line.sci_period_end),
            )
            for line in self._invoice_lines(contract)
        ]
