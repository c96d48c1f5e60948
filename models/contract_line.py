# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Line fields that change what is invoiced; last_date_invoiced is not among
# them: invoicing itself moves it forward.
LOCKED_LINE_FIELDS = {
    "product_id",
    "name",
    "quantity",
    "uom_id",
    "price_unit",
    "specific_price",
    "automatic_price",
    "discount",
    "date_start",
    "date_end",
    "recurring_rule_type",
    "recurring_interval",
    "recurring_invoicing_type",
    "recurring_next_date",
    "is_canceled",
    "display_type",
    "lot_id",
    "contract_id",
}


# Recurrence a line takes from its contract unless it recurs on its own.
CONTRACT_RECURRENCE_FIELDS = (
    "date_start",
    "recurring_rule_type",
    "recurring_interval",
    "recurring_invoicing_type",
)


class ContractLine(models.Model):
    _inherit = "contract.line"

    lot_id = fields.Many2one(
        comodel_name="stock.lot",
        string="Service Item",
        index="btree_not_null",
        help="The customer's serial-numbered item this line covers.",
    )

    @api.constrains("quantity", "price_unit", "specific_price", "display_type")
    def _check_not_negative(self):
        # Service contracts only: OCA allows negative lines (discounts).
        for line in self.filtered(
            lambda line: not line.display_type
            and line.contract_id._sci_service_contracts()
        ):
            if line.quantity < 0 or line.price_unit < 0:
                field = (
                    self._fields["quantity"]
                    if line.quantity < 0
                    else self._fields["price_unit"]
                )
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s, line %(line)s: %(field)s cannot be "
                        "negative. Use a credit note to give money back.",
                        contract=line.contract_id.display_name,
                        line=line.name,
                        field=field._description_string(self.env),
                    )
                )

    @api.constrains("lot_id", "contract_id")
    def _check_lot_customer(self):
        for line in self.filtered("lot_id"):
            # Validation only: who saves the contract may have no Inventory
            # rights to read the item's deliveries.
            lot = line.lot_id.sudo()
            if lot.product_id.tracking != "serial":
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the Service Item %(lot)s is not a "
                        "serial number. Choose a serial-numbered item.",
                        contract=line.contract_id.display_name,
                        lot=lot.display_name,
                    )
                )
            delivered_to = lot.last_delivery_partner_id.commercial_partner_id
            customer = line.contract_id.partner_id.commercial_partner_id
            if delivered_to and delivered_to != customer:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the Service Item %(lot)s was last "
                        "delivered to %(other)s, not to %(customer)s.",
                        contract=line.contract_id.display_name,
                        lot=lot.display_name,
                        other=delivered_to.display_name,
                        customer=customer.display_name,
                    )
                )

    @api.depends("contract_id.invoice_period")
    def _compute_recurring_next_date(self):
        res = super()._compute_recurring_next_date()
        for line in self:
            if line.contract_id.invoice_period == "none":
                line.recurring_next_date = False
            elif line._sci_is_anchored():
                # From the line's own invoiced periods: OCA copies the
                # contract's date here, which may not be recomputed yet.
                start = line.next_period_date_start
                line.recurring_next_date = start and line._sci_invoice_date(
                    start, line._sci_period_end(start)
                )
        return res

    @api.constrains("recurring_next_date")
    def _check_recurring_next_date_recurring_invoices(self):
        # A contract invoiced by no period has no next invoice date.
        return super(
            ContractLine,
            self.filtered(lambda line: line.contract_id.invoice_period != "none"),
        )._check_recurring_next_date_recurring_invoices()

    @api.model_create_multi
    def create(self, vals_list):
        contracts = self.env["contract.contract"].browse(
            {vals["contract_id"] for vals in vals_list if vals.get("contract_id")}
        )
        if not self.env.context.get("sci_skip_lock_check"):
            contracts._sci_check_locked({"contract_line_ids"})
        for vals in vals_list:
            contract = contracts.browse(vals.get("contract_id"))
            if contract and not contract.line_recurrence:
                # Else the mixin's defaults (today, pre-paid...) win over the
                # contract's recurrence, which the line must follow.
                for name in CONTRACT_RECURRENCE_FIELDS:
                    if name not in vals:
                        vals[name] = contract._fields[name].convert_to_write(
                            contract[name], contract
                        )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("sci_skip_lock_check") and (
            set(vals) & LOCKED_LINE_FIELDS
        ):
            self.contract_id._sci_check_locked({"contract_line_ids"})
        return super().write(vals)

    def unlink(self):
        if not self.env.context.get("sci_skip_lock_check"):
            self.contract_id._sci_check_locked({"contract_line_ids"})
        return super().unlink()

    def _prepare_invoice_line(self):
        # OCA's own invoicing paths record the period too, so the database
        # refuses a period invoiced twice whichever path invoices it.
        vals = super()._prepare_invoice_line()
        if vals and not self.display_type:
            first, last, __ = self._get_period_to_invoice(
                self.last_date_invoiced, self.recurring_next_date
            )
            if first:
                vals.update(sci_period_start=first, sci_period_end=last)
        return vals

    def _sci_prepare_invoice_line_values(self, period_start, period_end, next_date):
        """Values of the invoice line for one period of this contract line."""
        self.ensure_one()
        name = self.name or ""
        if "#" in name:
            name = self._insert_markers(period_start, period_end)
        else:
            lang_format = self.env.context.get("sci_date_format") or "%m/%d/%Y"
            name = (
                f"{name}\n{period_start.strftime(lang_format)}"
                f" - {period_end.strftime(lang_format)}"
            )
        return {
            "display_type": "product",
            "product_id": self.product_id.id,
            "name": name,
            "quantity": self._get_quantity_to_invoice(
                period_start, period_end, next_date
            ),
            "product_uom_id": self.uom_id.id,
            "price_unit": self.price_unit,
            "discount": self.discount,
            "analytic_distribution": self.analytic_distribution,
            "contract_line_id": self.id,
            "sci_period_start": period_start,
            "sci_period_end": period_end,
        }

    def _get_period_to_invoice(
        self, last_date_invoiced, recurring_next_date, stop_at_date_end=True
    ):
        if not recurring_next_date or not self._sci_is_anchored():
            return super()._get_period_to_invoice(
                last_date_invoiced, recurring_next_date, stop_at_date_end
            )
        first = (
            fields.Date.add(last_date_invoiced, days=1)
            if last_date_invoiced
            else self.date_start
        )
        last = self._sci_period_end(first, stop_at_date_end=stop_at_date_end)
        return first, last, recurring_next_date

    def _sci_due_periods(self, invoice_to_date):
        """The periods of this line due on or before invoice_to_date, in order,
        as (period_start, period_end, next_invoice_date) tuples: the catch-up
        of every period not invoiced yet, each once."""
        self.ensure_one()
        periods = []
        last = self.last_date_invoiced
        next_date = self.recurring_next_date
        while next_date and next_date <= invoice_to_date:
            start, end, __ = self._get_period_to_invoice(last, next_date)
            if not start or not end or (self.date_end and start > self.date_end):
                break
            periods.append((start, end, next_date))
            last = end
            following = fields.Date.add(end, days=1)
            if self.date_end and following > self.date_end:
                break
            next_date = (
                self._sci_invoice_date(following, self._sci_period_end(following))
                if self._sci_is_anchored()
                else self.get_next_invoice_date(
                    following,
                    self.recurring_invoicing_type,
                    self.recurring_invoicing_offset,
                    self.recurring_rule_type,
                    self.recurring_interval,
                    max_date_end=self.date_end,
                )
            )
        return periods

    def _sci_has_income_account(self):
        """Whether Odoo finds an income account for this line's invoice line:
        the product's or its category's (through the fiscal position), else
        the journal's default account."""
        self.ensure_one()
        contract = self.contract_id
        product = self.product_id.with_company(contract.company_id)
        accounts = product.product_tmpl_id.get_product_accounts(
            fiscal_pos=contract.fiscal_position_id
        )
        return bool(accounts.get("income") or contract.journal_id.default_account_id)

    def _sci_check_can_invoice(self):
        """Raise UserError naming what stops this line being invoiced."""
        for line in self:
            if not line._sci_has_income_account():
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: no income account for %(product)s. "
                        "Set one on the product, its category or the journal.",
                        contract=line.contract_id.display_name,
                        product=line.product_id.display_name or line.name,
                    )
                )
