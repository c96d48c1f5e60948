# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What keeps the screens of a big database fast (tools/benchmark_bigdb):
queries that do not grow with the rows shown, work done once, indexes."""

from datetime import date
from unittest.mock import patch

import babel.dates

from odoo.tests import tagged

from . import test_shipment_invoicing
from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestBigDatabaseContracts(ServiceContractCommon):
    # The fields of the Service Contracts list.
    LIST_SPEC = {
        "name": {},
        "partner_id": {"fields": {"display_name": {}}},
        "invoice_period": {},
        "recurring_next_date": {},
        "next_period_date_start": {},
        "next_period_date_end": {},
        "amount_per_period": {},
        "annual_amount": {},
    }

    def _read_list(self, contracts):
        """The list's rows of ``contracts`` and the queries they took."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        records = self.env["contract.contract"].web_search_read(
            [("id", "in", contracts.ids)], self.LIST_SPEC, order="id"
        )["records"]
        return records, self.env.cr.sql_log_count - before

    def test_contract_list_queries_do_not_grow(self):
        """Next period and amounts of a page of contracts are read at once:
        the same queries for one contract as for four (it was one query more
        per contract)."""
        one = self._create_contract(name="List 1", price=100.0)
        four = one
        for index, period in enumerate(("quarter", "year", "month")):
            four |= self._create_contract(
                name=f"List {index + 2}",
                invoice_period=period,
                price=50.0,
                align_to_calendar=period == "quarter",
                date_start="2026-02-10",
            )
        self._read_list(one)
        __, one_queries = self._read_list(one)
        records, four_queries = self._read_list(four)
        self.assertEqual(four_queries, one_queries)
        # Monthly from 1 January, 100.00 a month.
        self.assertEqual(records[0]["next_period_date_start"], date(2026, 1, 1))
        self.assertEqual(records[0]["next_period_date_end"], date(2026, 1, 31))
        self.assertEqual(records[0]["annual_amount"], 1200.0)
        # Quarterly aligned from 10 February: a first period to 31 March;
        # 50.00 a quarter, 200.00 a year.
        self.assertEqual(records[1]["next_period_date_start"], date(2026, 2, 10))
        self.assertEqual(records[1]["next_period_date_end"], date(2026, 3, 31))
        self.assertEqual(records[1]["annual_amount"], 200.0)
        # Yearly from 10 February: to 9 February next year, 50.00 a year.
        self.assertEqual(records[2]["next_period_date_end"], date(2027, 2, 9))
        self.assertEqual(records[2]["annual_amount"], 50.0)

    def test_partial_indexes(self):
        """Shipments left to invoice and periods freed by cancelled invoices
        are found through partial indexes, not by reading every move."""
        self.env.cr.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE indexname IN "
            "('stock_move_sci_to_invoice_index', "
            "'account_move_line_sci_cancelled_period_index')"
        )
        indexes = dict(self.env.cr.fetchall())
        self.assertIn(
            "WHERE (sci_is_shipment AND (sci_qty_to_invoice > ",
            indexes["stock_move_sci_to_invoice_index"],
        )
        self.assertIn(
            "WHERE (((parent_state)::text = 'cancel'::text)",
            indexes["account_move_line_sci_cancelled_period_index"],
        )

    def test_ledger_pivot_formats_each_month_once(self):
        """The Service Ledger Entries pivot (contract x month): each month is
        formatted once, not once per contract and month (110,088 groups at
        10x took about 2.4 s of CPU to format), with the labels, ranges and
        domains Odoo gives."""
        contracts = self.env["contract.contract"]
        for name in ("Pivot A", "Pivot B", "Pivot C"):
            contracts |= self._create_contract(name=name, sign=False)
        self.env["service.ledger.entry"]._sci_create(
            [
                {
                    "date": day,
                    "entry_type": "sale",
                    "event": "post",
                    "contract_id": contract.id,
                    "amount": amount,
                    "currency_id": self.env.company.currency_id.id,
                    "company_id": self.env.company.id,
                }
                for contract, day, amount in (
                    (contracts[0], "2026-01-10", 100.0),
                    (contracts[0], "2026-02-05", 40.0),
                    (contracts[0], "2026-02-25", 60.0),
                    (contracts[1], "2026-01-31", 30.0),
                    (contracts[2], "2026-02-01", 20.0),
                    (contracts[2], "2026-02-28", 25.0),
                )
            ]
        )
        domain = [("contract_id", "in", contracts.ids)]
        with patch("babel.dates.format_date", wraps=babel.dates.format_date) as spy:
            groups = self.env["service.ledger.entry"].read_group(
                domain, ["amount:sum"], ["source_name", "date:month"], lazy=False
            )
        # Four groups, two months: two labels formatted (four before).
        self.assertEqual(spy.call_count, 2)
        months = {
            "January 2026": ("2026-01-01", "2026-02-01"),
            "February 2026": ("2026-02-01", "2026-03-01"),
        }
        self.assertEqual(
            [
                (
                    group["source_name"],
                    group["date:month"],
                    group["__count"],
                    group["amount"],
                )
                for group in groups
            ],
            [
                ("Pivot A", "January 2026", 1, 100.0),
                ("Pivot A", "February 2026", 2, 100.0),
                ("Pivot B", "January 2026", 1, 30.0),
                ("Pivot C", "February 2026", 2, 45.0),
            ],
        )
        for group in groups:
            start, end = months[group["date:month"]]
            self.assertEqual(
                group["__range"], {"date:month": {"from": start, "to": end}}
            )
            self.assertEqual(
                group["__domain"],
                [
                    "&",
                    "&",
                    ("contract_id", "in", contracts.ids),
                    ("source_name", "=", group["source_name"]),
                    "&",
                    ("date", ">=", start),
                    ("date", "<", end),
                ],
            )


@tagged("post_install", "-at_install")
class TestBigDatabaseShipments(test_shipment_invoicing.TestShipmentInvoicingBase):
    def test_get_shipment_lines_read_once(self):
        """Opening Get Shipment Lines reads the customer's lines once (a new
        wizard used to read them again for each of its five filters), and a
        filter read them once more."""
        Wizard = type(self.env["service.shipment.line.select"])
        with patch.object(
            Wizard,
            "_prepare_line_values",
            autospec=True,
            side_effect=Wizard._prepare_line_values,
        ) as spy:
            wizard_form = self._wizard_form(self._new_invoice())
            self.assertEqual(spy.call_count, 1)
            # P1: A x6, B x5; P2: A x3 less one returned.
            self.assertEqual(
                self._offered(wizard_form),
                {
                    (self.p1.name, "SCI Widget"): 6.0,
                    (self.p1.name, "SCI Gadget"): 5.0,
                    (self.p2.name, "SCI Widget"): 2.0,
                },
            )
            wizard_form.sale_order_id = self.so2
            self.assertEqual(spy.call_count, 2)
            self.assertEqual(
                self._offered(wizard_form), {(self.p2.name, "SCI Widget"): 2.0}
            )
