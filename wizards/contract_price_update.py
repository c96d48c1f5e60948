# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError
from odoo.tools import float_is_zero


class ContractPriceUpdate(models.TransientModel):
    """Update Contract Prices (Business Central): the unit prices of the
    signed, Locked service contracts whose next price update date is reached,
    multiplied by one percentage."""

    _name = "contract.price.update"
    _inherit = ["service.contract.filter.mixin"]
    _description = "Update Contract Prices"

    update_to_date = fields.Date(
        string="Update-to Date",
        required=True,
        default=fields.Date.context_today,
        help="Contracts whose Next Price Update Date is on or before this date "
        "are updated.",
    )
    percent = fields.Float(
        string="Price Update %",
        digits=(16, 2),
        required=True,
        help="Each unit price is multiplied by (1 + this / 100), rounded to the "
        "Product Price precision. Negative: prices go down.",
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
    )
    result_action = fields.Selection(
        selection=[("preview", "Preview"), ("update", "Update Prices")],
        readonly=True,
    )
    line_ids = fields.One2many(
        comodel_name="contract.price.update.line",
        inverse_name="wizard_id",
        string="Result",
        readonly=True,
    )
    updated_count = fields.Integer(readonly=True)

    def _contract_domain(self):
        """Service contracts the filters select whose next price update date
        is on or before the Update-to Date."""
        self.ensure_one()
        return (
            self.env["contract.contract"]._sci_service_domain()
            + [
                ("company_id", "in", self.env.companies.ids),
                ("sci_next_price_update_date", "!=", False),
                ("sci_next_price_update_date", "<=", self.update_to_date),
            ]
            + self._sci_filter_domain()
        )

    def _check_percent(self):
        self.ensure_one()
        if float_is_zero(self.percent, precision_digits=2) or self.percent <= -100:
            raise UserError(
                self.env._(
                    "Enter a Price Update %(label)s other than 0 and above -100 "
                    "(for example 5 to raise prices by 5 percent).",
                    label="%",
                )
            )

    def _run(self, dry_run):
        """Preview or update: one result line per selected contract, with its
        old and new Annual Amount, or the reason it is skipped."""
        self.ensure_one()
        self.env["contract.contract"]._sci_check_manager()
        self._check_percent()
        contracts = self.env["contract.contract"].search(
            self._contract_domain(), order="sci_next_price_update_date, id"
        )
        factor = 1 + self.percent / 100.0
        lines = []
        to_update = contracts.browse()
        for contract in contracts:
            reason = contract._sci_price_update_skip_reason()
            values = {
                "contract_id": contract.id,
                "currency_id": contract.currency_id.id,
                "old_annual_amount": contract.annual_amount,
                "old_next_date": contract.sci_next_price_update_date,
            }
            if reason:
                lines.append(dict(values, status="skipped", reason=reason))
                continue
            to_update |= contract
            lines.append(
                dict(
                    values,
                    status="due" if dry_run else "updated",
                    new_annual_amount=contract._sci_annual_amount_after_update(factor),
                    new_next_date=contract._sci_next_price_update_after(
                        self.update_to_date
                    ),
                )
            )
        if not dry_run and to_update:
            to_update._sci_apply_price_update(self.percent, self.update_to_date)
        self.write(
            {
                "state": "done",
                "result_action": "preview" if dry_run else "update",
                "updated_count": len(to_update),
                "line_ids": [fields.Command.clear()]
                + [fields.Command.create(values) for values in lines],
            }
        )
        return self._reopen()

    def action_preview(self):
        """What Update Prices would do; changes nothing."""
        return self._run(dry_run=True)

    def action_update_prices(self):
        return self._run(dry_run=False)

    def action_back(self):
        self.ensure_one()
        self.write({"state": "draft", "line_ids": [fields.Command.clear()]})
        return self._reopen()

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Update Contract Prices"),
            "context": dict(self.env.context, dialog_size="extra-large"),
        }


class ContractPriceUpdateLine(models.TransientModel):
    _name = "contract.price.update.line"
    _description = "Update Contract Prices: result line"
    _order = "status, contract_id"

    wizard_id = fields.Many2one(
        comodel_name="contract.price.update", required=True, ondelete="cascade"
    )
    contract_id = fields.Many2one(comodel_name="contract.contract", readonly=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", string="Customer")
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    old_annual_amount = fields.Monetary(string="Annual Amount", readonly=True)
    new_annual_amount = fields.Monetary(readonly=True)
    old_next_date = fields.Date(string="Next Price Update Date", readonly=True)
    new_next_date = fields.Date(string="New Next Price Update Date", readonly=True)
    status = fields.Selection(
        selection=[
            ("due", "Would be updated"),
            ("updated", "Updated"),
            ("skipped", "Skipped"),
        ],
        readonly=True,
    )
    reason = fields.Char(readonly=True)
