# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round

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
    "sci_period_anchor_date",
}


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
    sci_period_anchor_date = fields.Date(
        string="Periods Anchored On",
        copy=False,
        help="Set at install on a line OCA invoiced before: its periods "
        "continue OCA's dates from this day (for example on the 28th of each "
        "month for a contract started on 31 January, which OCA moved to the "
        "28th) instead of being counted again from the start date.",
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

    # === Service periods (anchored or calendar-aligned) ===

    def _sci_period_months(self):
        """Months of this line's invoice period when it follows the service
        contract periods, else 0: templates, supplier contracts, contracts
        without the service flag or an invoice period, and recurrences other
        than month-based ones keep OCA's arithmetic."""
        self.ensure_one()
        contract = self.contract_id
        if (
            self.display_type
            or not self.date_start
            or contract.contract_type != "sale"
            or not contract.is_service_contract
            or contract.invoice_period in (False, "none", "custom")
        ):
            return 0
        months = MONTHS_PER_RULE.get(self.recurring_rule_type, 0) * (
            self.recurring_interval or 0
        )
        return months if months in SERVICE_PERIOD_MONTHS else 0

    def _sci_is_aligned(self):
        self.ensure_one()
        return bool(self.contract_id.align_to_calendar and self._sci_period_months())

    def _sci_period_anchor(self):
        """The day this line's periods are counted from: none (the calendar)
        when aligned, else the anchor the install kept from OCA's periods, or
        the start date."""
        self.ensure_one()
        if self.contract_id.align_to_calendar:
            return None
        return self.sci_period_anchor_date or self.date_start

    def _sci_period(self, first, next_invoice_date=None, stop_at_date_end=True):
        """(first, last, invoice date) of this service line's period starting
        on ``first``: the one place the periods and invoice dates of service
        contracts are computed (see service_period)."""
        self.ensure_one()
        return service_period(
            first,
            self._sci_period_months(),
            self._sci_period_anchor(),
            self.date_end if stop_at_date_end else False,
            self.recurring_invoicing_type == "pre-paid",
            self.recurring_invoicing_offset,
            next_invoice_date,
        )

    @api.depends(
        "date_start",
        "recurring_interval",
        "display_type",
        "contract_id.is_service_contract",
        "contract_id.contract_type",
        "contract_id.invoice_period",
    )
    def _compute_recurring_invoicing_offset(self):
        # Business Central: in arrears, a period is invoiced on its last day
        # (OCA: the day after).
        res = super()._compute_recurring_invoicing_offset()
        for line in self:
            if line._sci_period_months():
                line.recurring_invoicing_offset = 0
        return res

    @api.depends(
        "contract_id.invoice_period",
        "contract_id.align_to_calendar",
        "contract_id.is_service_contract",
        "contract_id.contract_type",
        "sci_period_anchor_date",
    )
    def _compute_recurring_next_date(self):
        # Service lines compute their date from their own invoiced periods
        # only: OCA copies the contract's date, the minimum of its lines',
        # which would be computed from the lines' half-computed dates.
        service = self.filtered(
            lambda line: line.contract_id.invoice_period == "none"
            or line._sci_period_months()
        )
        res = super(ContractLine, self - service)._compute_recurring_next_date()
        for line in service:
            start = line.next_period_date_start
            line.recurring_next_date = (
                start
                and line.contract_id.invoice_period != "none"
                and line._sci_period(start)[2]
            )
        return res

    @api.depends(
        "contract_id.align_to_calendar",
        "contract_id.is_service_contract",
        "contract_id.contract_type",
        "contract_id.invoice_period",
        "sci_period_anchor_date",
    )
    def _compute_next_period_date_end(self):
        res = super()._compute_next_period_date_end()
        for line in self:
            start = line.next_period_date_start
            if start and line._sci_period_months():
                line.next_period_date_end = line._sci_period(
                    start, line.recurring_next_date
                )[1]
        return res

    @api.constrains("recurring_next_date", "last_date_invoiced")
    def _check_next_date_after_invoiced_periods(self):
        for line in self:
            if (
                line._sci_period_months()
                and line.recurring_next_date
                and line.last_date_invoiced
                and line.recurring_next_date <= line.last_date_invoiced
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the next invoice date %(date)s is "
                        "not after the end of the last invoiced period "
                        "(%(last)s). Choose a date after %(last)s.",
                        contract=line.contract_id.display_name,
                        date=line.recurring_next_date,
                        last=line.last_date_invoiced,
                    )
                )

    @api.constrains("recurring_next_date")
    def _check_recurring_next_date_recurring_invoices(self):
        # A contract invoiced by no period has no next invoice date.
        return super(
            ContractLine,
            # Section and note lines (but recurring notes) have no period.
            self.filtered(
                lambda line: line.contract_id.invoice_period != "none"
                and (not line.display_type or line.is_recurring_note)
            ),
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
                vals = self._sci_prorated_line_values(first, last, vals)
        return vals

    def _sci_prepare_invoice_line_values(self, period_start, period_end, next_date):
        """Values of the invoice line for one period of this contract line (a
        product line or a recurring note): OCA's _prepare_invoice_line, and
        every module that extends it, asked for that period (see
        _get_period_to_invoice), plus this addon's period fields and text.
        Empty when an extension nullifies the line, as OCA allows."""
        self.ensure_one()
        vals = self.with_context(
            sci_invoice_period=(self.id, period_start, next_date)
        )._prepare_invoice_line()
        if not vals:
            return {}
        # As OCA's _prepare_recurring_invoices_values: the invoice sets them.
        vals.pop("company_id", None)
        vals.pop("company_currency_id", None)
        if self.display_type:
            return vals
        vals.update(
            contract_line_id=self.id,
            sci_period_start=period_start,
            sci_period_end=period_end,
        )
        if "#" not in (self.name or ""):
            # Without OCA's #START#/#END# markers, the period is said on a
            # line of its own, in the customer's date format.
            lang_format = self.env.context.get("sci_date_format") or "%m/%d/%Y"
            vals["name"] = (
                f"{vals.get('name') or ''}\n{period_start.strftime(lang_format)}"
                f" - {period_end.strftime(lang_format)}"
            )
        return vals

    def _sci_prepare_display_line_values(self):
        """Values of the invoice line of a section or (non-recurring) note line
        of the contract: OCA's own, as its invoicing gives them."""
        self.ensure_one()
        vals = self._prepare_invoice_line()
        if vals:
            vals.pop("company_id", None)
            vals.pop("company_currency_id", None)
        return vals

    def _get_period_to_invoice(
        self, last_date_invoiced, recurring_next_date, stop_at_date_end=True
    ):
        # The engine invoices several periods of a line in one run (catch-up)
        # while the line's fields still describe the first one. OCA's
        # _prepare_invoice_line and the modules extending it ask this method
        # for the period to invoice, passing the line's last invoiced and next
        # invoice dates: under the engine's context (line, period start, its
        # invoice date) they get the period the engine is invoicing, computed
        # by the usual arithmetic below. Other questions are answered as usual.
        # A context key rather than values put in the record cache: no ORM
        # internals, nothing that a flush could write to the database.
        engine_period = self.env.context.get("sci_invoice_period")
        if (
            engine_period
            and engine_period[0] == self.id
            and last_date_invoiced == self.last_date_invoiced
            and recurring_next_date == self.recurring_next_date
        ):
            last_date_invoiced = fields.Date.subtract(engine_period[1], days=1)
            recurring_next_date = engine_period[2]
        if not recurring_next_date or not self._sci_period_months():
            return super()._get_period_to_invoice(
                last_date_invoiced, recurring_next_date, stop_at_date_end
            )
        first = (
            fields.Date.add(last_date_invoiced, days=1)
            if last_date_invoiced
            else self.date_start
        )
        return self._sci_period(first, recurring_next_date, stop_at_date_end)

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
                self._sci_period(following)[2]
                if self._sci_period_months()
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

    # === Pro rata periods of calendar-aligned contracts ===

    def _sci_proration(self, period_first_date, period_last_date):
        """Invoice periods that period_first_date..period_last_date covers, a
        partial calendar period by its days (see calendar_fraction)."""
        self.ensure_one()
        if (
            not period_first_date
            or not period_last_date
            or period_last_date < period_first_date
        ):
            raise UserError(
                self.env._(
                    "Contract %(contract)s, line %(line)s: the period %(first)s - "
                    "%(last)s has no days, so it cannot be invoiced pro rata. "
                    "Check the line's start, end and next invoice dates.",
                    contract=self.contract_id.display_name,
                    line=self.name,
                    first=period_first_date or "",
                    last=period_last_date or "",
                )
            )
        return calendar_fraction(
            period_first_date, period_last_date, self._sci_period_months()
        )

    def _get_quantity_to_invoice(
        self, period_first_date, period_last_date, invoice_date
    ):
        quantity = super()._get_quantity_to_invoice(
            period_first_date, period_last_date, invoice_date
        )
        if quantity and self._sci_is_aligned():
            quantity *= self._sci_proration(period_first_date, period_last_date)
        return quantity

    def _sci_prorated_amount(self, period_first_date, period_last_date):
        """Untaxed amount of this line for a pro rata period, exact to the
        cent: the lines of a contract that share the period add up to
        round(period amount x fraction); each line gets its own amount x
        fraction rounded, the last line the rounding remainder."""
        self.ensure_one()
        currency = self.currency_id or self.contract_id.company_id.currency_id

        def key(line):
            return (
                line.date_start,
                line.date_end,
                line.recurring_rule_type,
                line.recurring_interval,
                line.last_date_invoiced,
            )

        siblings = self.contract_id.contract_line_ids.filtered(
            lambda line: not line.display_type
            and not line.is_canceled
            and key(line) == key(self)
        ).sorted(lambda line: (line.sequence, line.id))
        fraction = self._sci_proration(period_first_date, period_last_date)
        if self not in siblings:
            return currency.round(self.price_subtotal * fraction)
        total = currency.round(sum(siblings.mapped("price_subtotal")) * fraction)
        shares = [currency.round(line.price_subtotal * fraction) for line in siblings]
        if self == siblings[-1]:
            return currency.round(total - sum(shares[:-1]))
        return shares[list(siblings).index(self)]

    def _sci_prorated_line_values(self, period_first_date, period_last_date, vals):
        """Invoice line values of a pro rata period with the exact amount of
        _sci_prorated_amount: Odoo keeps the prorated quantity to the unit of
        measure's precision, so the unit price is set to give that amount
        (quantity 1 and the amount as price if no price can)."""
        self.ensure_one()
        if not self._sci_is_aligned() or not vals.get("quantity"):
            return vals
        fraction = self._sci_proration(period_first_date, period_last_date)
        if not float_compare(fraction, 1.0, precision_digits=9):
            return vals
        amount = self._sci_prorated_amount(period_first_date, period_last_date)
        currency = self.currency_id or self.contract_id.company_id.currency_id
        precision = self.env["decimal.precision"]
        quantity = float_round(
            vals["quantity"],
            precision_digits=precision.precision_get("Product Unit of Measure"),
        )
        price_digits = precision.precision_get("Product Price")
        factor = quantity * (1 - (vals.get("discount") or 0.0) / 100.0)
        if factor > 0:
            price = float_round(amount / factor, precision_digits=price_digits)
            step = 10**-price_digits
            for k in (0, 1, -1, 2, -2, 3, -3):
                candidate = float_round(price + k * step, precision_digits=price_digits)
                if not currency.compare_amounts(
                    currency.round(candidate * factor), amount
                ):
                    return dict(vals, quantity=quantity, price_unit=candidate)
        return dict(vals, quantity=1.0, discount=0.0, price_unit=amount)

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
