# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The period arithmetic (models/contract_period.py): pure functions, checked
with dates worked out by hand, no database."""

from datetime import date

from odoo.tests import BaseCase, tagged

from odoo.addons.service_contract_invoicing.models.contract_period import (
    calendar_fraction,
    period_bounds,
    recurrence_months,
    service_period,
    service_period_months,
)


@tagged("post_install", "-at_install")
class TestContractPeriod(BaseCase):
    def test_period_bounds_calendar(self):
        day = date(2026, 3, 17)
        self.assertEqual(period_bounds(day, 1), (date(2026, 3, 1), date(2026, 3, 31)))
        # Two months: Jan-Feb, Mar-Apr, ...
        self.assertEqual(period_bounds(day, 2), (date(2026, 3, 1), date(2026, 4, 30)))
        self.assertEqual(period_bounds(day, 3), (date(2026, 1, 1), date(2026, 3, 31)))
        self.assertEqual(period_bounds(day, 6), (date(2026, 1, 1), date(2026, 6, 30)))
        self.assertEqual(period_bounds(day, 12), (date(2026, 1, 1), date(2026, 12, 31)))

    def test_period_bounds_anchored(self):
        # Anchored on 31 January: 28 February (clamped) to 30 March, then 31
        # March again (no drift).
        anchor = date(2026, 1, 31)
        self.assertEqual(
            period_bounds(date(2026, 3, 17), 1, anchor),
            (date(2026, 2, 28), date(2026, 3, 30)),
        )
        self.assertEqual(
            period_bounds(date(2026, 3, 31), 1, anchor),
            (date(2026, 3, 31), date(2026, 4, 29)),
        )
        # Quarters from 15 February: 15 Nov 2025 - 14 Feb 2026 holds 1 Jan.
        self.assertEqual(
            period_bounds(date(2026, 1, 1), 3, date(2026, 2, 15)),
            (date(2025, 11, 15), date(2026, 2, 14)),
        )

    def test_service_period(self):
        first = date(2026, 1, 15)
        # In arrears: to the end of the calendar quarter, invoiced on its last day.
        self.assertEqual(
            service_period(first, 3, None, None, False),
            (first, date(2026, 3, 31), date(2026, 3, 31)),
        )
        # Prepaid, 2 days' offset: invoiced on its first day + 2.
        self.assertEqual(
            service_period(first, 3, None, None, True, offset=2),
            (first, date(2026, 3, 31), date(2026, 1, 17)),
        )
        # The contract's end cuts the period.
        self.assertEqual(
            service_period(first, 3, None, date(2026, 2, 10), False),
            (first, date(2026, 2, 10), date(2026, 2, 10)),
        )
        # A next invoice date set by hand, in arrears: the period ends on it.
        self.assertEqual(
            service_period(
                first, 3, None, None, False, next_invoice_date=date(2026, 2, 15)
            ),
            (first, date(2026, 2, 15), date(2026, 2, 15)),
        )
        # OCA's in-arrears date (the day after the period) keeps the period.
        self.assertEqual(
            service_period(
                first, 3, None, None, False, next_invoice_date=date(2026, 4, 1)
            ),
            (first, date(2026, 3, 31), date(2026, 4, 1)),
        )
        # Prepaid, set by hand in May: ends with the quarter holding it.
        self.assertEqual(
            service_period(
                first, 3, None, None, True, next_invoice_date=date(2026, 5, 4)
            ),
            (first, date(2026, 6, 30), date(2026, 5, 4)),
        )

    def test_calendar_fraction(self):
        self.assertAlmostEqual(
            calendar_fraction(date(2026, 3, 17), date(2026, 3, 31), 1), 15 / 31
        )
        self.assertAlmostEqual(
            calendar_fraction(date(2026, 3, 17), date(2026, 4, 30), 1), 15 / 31 + 1
        )
        self.assertAlmostEqual(
            calendar_fraction(date(2026, 1, 1), date(2026, 3, 31), 3), 1.0
        )
        # 1 Feb - 31 Mar of the first quarter: 28 + 31 of its 90 days.
        self.assertAlmostEqual(
            calendar_fraction(date(2026, 2, 1), date(2026, 3, 31), 3), 59 / 90
        )

    def test_months_of_a_recurrence(self):
        self.assertEqual(recurrence_months("quarterly", 2), 6)
        self.assertEqual(recurrence_months("weekly", 1), 0)
        self.assertEqual(recurrence_months("monthly", False), 0)
        self.assertEqual(service_period_months("monthly", 2), 2)
        self.assertEqual(service_period_months("semesterly", 1), 6)
        self.assertEqual(service_period_months("yearly", 1), 12)
        # Four months do not divide a year; days are not months.
        self.assertEqual(service_period_months("monthly", 4), 0)
        self.assertEqual(service_period_months("monthlylastday", 1), 0)
        self.assertEqual(service_period_months("daily", 30), 0)
