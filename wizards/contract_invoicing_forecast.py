# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contract Invoicing Forecast: what the signed service contracts will
invoice in a date range, per invoice month, customer, contract and product.

Filled on demand from the engine's own period walk (contract.line
_sci_due_periods: calendar alignment, pro rata first periods, catch-up of the
periods not invoiced yet) and the engine's own invoice line values
(_sci_prepare_invoice_line_values): the forecast gives the amounts the
invoices will have, not a second calculation of them."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class ContractInvoicingForecast(models.TransientModel):
    _name = "contract.invoicing.forecast"
    _description = "Contract Invoicing Forecast"

    date_from = fields.Date(
        string="From",
        required=True,
        default=fields.Date.context_today,
        help="Periods not invoiced yet whose invoice date is before this date "
        "are due now: they are shown on this date.",
    )
    date_to = fields.Date(
        string="To",
        required=True,
        default=lambda self: fields.Date.context_today(self)
        + relativedelta(months=12, days=-1),
    )
    line_ids = fields.One2many(
        comodel_name="contract.invoicing.forecast.line",
        inverse_name="forecast_id",
        readonly=True,
    )

    @api.model
    def _contract_domain(self):
        """Signed service contracts invoiced by period, Open or Locked, of the
        companies the user works in."""
        return self.env["contract.contract"]._sci_service_domain() + [
            ("contract_state", "=", "signed"),
            ("invoice_period", "!=", "none"),
            ("company_id", "in", self.env.companies.ids),
        ]

    def _prepare_line_values(self, contract_line):
        """Forecast rows of one contract line: a row per period whose invoice
        date is on or before the end of the range."""
        self.ensure_one()
        rows = []
        contract = contract_line.contract_id
        currency = contract_line.currency_id or contract.company_id.currency_id
        for start, end, invoice_date in contract_line._sci_due_periods(self.date_to):
            vals = contract_line._sci_prepare_invoice_line_values(
                start, end, invoice_date
            )
            if not vals:
                continue
            amount = currency.round(
                vals.get("quantity", 0.0)
                * vals.get("price_unit", 0.0)
                * (1 - (vals.get("discount") or 0.0) / 100.0)
            )
            rows.append(
                {
                    "forecast_id": self.id,
                    "date": max(invoice_date, self.date_from),
                    "period_start": start,
                    "period_end": end,
                    "contract_id": contract.id,
                    "contract_line_id": contract_line.id,
                    "partner_id": contract.partner_id.id,
                    "product_id": contract_line.product_id.id,
                    "company_id": contract.company_id.id,
                    "currency_id": currency.id,
                    "change_status": contract.change_status,
                    "amount": amount,
                }
            )
        return rows

    def _compute_forecast(self):
        self.ensure_one()
        if self.date_to < self.date_from:
            raise UserError(
                self.env._("The forecast's To date must be on or after its From date.")
            )
        self.line_ids.unlink()
        contracts = self.env["contract.contract"].search(self._contract_domain())
        lines = contracts.contract_line_ids.filtered(
            lambda line: not line.display_type
            and not line.is_canceled
            and line._sci_period_months()
        )
        rows = []
        for line in lines:
            rows += self._prepare_line_values(line)
        return self.env["contract.invoicing.forecast.line"].create(rows)

    def action_show_forecast(self):
        self.ensure_one()
        self._compute_forecast()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.contract_invoicing_forecast_line_action"
        )
        action["domain"] = [("forecast_id", "=", self.id)]
        action["display_name"] = self.env._(
            "Invoicing Forecast %(date_from)s - %(date_to)s",
            date_from=fields.Date.to_string(self.date_from),
            date_to=fields.Date.to_string(self.date_to),
        )
        return action


class ContractInvoicingForecastLine(models.TransientModel):
    _name = "contract.invoicing.forecast.line"
    _description = "Contract Invoicing Forecast: one period of a contract line"
    _order = "date, contract_id, id"

    forecast_id = fields.Many2one(
        comodel_name="contract.invoicing.forecast",
        required=True,
        ondelete="cascade",
        index=True,
    )
    date = fields.Date(string="Invoice Date", readonly=True)
    period_start = fields.Date(string="Period From", readonly=True)
    period_end = fields.Date(string="Period To", readonly=True)
    contract_id = fields.Many2one(comodel_name="contract.contract", readonly=True)
    contract_line_id = fields.Many2one(comodel_name="contract.line", readonly=True)
    partner_id = fields.Many2one(
        comodel_name="res.partner", string="Customer", readonly=True
    )
    product_id = fields.Many2one(comodel_name="product.product", readonly=True)
    company_id = fields.Many2one(comodel_name="res.company", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    change_status = fields.Selection(
        selection=[("open", "Open"), ("locked", "Locked")], readonly=True
    )
    amount = fields.Monetary(string="Untaxed Amount", readonly=True)
