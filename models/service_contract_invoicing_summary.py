# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# The engine: invoices of contracts with Contract Lines on Invoice unticked.
import json

from odoo import Command, models


class ServiceContractInvoicing(models.AbstractModel):
    _inherit = "service.contract.invoicing"

    def _summarize_contract_lines_values(self, contract, lines_vals, invoice_vals):
        """Contract Lines on Invoice unticked: the invoice lines of one
        contract become one line per period with the contract's amount (one
        per account, taxes and analytic distribution when its lines differ),
        each followed by its contract lines as notes. Section and note lines
        of the contract follow them."""
        groups = {}
        others = []
        accounting = {}
        for line_vals in lines_vals:
            if (
                line_vals.get("display_type", "product") != "product"
                or not line_vals.get("contract_line_id")
                or not line_vals.get("sci_period_start")
            ):
                others.append(line_vals)
                continue
            account, taxes = self._line_accounting(invoice_vals, line_vals, accounting)
            key = (
                line_vals["sci_period_start"],
                line_vals["sci_period_end"],
                account,
                taxes,
                json.dumps(
                    line_vals.get("analytic_distribution") or {}, sort_keys=True
                ),
            )
            groups.setdefault(key, []).append(line_vals)
        currency = self.env["res.currency"].browse(invoice_vals["currency_id"])
        result = []
        for key in sorted(groups, key=lambda key: key[0]):
            details = groups[key]
            amounts = [self._detail_amount(vals, currency) for vals in details]
            result.append(
                self._prepare_summary_line_values(
                    contract, key, currency.round(sum(amounts)), details
                )
            )
            result += [
                self._prepare_detail_note_values(line_vals, amount)
                for line_vals, amount in zip(details, amounts, strict=True)
            ]
        return result + others

    def _line_accounting(self, invoice_vals, line_vals, cache):
        """(income account, taxes) Odoo gives the invoice line ``line_vals``
        on the invoice ``invoice_vals`` (product, fiscal position, company):
        asked of Odoo itself through a draft record in memory, once per
        product."""
        product_id = line_vals.get("product_id")
        if product_id not in cache:
            move = self.env["account.move"].new(
                {
                    key: value
                    for key, value in invoice_vals.items()
                    if key != "invoice_line_ids"
                }
                | {
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product_id, "display_type": "product"}
                        )
                    ]
                }
            )
            line = move.invoice_line_ids
            cache[product_id] = (line.account_id, line.tax_ids)
        account, taxes = cache[product_id]
        if line_vals.get("account_id"):
            account = self.env["account.account"].browse(line_vals["account_id"])
        if line_vals.get("tax_ids"):
            taxes = (
                self.env["account.move.line"]
                .new({"tax_ids": line_vals["tax_ids"]})
                .tax_ids
            )
        return account._origin, taxes._origin

    def _detail_amount(self, line_vals, currency):
        """The contract line's amount for the period, before taxes."""
        return currency.round(
            line_vals.get("quantity", 1.0)
            * line_vals.get("price_unit", 0.0)
            * (1 - (line_vals.get("discount") or 0.0) / 100)
        )

    def _prepare_summary_line_values(self, contract, key, amount, details):
        start, end, account, taxes, analytic = key
        lang_format = self._date_format(contract.partner_id.lang)
        return {
            "display_type": "product",
            "name": f"{contract.display_name}\n{start.strftime(lang_format)}"
            f" - {end.strftime(lang_format)}",
            "quantity": 1.0,
            "price_unit": amount,
            "discount": 0.0,
            "account_id": account.id,
            "tax_ids": [Command.set(taxes.ids)],
            "analytic_distribution": json.loads(analytic) or False,
        }

    def _prepare_detail_note_values(self, line_vals, amount):
        return {
            "display_type": "line_note",
            "name": line_vals.get("name"),
            "contract_line_id": line_vals["contract_line_id"],
            "sci_period_start": line_vals["sci_period_start"],
            "sci_period_end": line_vals["sci_period_end"],
            "sci_is_contract_detail": True,
            "sci_detail_quantity": line_vals.get("quantity", 1.0),
            "sci_detail_price_unit": line_vals.get("price_unit", 0.0),
            "sci_detail_discount": line_vals.get("discount") or 0.0,
            "sci_detail_amount": amount,
        }
