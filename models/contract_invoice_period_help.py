# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date, timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import format_date

from .contract_contract import INVOICE_PERIODS, PERIODS_PER_YEAR
from .contract_period import MONTHS_PER_RULE, period_bounds, service_period


class ContractInvoicePeriodHelp(models.TransientModel):
    """Configuration > Invoice Periods: what each invoice period of a service
    contract means, with example periods and invoice dates computed by the
    same functions that invoice the contracts (see service_period), so the
    help cannot drift from what is invoiced."""

    _name = "contract.invoice.period.help"
    _description = "Invoice Periods (help)"

    name = fields.Char(default=lambda self: self.env._("Invoice Periods"))
    period_table = fields.Html(
        compute="_compute_period_table",
        sanitize=False,
        help="Each invoice period with its example periods and invoice dates.",
    )

    @api.model
    def _example_start_date(self):
        """The start date of the table's example contract."""
        # Mid-month: the anchored and the calendar-aligned periods differ.
        return date(fields.Date.context_today(self).year, 3, 17)

    @api.model
    def action_open(self):
        """Configuration > Invoice Periods: the help page, read-only."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invoice Periods"),
            "res_model": self._name,
            "res_id": self.create({}).id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def _period_examples(self, months, start):
        """Two consecutive periods from ``start`` for both period grids:
        {"anchored": [(first, last, prepaid date, in arrears date)],
         "aligned": [(first, last, days, calendar period days)]}."""
        anchored, aligned = [], []
        first = start
        for __ in range(2):
            __, last, prepaid_date = service_period(first, months, start, None, True)
            arrears_date = service_period(first, months, start, None, False)[2]
            anchored.append((first, last, prepaid_date, arrears_date))
            first = last + timedelta(days=1)
        first = start
        for __ in range(2):
            __, last, __ = service_period(first, months, None, None, True)
            grid_first, grid_last = period_bounds(first, months)
            aligned.append(
                (
                    first,
                    last,
                    (last - first).days + 1,
                    (grid_last - grid_first).days + 1,
                )
            )
            first = last + timedelta(days=1)
        return {"anchored": anchored, "aligned": aligned}

    def _period_table_rows(self, start):
        """(label, periods per year, anchored cell, prepaid cell, in arrears
        cell, aligned cell) of each invoice period, 'None' last; a cell is a
        list of lines."""
        labels = dict(
            self.env["contract.contract"]
            ._fields["invoice_period"]
            ._description_selection(self.env)
        )

        def fmt(day):
            return format_date(self.env, day)

        rows = []
        for period, (rule, interval) in INVOICE_PERIODS.items():
            examples = self._period_examples(MONTHS_PER_RULE[rule] * interval, start)
            anchored = [
                f"{fmt(first)} – {fmt(last)}"
                for first, last, __, __ in examples["anchored"]
            ]
            prepaid = [fmt(prepaid) for __, __, prepaid, __ in examples["anchored"]]
            arrears = [fmt(arrears) for __, __, __, arrears in examples["anchored"]]
            aligned = [
                f"{fmt(first)} – {fmt(last)}"
                + (
                    ""
                    if days == period_days
                    else " "
                    + self.env._(
                        "(pro rata %(days)s/%(period_days)s)",
                        days=days,
                        period_days=period_days,
                    )
                )
                for first, last, days, period_days in examples["aligned"]
            ]
            rows.append(
                (
                    labels[period],
                    PERIODS_PER_YEAR[period],
                    anchored,
                    prepaid,
                    arrears,
                    aligned,
                )
            )
        never = self.env._("not invoiced by period")
        rows.append((labels["none"], 0, [never], ["—"], ["—"], [never]))
        return rows

    def _compute_period_table(self):
        start = self._example_start_date()
        for record in self:
            headers = (
                self.env._("Invoice Period"),
                self.env._("Invoices a Year"),
                self.env._(
                    "Periods Anchored on the Start Date (%(date)s)",
                    date=format_date(self.env, start),
                ),
                self.env._("Pre-paid: Invoiced On"),
                self.env._("In Arrears: Invoiced On"),
                self.env._("Periods Aligned to the Calendar"),
            )
            head = Markup("").join(Markup("<th>%s</th>") % header for header in headers)
            body = Markup("")
            for label, per_year, *cells in self._period_table_rows(start):
                body += (
                    Markup("<tr><td><strong>%s</strong></td><td>%s</td>")
                    % (label, per_year)
                    + Markup("").join(
                        Markup("<td>%s</td>") % Markup("<br/>").join(lines)
                        for lines in cells
                    )
                    + Markup("</tr>")
                )
            record.period_table = Markup(
                '<table class="table table-sm table-bordered o_sci_period_table">'
                "<thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (head, body)
