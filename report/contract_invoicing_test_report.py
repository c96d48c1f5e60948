# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contract Invoicing test report (Business Central's Contract Invoicing
report, "Print Only"): what Create Contract Invoices would create with the
wizard's filters and dates, invoice by invoice, before anything is created.

Its figures are the engine's: the dry run's plans (the same periods, the same
skipped contracts), grouped and turned into invoice values by the engine's own
_group_plans and _prepare_invoice_values, then totalled by Odoo's invoice
(an account.move in memory, never saved): nothing is priced twice."""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError, ValidationError


class ContractInvoicingTestReport(models.AbstractModel):
    _name = "report.service_contract_invoicing.invoicing_test_report"
    _description = "Contract Invoicing Test Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        wizards = self.env["contract.invoice.create"].browse(docids)
        return {
            "doc_ids": docids,
            "doc_model": "contract.invoice.create",
            "docs": wizards,
            "runs": {wizard.id: self._sci_run_data(wizard) for wizard in wizards},
        }

    @api.model
    def _sci_run_data(self, wizard):
        """What a Create Invoices run of ``wizard`` would create:

        - ``invoices``: one dict per invoice, in the order the run creates
          them (see _sci_invoice_data);
        - ``skipped``: (contract, reason) of the contracts the run skips or
          would fail, and of the periods not invoiced it leaves;
        - ``totals``: per currency, the invoices' count, untaxed amount,
          taxes and total.
        """
        wizard.ensure_one()
        engine = self.env["service.contract.invoicing"]
        contracts = self.env["contract.contract"].search(
            wizard._contract_domain(), order="id"
        )
        result = engine.run(
            contracts,
            posting_date=wizard.posting_date,
            invoice_to_date=wizard.invoice_to_date,
            combine=wizard.combine,
            dry_run=True,
            include_gaps=wizard.include_gaps,
        )
        skipped = list(result.skipped)
        skipped += [
            (contract, self.env._("fails: %(reason)s", reason=reason))
            for contract, reason in result.failures
        ]
        skipped += [(gap["contract"], gap["reason"]) for gap in result.gaps]
        invoices = []
        for group in engine._group_plans(result.plans, wizard.combine):
            try:
                vals = engine._prepare_invoice_values(group, wizard.posting_date)
            except (UserError, ValidationError) as error:
                skipped += [
                    (
                        plan["contract"],
                        self.env._("fails: %(reason)s", reason=error.args[0]),
                    )
                    for plan in group
                ]
                continue
            invoices.append(self._sci_invoice_data(vals))
        totals = defaultdict(lambda: dict(count=0, untaxed=0.0, tax=0.0, total=0.0))
        for invoice in invoices:
            total = totals[invoice["currency"]]
            total["count"] += 1
            for key in ("untaxed", "tax", "total"):
                total[key] = invoice["currency"].round(total[key] + invoice[key])
        return {
            "invoices": invoices,
            "skipped": skipped,
            "totals": [dict(total, currency=cur) for cur, total in totals.items()],
        }

    @api.model
    def _sci_invoice_data(self, vals):
        """One invoice of the run from its values: customer, invoice address,
        currency, a row per contract and period (untaxed, taxes, total of its
        lines) and the invoice's untaxed amount, taxes and total as Odoo
        computes them (taxes rounded per line or globally, as the company
        says)."""
        # In memory only: Odoo's own totals of these values, nothing saved.
        move = self.env["account.move"].new(vals)
        # A line carrying a contract's amount (Contract Lines on Invoice
        # unticked) has its contract and period on the notes below it.
        first_notes = {}
        for note, summary in move.invoice_line_ids._sci_detail_summaries().items():
            first_notes.setdefault(summary, note)
        rows = {}
        for line in move.invoice_line_ids.filtered(
            lambda line: line.display_type == "product"
        ):
            source = first_notes.get(line, line)
            contract = source.contract_line_id.contract_id
            key = (contract, source.sci_period_start, source.sci_period_end)
            row = rows.setdefault(
                key,
                {
                    "contract": contract,
                    "period_start": source.sci_period_start,
                    "period_end": source.sci_period_end,
                    "untaxed": 0.0,
                    "total": 0.0,
                },
            )
            row["untaxed"] += line.price_subtotal
            row["total"] += line.price_total
        currency = move.currency_id
        for row in rows.values():
            row["untaxed"] = currency.round(row["untaxed"])
            row["total"] = currency.round(row["total"])
            row["tax"] = currency.round(row["total"] - row["untaxed"])
        tax_totals = move.tax_totals or {}
        untaxed = tax_totals.get("base_amount_currency", 0.0)
        tax = tax_totals.get("tax_amount_currency", 0.0)
        return {
            "partner": move.partner_id.commercial_partner_id,
            "invoice_partner": move.partner_id,
            "currency": currency,
            "rows": list(rows.values()),
            "untaxed": currency.round(untaxed),
            "tax": currency.round(tax),
            "total": currency.round(
                tax_totals.get("total_amount_currency", untaxed + tax)
            ),
        }
