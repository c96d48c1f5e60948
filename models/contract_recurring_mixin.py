# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import models

# Months per unit of OCA's month-based recurrences.
MONTHS_PER_RULE = {"monthly": 1, "quarterly": 3, "semesterly": 6, "yearly": 12}


class ContractRecurringMixin(models.AbstractModel):
    """Month-based periods anchored on the start date.

    OCA chains each period from the end of the previous one, so a contract
    starting on 31 January drifts to the 28th after February. Here period k
    starts on date_start + k periods (month ends clamped by relativedelta) and
    ends the day before period k + 1: 31 Jan, 29 Feb, 31 Mar, 30 Apr... OCA's
    own computations use the same bounds, so both engines agree.
    """

    _inherit = "contract.recurring.mixin"

    def _sci_period_months(self):
        self.ensure_one()
        return MONTHS_PER_RULE.get(self.recurring_rule_type, 0) * (
            self.recurring_interval or 1
        )

    def _sci_is_anchored(self):
        self.ensure_one()
        return bool(self.date_start and self._sci_period_months())

    def _sci_period_end(self, period_start, stop_at_date_end=True):
        """Last day of the period that starts on period_start."""
        self.ensure_one()
        months = self._sci_period_months()
        anchor = self.date_start
        elapsed = (period_start.year - anchor.year) * 12 + (
            period_start.month - anchor.month
        )
        index = max(elapsed // months, 0)
        next_start = anchor + relativedelta(months=index * months)
        while next_start <= period_start:
            index += 1
            next_start = anchor + relativedelta(months=index * months)
        period_end = next_start - relativedelta(days=1)
        if stop_at_date_end and self.date_end and period_end > self.date_end:
            period_end = self.date_end
        return period_end

    def _sci_invoice_date(self, period_start, period_end):
        """Date a period is invoiced: its start (prepaid) or its end (in
        arrears), plus OCA's invoicing offset."""
        self.ensure_one()
        offset = relativedelta(days=self.recurring_invoicing_offset)
        if self.recurring_invoicing_type == "pre-paid":
            return period_start + offset
        return period_end + offset

    def _compute_next_period_date_end(self):
        anchored = self.filtered(lambda rec: rec._sci_is_anchored())
        res = super(
            ContractRecurringMixin, self - anchored
        )._compute_next_period_date_end()
        for rec in anchored:
            start = rec.next_period_date_start
            rec.next_period_date_end = start and rec._sci_period_end(start)
        return res

    def _compute_recurring_next_date(self):
        anchored = self.filtered(lambda rec: rec._sci_is_anchored())
        res = super(
            ContractRecurringMixin, self - anchored
        )._compute_recurring_next_date()
        for rec in anchored:
            start = rec.next_period_date_start
            rec.recurring_next_date = start and rec._sci_invoice_date(
                start, rec._sci_period_end(start)
            )
        return res
