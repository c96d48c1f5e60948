# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import date

from odoo.tests import tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestInvoicingForecast(ServiceContractCommon):
    """The Invoicing Forecast of 2026, month by month, from the engine's
    periods."""

    def test_forecast_month_by_month(self):
        # Quarterly in arrears from 1 January, 300.00 a quarter, Open:
        # invoiced on the quarters' last days.
        quarterly = self._create_contract(
            name="Quarterly",
            invoice_period="quarter",
            invoicing_type="post-paid",
            price=300.0,
        )
        quarterly.action_open_changes()
        # Calendar-aligned quarters, prepaid, from 15 February, 900.00 a
        # quarter: the first period 15 February - 31 March is 45 of Q1's 90
        # days, 450.00, invoiced on 15 February; then each quarter's 1st.
        aligned = self._create_contract(
            name="Aligned",
            date_start="2026-02-15",
            invoice_period="quarter",
            align_to_calendar=True,
            price=900.0,
        )
        # Yearly, prepaid from 1 April, revenue deferred: invoiced in full on
        # 1 April (the forecast is what is invoiced, not what is recognised).
        deferred = self._create_contract(
            name="Deferred",
            date_start="2026-04-01",
            invoice_period="year",
            price=1200.0,
            sci_defer_revenue=True,
        )
        # A plain OCA contract is not a service contract: not in the forecast.
        plain = self._create_contract(
            name="Plain", sign=False, is_service_contract=False
        )
        forecast = self.env["contract.invoicing.forecast"].create(
            {"date_from": date(2026, 1, 1), "date_to": date(2026, 12, 31)}
        )
        action = forecast.action_show_forecast()
        rows = self.env["contract.invoicing.forecast.line"].search(action["domain"])
        ours = quarterly | aligned | deferred
        self.assertFalse(rows.filtered(lambda r: r.contract_id == plain))
        rows = rows.filtered(lambda r: r.contract_id in ours)
        by_contract = defaultdict(list)
        for row in rows.sorted("date"):
            by_contract[row.contract_id.name].append(
                (str(row.date), str(row.period_start), str(row.period_end), row.amount)
            )
        self.assertEqual(
            by_contract["Quarterly"],
            [
                ("2026-03-31", "2026-01-01", "2026-03-31", 300.0),
                ("2026-06-30", "2026-04-01", "2026-06-30", 300.0),
                ("2026-09-30", "2026-07-01", "2026-09-30", 300.0),
                ("2026-12-31", "2026-10-01", "2026-12-31", 300.0),
            ],
        )
        self.assertEqual(
            by_contract["Aligned"],
            [
                ("2026-02-15", "2026-02-15", "2026-03-31", 450.0),
                ("2026-04-01", "2026-04-01", "2026-06-30", 900.0),
                ("2026-07-01", "2026-07-01", "2026-09-30", 900.0),
                ("2026-10-01", "2026-10-01", "2026-12-31", 900.0),
            ],
        )
        self.assertEqual(
            by_contract["Deferred"],
            [("2026-04-01", "2026-04-01", "2027-03-31", 1200.0)],
        )
        months = defaultdict(float)
        for row in rows:
            months[row.date.month] += row.amount
        self.assertEqual(
            dict(months),
            {
                2: 450.0,
                3: 300.0,
                4: 2100.0,
                6: 300.0,
                7: 900.0,
                9: 300.0,
                10: 900.0,
                12: 300.0,
            },
        )
        # Open and Locked contracts told apart.
        self.assertEqual(
            set(rows.filtered(lambda r: r.change_status == "open").contract_id),
            {quarterly},
        )
        self.assertEqual(
            sum(rows.filtered(lambda r: r.change_status == "locked").mapped("amount")),
            4350.0,
        )
        # The forecast is what Create Contract Invoices invoices: the aligned
        # contract's first invoice is the forecast's 450.00.
        result = self.env["service.contract.invoicing"].run(
            aligned, posting_date=date(2026, 2, 15), invoice_to_date=date(2026, 2, 15)
        )
        self.assertEqual(result.moves.amount_untaxed, 450.0)
