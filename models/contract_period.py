# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The period arithmetic of service contracts, in one place: pure functions
of dates and months, no database. The contract, its lines, the Invoice
Periods help page and the forecast all count periods with these (the lines
through contract.contract._sci_period_months)."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta

# Months per unit of the OCA recurrences that service contract periods use
# (monthlylastday, weekly and daily keep OCA's arithmetic).
MONTHS_PER_RULE = {"monthly": 1, "quarterly": 3, "semesterly": 6, "yearly": 12}
# Period lengths, in months, that service contract periods support: they
# divide a year, so calendar-aligned periods tile it.
SERVICE_PERIOD_MONTHS = (1, 2, 3, 6, 12)


def period_bounds(day, months, anchor=None):
    """(first, last) day of the invoice period of ``months`` months holding
    ``day``. Anchored on ``anchor``: period k starts on anchor + k periods
    (month ends clamped, so periods never drift). Without anchor, aligned to
    the calendar: months, Jan-Feb/Mar-Apr..., quarters, Jan-Jun/Jul-Dec, years.
    """
    if anchor is None:
        first = day.replace(month=(day.month - 1) // months * months + 1, day=1)
        return first, first + relativedelta(months=months, days=-1)
    index = ((day.year - anchor.year) * 12 + day.month - anchor.month) // months
    while anchor + relativedelta(months=index * months) > day:
        index -= 1
    while anchor + relativedelta(months=(index + 1) * months) <= day:
        index += 1
    return (
        anchor + relativedelta(months=index * months),
        anchor + relativedelta(months=(index + 1) * months, days=-1),
    )


def service_period(
    first, months, anchor, date_end, prepaid, offset=0, next_invoice_date=None
):
    """(first, last, invoice date) of the service period that starts on
    ``first``: it ends with the period of the grid (see period_bounds) holding
    ``first``, or on ``date_end``. Invoiced on its first day (prepaid) or its
    last day (in arrears), plus ``offset`` days.

    A ``next_invoice_date`` other than that invoice date was set by hand and is
    honoured: in arrears the period ends on it (unless it is the day after the
    period, OCA's in-arrears invoice date), prepaid it ends with the grid
    period that holds it."""
    last = period_bounds(first, months, anchor)[1]
    if date_end and last > date_end:
        last = date_end
    invoice_date = (first if prepaid else last) + timedelta(days=offset)
    if next_invoice_date and next_invoice_date != invoice_date:
        day = next_invoice_date - timedelta(days=offset)
        if prepaid:
            last = period_bounds(day, months, anchor)[1]
        elif day != last + timedelta(days=1):
            # OCA invoices in arrears the day after the period: that date
            # (kept at install for periods OCA was about to invoice) does
            # not lengthen the period.
            last = day
        if date_end and last > date_end:
            last = date_end
        invoice_date = next_invoice_date
    return first, last, invoice_date


def calendar_fraction(first, last, months):
    """How many calendar-aligned periods of ``months`` months first..last
    covers, each partial one pro rata by days: 17-31 March of a monthly
    period is 15/31, a full quarter 1.0, 17 March - 30 April 15/31 + 1."""
    fraction = 0.0
    day = first
    while day <= last:
        period_first, period_last = period_bounds(day, months)
        stop = min(period_last, last)
        fraction += ((stop - day).days + 1) / ((period_last - period_first).days + 1)
        day = stop + timedelta(days=1)
    return fraction


def recurrence_months(rule_type, interval):
    """Months an OCA recurrence (``recurring_rule_type``, ``recurring_interval``)
    lasts, or 0 when it is not counted in months (monthlylastday, weekly,
    daily)."""
    return MONTHS_PER_RULE.get(rule_type, 0) * (interval or 0)


def service_period_months(rule_type, interval):
    """Months of the service contract period of an OCA recurrence, or 0 when
    the recurrence keeps OCA's arithmetic (not month-based, or a length that
    does not divide a year)."""
    months = recurrence_months(rule_type, interval)
    return months if months in SERVICE_PERIOD_MONTHS else 0
