# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import json
from collections import Counter
from contextlib import ExitStack, contextmanager
from datetime import date

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.tests import TransactionCase

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.service_contract_invoicing.models.trusted_context import Trusted


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
    def _cancel_other_contracts(cls):
        """Contracts already in the database (demo data) must not disturb the
        counts of a test: cancelled, as only trusted code may write it."""
        cls.env["contract.contract"].search([]).with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"contract_state": "cancelled"})

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
            # Lines OCA invoiced (before the install, or of OCA's contracts)
            # have no period of this addon: first, in their order.
            .sorted(lambda line: (line.sci_period_start or date.min, line.id))
        )

    def _periods(self, contract):
        return [
            (
                fields.Date.to_string(line.sci_period_start),
                fields.Date.to_string(line.sci_period_end),
            )
            for line in self._invoice_lines(contract)
        ]


class CommittedDataCase(TransactionCase):
    """Tests on several real database connections (each its own transaction,
    REPEATABLE READ as Odoo's): data is committed by separate cursors (the
    test cursor never commits) and removed again in cleanup."""

    @contextmanager
    def _committed_env(self):
        """A superuser environment on a new cursor, committed on exit."""
        with self.registry.cursor() as cr:
            yield api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})

    @contextmanager
    def _two_envs(self):
        """Two superuser environments on two new cursors (two users): each
        commits or rolls back itself; what is left is committed on exit."""
        with ExitStack() as stack:
            yield tuple(
                api.Environment(
                    stack.enter_context(self.registry.cursor()), SUPERUSER_ID, {}
                )
                for __ in range(2)
            )


class CommittedContractsCase(CommittedDataCase):
    """``CONTRACTS`` signed monthly service contracts from 1 January 2026,
    committed, of a customer of their own; removed with their invoices and
    invoicing runs in cleanup."""

    CONTRACTS = 3
    NAME = "Committed"

    def setUp(self):
        super().setUp()
        with self._committed_env() as env:
            company = env.ref("base.main_company")
            journal = env["account.journal"].search(
                [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
            )
            partner = env["res.partner"].create({"name": f"{self.NAME} Customer"})
            product = env["product.product"].create(
                {"name": f"{self.NAME} Service", "type": "service"}
            )
            contracts = env["contract.contract"].create(
                [
                    {
                        "name": f"{self.NAME} {index}",
                        "contract_type": "sale",
                        "is_service_contract": True,
                        "partner_id": partner.id,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "date_start": "2026-01-01",
                        "invoice_period": "month",
                        "contract_line_ids": [
                            Command.create(
                                {
                                    "name": "Service",
                                    "product_id": product.id,
                                    "uom_id": product.uom_id.id,
                                    "price_unit": 10.0,
                                    "automatic_price": False,
                                }
                            )
                        ],
                    }
                    for index in range(self.CONTRACTS)
                ]
            )
            contracts.action_sign()
            self.contract_ids = contracts.ids
            self.partner_id = partner.id
            self.product_id = product.id
            self.journal_id = journal.id
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self._committed_env() as env:
            contracts = env["contract.contract"].browse(self.contract_ids)
            moves = (
                env["account.move.line"]
                .search([("contract_line_id", "in", contracts.contract_line_ids.ids)])
                .move_id
            )
            moves |= env["account.move"].search([("partner_id", "=", self.partner_id)])
            moves.unlink()
            env["contract.invoicing.run"].search(
                [("line_ids.contract_id", "in", contracts.ids)]
            ).unlink()
            contracts.with_context(
                sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
            ).unlink()
            env["product.product"].browse(self.product_id).unlink()
            env["res.partner"].browse(self.partner_id).unlink()

    def _invoiced_periods(self):
        """{(contract line id, period start): invoice lines} of the
        contracts' invoices not cancelled, as committed."""
        with self.registry.cursor() as cr:
            cr.execute(
                """
                SELECT aml.contract_line_id, aml.sci_period_start
                  FROM account_move_line aml
                  JOIN contract_line cl ON cl.id = aml.contract_line_id
                 WHERE cl.contract_id IN %s AND aml.parent_state != 'cancel'
                """,
                [tuple(self.contract_ids)],
            )
            return Counter(cr.fetchall())


def call_kw(case, model, method, args=(), kwargs=None):
    """``model.method(*args, **kwargs)`` over JSON-RPC as the web client calls
    it (``/web/dataset/call_kw``), as the user ``case`` (an HttpCase)
    authenticated: the decoded reply, ``result`` or ``error``."""
    response = case.url_open(
        "/web/dataset/call_kw",
        data=json.dumps(
            {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": model,
                    "method": method,
                    "args": list(args),
                    "kwargs": kwargs or {},
                },
            }
        ),
        headers={"Content-Type": "application/json"},
    )
    return response.json()
