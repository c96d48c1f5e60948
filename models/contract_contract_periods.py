# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Service contracts: the invoice period and the next period, derived from the
# lines (recurrence).

from odoo import api, models

from .contract_contract import (
    INVOICE_PERIODS,
    RECURRENCE_TO_PERIOD,
)
from .contract_period import service_period, service_period_months


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Invoice period ===

    @api.depends("recurring_rule_type", "recurring_interval")
    def _compute_invoice_period(self):
        for contract in self:
            if contract.invoice_period == "none":
                continue
            contract.invoice_period = RECURRENCE_TO_PERIOD.get(
                (contract.recurring_rule_type, contract.recurring_interval), "custom"
            )

    def _inverse_invoice_period(self):
        for contract in self:
            recurrence = INVOICE_PERIODS.get(contract.invoice_period)
            if not recurrence:
                continue
            rule_type, interval = recurrence
            if (contract.recurring_rule_type, contract.recurring_interval) in {
                key
                for key, period in RECURRENCE_TO_PERIOD.items()
                if period == contract.invoice_period
            }:
                continue
            contract.write(
                {"recurring_rule_type": rule_type, "recurring_interval": interval}
            )

    # === Recurrence: service periods come from the lines ===

    def _sci_period_months(self, line=None):
        """Months of the invoice period of this contract, or of its ``line``
        (a line has its own recurrence and start), when it follows the service
        contract periods, else 0: templates, supplier contracts, contracts
        without the service flag or an invoice period, sections and notes, and
        recurrences other than month-based ones keep OCA's arithmetic. The one
        place of this rule: contract.line._sci_period_months asks it here."""
        self.ensure_one()
        recurrence = line or self
        if (
            (line and line.display_type)
            or not recurrence.date_start
            or self.contract_type != "sale"
            or not self.is_service_contract
            or self.invoice_period in (False, "none", "custom")
        ):
            return 0
        return service_period_months(
            recurrence.recurring_rule_type, recurrence.recurring_interval
        )

    @api.depends("is_service_contract", "contract_type", "invoice_period")
    def _compute_recurring_invoicing_offset(self):
        # In arrears, invoiced on the period's last day (Business Central).
        res = super()._compute_recurring_invoicing_offset()
        for contract in self:
            if contract._sci_period_months():
                contract.recurring_invoicing_offset = 0
        return res

    @api.depends("invoice_period", "align_to_calendar", "is_service_contract")
    def _compute_recurring_next_date(self):
        res = super()._compute_recurring_next_date()
        for contract in self:
            if contract.invoice_period == "none":
                contract.recurring_next_date = False
            elif contract._sci_period_months():
                lines = contract.contract_line_ids.filtered(
                    lambda line: not line.display_type and not line.is_canceled
                )
                dates = lines.filtered("recurring_next_date").mapped(
                    "recurring_next_date"
                )
                if dates or lines:
                    contract.recurring_next_date = min(dates) if dates else False
                else:
                    contract.recurring_next_date = service_period(
                        contract.date_start,
                        contract._sci_period_months(),
                        None if contract.align_to_calendar else contract.date_start,
                        contract.date_end,
                        contract.recurring_invoicing_type == "pre-paid",
                    )[2]
        return res

    def _sci_next_line(self):
        """The line invoiced next: its period is the contract's next period."""
        self.ensure_one()
        # The lines as read, not a filtered copy: they keep their prefetching
        # over the other contracts read with this one, so a list computes the
        # periods of all its contracts' lines at once, not contract by
        # contract (one query per row).
        lines = [
            line
            for line in self.contract_line_ids
            if line.recurring_next_date
            and not line.is_canceled
            and not line.display_type
        ]
        if not lines:
            return self.env["contract.line"]
        return min(lines, key=lambda line: line.recurring_next_date)

    @api.depends(
        "contract_line_ids.next_period_date_start",
        "contract_line_ids.recurring_next_date",
        "contract_line_ids.is_canceled",
    )
    def _compute_next_period_date_start(self):
        res = super()._compute_next_period_date_start()
        for contract in self.filtered(lambda c: c._sci_period_months()):
            line = contract._sci_next_line()
            if line:
                contract.next_period_date_start = line.next_period_date_start
        return res

    @api.depends(
        "contract_line_ids.next_period_date_end",
        "contract_line_ids.recurring_next_date",
        "contract_line_ids.is_canceled",
    )
    def _compute_next_period_date_end(self):
        res = super()._compute_next_period_date_end()
        for contract in self.filtered(lambda c: c._sci_period_months()):
            line = contract._sci_next_line()
            if line:
                contract.next_period_date_end = line.next_period_date_end
        return res

    def _sci_sync_next_date_to_lines(self, next_date):
        """A next invoice date set by hand on a service contract whose lines
        follow it is their next invoice date too: the next period is derived
        from it (see contract_period.service_period)."""
        for contract in self:
            if contract.line_recurrence or not contract._sci_period_months():
                continue
            lines = contract.contract_line_ids.filtered(
                lambda line, date=next_date: not line.display_type
                and not line.is_canceled
                and line.recurring_next_date
                and line.recurring_next_date != date
            )
            lines.write({"recurring_next_date": next_date})
