# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict
from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round, formatLang

# The period arithmetic (models/contract_period.py); its constants stay
# importable from here, as before it moved.
from .contract_period import (
    MONTHS_PER_RULE,  # noqa: F401
    SERVICE_PERIOD_MONTHS,  # noqa: F401
    calendar_fraction,
    period_bounds,
    service_period,
)
from .trusted_context import Trusted, trusted_option

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
        contract periods, else 0 (the rule: contract.contract's
        _sci_period_months)."""
        self.ensure_one()
        contract = self.contract_id
        return contract._sci_period_months(line=self) if contract else 0

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
        if not trusted_option(self.env, "sci_skip_lock_check"):
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
        if not trusted_option(self.env, "sci_skip_lock_check") and (
            set(vals) & LOCKED_LINE_FIELDS
        ):
            self.contract_id._sci_check_locked({"contract_line_ids"})
        if "date_end" in vals:
            self._sci_check_extension(vals["date_end"])
        shrunk = self._sci_shrink_values(vals)
        res = super(ContractLine, self - shrunk).write(vals)
        if shrunk:
            super(ContractLine, shrunk).write(
                dict(vals, last_date_invoiced=vals["date_end"])
            )
            shrunk._sci_after_shrink()
        return res

    def unlink(self):
        if not trusted_option(self.env, "sci_skip_lock_check"):
            self.contract_id._sci_check_locked({"contract_line_ids"})
        return super().unlink()

    def _prepare_invoice_line(self):
        # OCA's own invoicing paths record the period too, so the database
        # refuses a period invoiced twice whichever path invoices it.
        vals = super()._prepare_invoice_line()
        if vals and not self.display_type and self.contract_id._sci_service_contracts():
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
            sci_invoice_period=Trusted((self.id, period_start, next_date))
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
            lang_format = trusted_option(self.env, "sci_date_format") or "%m/%d/%Y"
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
        engine_period = trusted_option(self.env, "sci_invoice_period")
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
        """Invoice line values of a pro rata period as Business Central shows
        them: quantity 1 at the exact pro rata amount of _sci_prorated_amount,
        the description saying the fraction and the contract's quantity and
        unit price ("Pro rata 15/31 of 1.00 x 310.00"). Never a changed unit
        price with a prorated quantity: Odoo keeps quantities to the unit of
        measure's precision (15/31 is 0.48), so such a line could not give an
        amount exact to the cent."""
        self.ensure_one()
        if not self._sci_is_aligned() or not vals.get("quantity"):
            return vals
        fraction = self._sci_proration(period_first_date, period_last_date)
        if not float_compare(fraction, 1.0, precision_digits=9):
            return vals
        label = self._sci_proration_label(period_first_date, period_last_date)
        name = vals.get("name")
        return dict(
            vals,
            quantity=1.0,
            discount=0.0,
            price_unit=self._sci_prorated_amount(period_first_date, period_last_date),
            name=f"{name}\n{label}" if name else label,
        )

    def _sci_proration_label(self, period_first_date, period_last_date):
        """The pro rata of a period in words: each calendar period it covers
        as days/days (1 when whole), then the contract's quantity, unit price
        and discount: "Pro rata 15/31 of 2.00 x 310.00 less 10.00%"."""
        self.ensure_one()
        months = self._sci_period_months()
        parts = []
        day = period_first_date
        while day <= period_last_date:
            first, last = period_bounds(day, months)
            stop = min(last, period_last_date)
            days, period_days = (stop - day).days + 1, (last - first).days + 1
            parts.append("1" if days == period_days else f"{days}/{period_days}")
            day = stop + timedelta(days=1)
        label = self.env._(
            "Pro rata %(fraction)s of %(quantity)s x %(price)s",
            fraction=" + ".join(parts),
            quantity=formatLang(self.env, self.quantity, dp="Product Unit of Measure"),
            price=formatLang(self.env, self.price_unit, dp="Product Price"),
        )
        if self.discount:
            label = self.env._(
                "%(label)s less %(discount)s%%",
                label=label,
                discount=formatLang(self.env, self.discount, dp="Discount"),
            )
        return label

    # === Credit memos when a contract shrinks ===

    def _sci_shrink_values(self, vals):
        """A service line's End Date set before its last invoiced date (the
        line removed, while its contract is Open): its last invoiced date
        moves back to the End Date, in the same write (OCA refuses an End
        Date before it), and what was invoiced after it is to be credited
        (see _sci_credit_memo_candidates).

        :return: the lines shrunk"""
        if not vals.get("date_end"):
            return self.browse()
        date_end = fields.Date.to_date(vals["date_end"])
        return self.filtered(
            lambda line: line.contract_id._sci_service_contracts()
            and not line.display_type
            and line.last_date_invoiced
            and line.last_date_invoiced > date_end
        )

    def _sci_check_extension(self, date_end):
        """A line whose invoiced days after its End Date still wait for
        their credit memo cannot be extended (nor its End Date cleared): the
        next run would invoice those days again, and the credit memo would no
        longer find them."""
        new_end = fields.Date.to_date(date_end) if date_end else None
        extended = self.filtered(
            lambda line: line.date_end
            and (not new_end or new_end > line.date_end)
            and line.contract_id._sci_service_contracts()
        )
        # One search for all the lines, not one per line.
        candidates = extended._sci_credit_memo_candidates()
        if candidates:
            line = candidates[0][0]
            raise UserError(
                self.env._(
                    "Contract %(contract)s, line %(line)s: the days invoiced "
                    "after its End Date are not credited yet. Click Create "
                    "Credit Memo first, then extend the line.",
                    contract=line.contract_id.display_name,
                    line=line.name,
                )
            )

    def _sci_credit_memo_candidates(self):
        """What a credit memo of these lines would credit: every period of a
        posted invoice (not reversed, not credited yet) that ends after the
        line's last invoiced date, from the day after that date (or the
        period's start) to the period's end.

        :return: [(contract line, invoice line, credit from, credit to)]"""
        lines = self.filtered(lambda line: not line.display_type)
        if not lines:
            return []
        # Reading the invoices of the contract, whoever changes it.
        AccountMoveLine = self.env["account.move.line"].sudo()
        origins = AccountMoveLine.search(
            [
                ("contract_line_id", "in", lines.ids),
                ("move_id.move_type", "=", "out_invoice"),
                ("parent_state", "=", "posted"),
                "|",
                ("display_type", "=", "product"),
                ("sci_is_contract_detail", "=", True),
                ("sci_period_start", "!=", False),
                ("sci_period_end", "!=", False),
            ],
            order="sci_period_start, id",
        )
        credited = AccountMoveLine.search(
            [
                ("sci_credited_line_id", "in", origins.ids),
                ("parent_state", "!=", "cancel"),
            ]
        ).sci_credited_line_id
        candidates = []
        for origin in origins - credited:
            line = self.browse(origin.contract_line_id.id)
            cutoff = line.last_date_invoiced
            if not cutoff or origin.sci_period_end <= cutoff:
                continue
            if origin.move_id.reversal_move_ids.filtered(
                lambda move: move.state != "cancel"
            ):
                continue  # credited in full by Odoo's Credit Note
            start = max(origin.sci_period_start, fields.Date.add(cutoff, days=1))
            candidates.append((line, origin, start, origin.sci_period_end))
        return candidates

    @api.model
    def _sci_credit_memo_amount(self, origin, start, end):
        """The part of invoice line ``origin`` for start..end, pro rata by
        day over its period, rounded to its currency: a yearly 1,200.00
        credited from 1 May to 31 December is 1,200.00 x 245/365 = 805.48."""
        days = (end - start).days + 1
        period_days = (origin.sci_period_end - origin.sci_period_start).days + 1
        if origin.sci_is_contract_detail:
            invoiced = origin._sci_detail_amounts()[origin][0]
        else:
            invoiced = origin.price_subtotal
        return origin.currency_id.round(invoiced * days / period_days)

    def _sci_prepare_credit_memo_line_values(self, origin, start, end):
        """Values of the credit memo line crediting start..end of invoice line
        ``origin`` of this contract line: quantity 1 at the pro rata amount,
        on the account, taxes and analytic distribution of the invoice line
        (its deferred revenue account when its revenue was deferred)."""
        self.ensure_one()
        amount = self._sci_credit_memo_amount(origin, start, end)
        lang_format = trusted_option(self.env, "sci_date_format") or "%m/%d/%Y"
        label = self.env._(
            "Credit for %(start)s - %(end)s (%(days)s of %(period_days)s days of "
            "%(invoice)s)",
            start=start.strftime(lang_format),
            end=end.strftime(lang_format),
            days=(end - start).days + 1,
            period_days=(origin.sci_period_end - origin.sci_period_start).days + 1,
            invoice=origin.move_id.name,
        )
        # A contract line listed as a note is credited on the account and
        # taxes of the line above it, which carries its amount.
        booked = origin
        if origin.sci_is_contract_detail:
            booked = origin._sci_detail_summaries().get(origin, origin)
        return {
            "product_id": (origin.product_id or self.product_id).id,
            "name": f"{self.name}\n{label}" if self.name else label,
            "product_uom_id": (origin.product_uom_id or self.uom_id).id,
            "quantity": 1.0,
            "price_unit": amount,
            "discount": 0.0,
            "tax_ids": [Command.set(booked.tax_ids.ids)],
            "account_id": booked.account_id.id,
            "analytic_distribution": booked.analytic_distribution,
            "contract_line_id": self.id,
            "sci_credited_line_id": origin.id,
            "sci_credit_period_start": start,
            "sci_credit_period_end": end,
        }

    def _sci_after_shrink(self):
        """These lines just shrank: the contracts with Automatic Credit Memos
        get their credit memo at once, the others show Create Credit Memo."""
        self.contract_id.invalidate_recordset(["sci_credit_memo_due"])
        self.contract_id.filtered(
            "sci_automatic_credit_memos"
        )._sci_create_credit_memos()

    # === Price updates (Update Contract Prices) ===

    def _sci_updated_price_unit(self, factor):
        """This line's unit price times ``factor``, rounded to the Product
        Price precision."""
        self.ensure_one()
        digits = self.env["decimal.precision"].precision_get("Product Price")
        return float_round(self.price_unit * factor, precision_digits=digits)

    def _sci_apply_price_update(self, factor):
        """Multiply these lines' unit prices by ``factor`` (rounded to the
        Product Price precision), Locked contracts included: the price update
        of Update Contract Prices, for Service Contract Managers only."""
        self.contract_id._sci_check_manager()
        self.check_access("write")
        by_price = defaultdict(list)
        for line in self:
            by_price[line._sci_updated_price_unit(factor)].append(line.id)
        for price, line_ids in by_price.items():
            self.browse(line_ids)._sci_write_unlocked({"price_unit": price})
        return True

    def _sci_write_unlocked(self, vals):
        """Write ``vals`` without the lock check of Locked contracts: only for
        trusted code that checked the caller's rights itself (a price update
        by a Service Contract Manager), never reachable by a client."""
        return self.with_context(sci_skip_lock_check=Trusted()).write(vals)

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
