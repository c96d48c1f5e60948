# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

# invoice_period -> OCA recurrence (recurring_rule_type, recurring_interval)
INVOICE_PERIODS = {
    "month": ("monthly", 1),
    "two_months": ("monthly", 2),
    "quarter": ("quarterly", 1),
    "half_year": ("semesterly", 1),
    "year": ("yearly", 1),
}
# OCA recurrences that read as one of our invoice periods
RECURRENCE_TO_PERIOD = {
    ("monthly", 1): "month",
    ("monthlylastday", 1): "month",
    ("monthly", 2): "two_months",
    ("monthly", 3): "quarter",
    ("quarterly", 1): "quarter",
    ("monthly", 6): "half_year",
    ("semesterly", 1): "half_year",
    ("monthly", 12): "year",
    ("yearly", 1): "year",
}
PERIODS_PER_YEAR = {
    "month": 12,
    "two_months": 6,
    "quarter": 4,
    "half_year": 2,
    "year": 1,
}
# OCA recurrence rule -> periods in a year (divided by the interval)
RULE_PERIODS_PER_YEAR = {
    "daily": 365,
    "weekly": 52,
    "monthly": 12,
    "monthlylastday": 12,
    "quarterly": 4,
    "semesterly": 2,
    "yearly": 1,
}
# Fields whose change alters what is invoiced: refused while the contract is
# signed and Locked.
LOCKED_CONTRACT_FIELDS = {
    "invoice_period",
    "recurring_rule_type",
    "recurring_interval",
    "recurring_invoicing_type",
    "recurring_next_date",
    "date_start",
    "date_end",
    "line_recurrence",
    "pricelist_id",
    "partner_id",
    "invoice_partner_id",
    "currency_id",
    "manual_currency_id",
    "journal_id",
    "company_id",
    "fiscal_position_id",
    "contract_line_ids",
    "contract_line_fixed_ids",
}


class ContractContract(models.Model):
    _inherit = "contract.contract"

    is_service_contract = fields.Boolean(
        string="Service Contract",
        copy=True,
        index=True,
        help="Follows the service contract rules of this addon (sign, lock, "
        "invoice periods, Create Contract Invoices). Contracts created by OCA's "
        "screens, other modules or code keep OCA's behaviour unless ticked.",
    )
    invoice_period = fields.Selection(
        selection=[
            ("month", "Month"),
            ("two_months", "Two Months"),
            ("quarter", "Quarter"),
            ("half_year", "Half Year"),
            ("year", "Year"),
            ("none", "None"),
            ("custom", "Other (see recurrence)"),
        ],
        compute="_compute_invoice_period",
        inverse="_inverse_invoice_period",
        store=True,
        readonly=False,
        tracking=True,
        help="How often the contract is invoiced. 'None': never invoiced by "
        "period. 'Other' is shown for an OCA recurrence that is none of these.",
    )
    contract_state = fields.Selection(
        selection=[
            ("draft", "Quote"),
            ("signed", "Signed"),
            ("cancelled", "Cancelled"),
        ],
        string="Status",
        default="draft",
        required=True,
        copy=False,
        tracking=True,
        index=True,
    )
    change_status = fields.Selection(
        selection=[("open", "Open"), ("locked", "Locked")],
        default="open",
        required=True,
        copy=False,
        tracking=True,
        index=True,
        help="A signed contract is Locked. Open it to change its lines, prices, "
        "invoice period or dates, then lock it again. An Open contract is never "
        "invoiced.",
    )
    sci_is_locked = fields.Boolean(
        string="Locked for Changes",
        compute="_compute_sci_is_locked",
        help="A signed and Locked (or cancelled) service contract: its lines, "
        "prices, dates, customer and invoice period are read-only until it is "
        "Open.",
    )
    signed_date = fields.Date(copy=False, readonly=True)
    cancel_reason = fields.Text(string="Cancellation Reason", copy=False)
    combine_invoices = fields.Boolean(
        string="Combinable",
        help="Create Contract Invoices may put this contract on one invoice "
        "with other combinable contracts of the same invoice address, "
        "currency, company, journal, payment terms and fiscal position.",
    )
    amount_per_period = fields.Monetary(
        compute="_compute_amounts",
        currency_field="currency_id",
        help="Untaxed amount invoiced for one invoice period.",
    )
    annual_amount = fields.Monetary(
        compute="_compute_amounts",
        currency_field="currency_id",
        help="Untaxed amount invoiced over a year.",
    )
    annual_amount_target = fields.Monetary(
        string="Annual Amount to Spread",
        currency_field="currency_id",
        copy=False,
        help="Enter an annual amount and click Spread Annual Amount: the lines' "
        "prices are set so that one period invoices this amount divided by the "
        "periods in a year.",
    )
    sci_company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    sci_invoiced_this_year = fields.Monetary(
        string="Invoiced this Year",
        compute="_compute_sci_ledger",
        currency_field="sci_company_currency_id",
        groups="service_contract_invoicing.group_service_contract_user",
        help="Sale entries of the service ledger dated this calendar year, net "
        "of credit notes and undone invoices, in the company's currency.",
    )
    sci_ledger_entry_count = fields.Integer(
        string="Service Ledger Entries",
        compute="_compute_sci_ledger",
        groups="service_contract_invoicing.group_service_contract_user",
    )

    # === Computes ===

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

    @api.depends(
        "is_service_contract", "contract_type", "contract_state", "change_status"
    )
    def _compute_sci_is_locked(self):
        for contract in self:
            contract.sci_is_locked = (
                contract.is_service_contract
                and contract.contract_type == "sale"
                and (
                    contract.contract_state == "cancelled"
                    or (
                        contract.contract_state == "signed"
                        and contract.change_status == "locked"
                    )
                )
            )

    @api.depends(
        "invoice_period",
        "currency_id",
        "contract_line_ids.price_subtotal",
        "contract_line_ids.recurring_rule_type",
        "contract_line_ids.recurring_interval",
        "contract_line_ids.display_type",
        "contract_line_ids.is_canceled",
    )
    def _compute_amounts(self):
        """Amount per Period: what one period invoices, each line rounded to
        the currency as on the invoice. Annual Amount: each line's amount per
        period times its periods in a year, rounded once at the end, so a
        yearly 8,000.00 shows 8,000.00 (not OCA's rounded monthly amount x
        12, 8,000.04)."""
        for contract in self:
            if contract.invoice_period == "none":
                contract.amount_per_period = contract.annual_amount = 0.0
                continue
            currency = contract.currency_id
            lines = contract.contract_line_ids.filtered(
                lambda line: not line.display_type and not line.is_canceled
            )
            per_period = annual = 0.0
            for line in lines:
                amount = currency.round(line.price_subtotal)
                per_period += amount
                annual += amount * contract._sci_line_periods_per_year(line)
            contract.amount_per_period = currency.round(per_period)
            contract.annual_amount = currency.round(annual)

    @api.model
    def _sci_line_periods_per_year(self, line):
        """How many times a year ``line`` is invoiced (its own recurrence)."""
        return RULE_PERIODS_PER_YEAR.get(line.recurring_rule_type, 12) / (
            line.recurring_interval or 1
        )

    def _compute_sci_ledger(self):
        Entry = self.env["service.ledger.entry"]
        today = fields.Date.context_today(self)
        counts = dict(
            Entry._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        amounts = dict(
            Entry._read_group(
                [
                    ("contract_id", "in", self.ids),
                    ("entry_type", "=", "sale"),
                    ("date", ">=", today.replace(month=1, day=1)),
                    ("date", "<=", today.replace(month=12, day=31)),
                ],
                ["contract_id"],
                ["amount:sum"],
            )
        )
        for contract in self:
            contract.sci_ledger_entry_count = counts.get(contract, 0)
            contract.sci_invoiced_this_year = amounts.get(contract, 0.0)

    # === Constraints ===

    @api.constrains("invoice_period", "recurring_next_date")
    def _check_invoice_period_none(self):
        for contract in self:
            if contract.invoice_period == "none" and contract.recurring_next_date:
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: Invoice Period is None, so it "
                        "cannot have a Next Invoice Date. Clear the Next Invoice "
                        "Date or choose an Invoice Period.",
                        contract=contract.display_name,
                    )
                )

    @api.constrains("date_start", "date_end")
    def _check_contract_dates(self):
        for contract in self:
            if (
                contract.date_start
                and contract.date_end
                and contract.date_end < contract.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the End Date %(end)s is before the "
                        "Start Date %(start)s. Correct the End Date.",
                        contract=contract.display_name,
                        end=format_date(self.env, contract.date_end),
                        start=format_date(self.env, contract.date_start),
                    )
                )

    @api.constrains("company_id", "journal_id")
    def _check_journal_company(self):
        for contract in self:
            if (
                contract.journal_id
                and contract.journal_id.company_id != contract.company_id
            ):
                raise ValidationError(
                    self.env._(
                        "Contract %(contract)s: the Journal %(journal)s belongs to "
                        "company %(journal_company)s, not to the contract's company "
                        "%(company)s. Choose a journal of %(company)s.",
                        contract=contract.display_name,
                        journal=contract.journal_id.display_name,
                        journal_company=contract.journal_id.company_id.name,
                        company=contract.company_id.name,
                    )
                )

    # === Recurrence: a contract invoiced by no period has no next date ===

    @api.depends("invoice_period")
    def _compute_recurring_next_date(self):
        res = super()._compute_recurring_next_date()
        self.filtered(lambda c: c.invoice_period == "none").recurring_next_date = False
        return res

    def _sci_next_line(self):
        """The line invoiced next: its period is the contract's next period."""
        self.ensure_one()
        lines = self.contract_line_ids.filtered(
            lambda line: line.recurring_next_date
            and not line.is_canceled
            and not line.display_type
        )
        return lines and min(lines, key=lambda line: line.recurring_next_date)

    def _compute_next_period_date_start(self):
        res = super()._compute_next_period_date_start()
        for contract in self:
            line = contract._sci_next_line()
            if line:
                contract.next_period_date_start = line.next_period_date_start
        return res

    def _compute_next_period_date_end(self):
        res = super()._compute_next_period_date_end()
        for contract in self:
            line = contract._sci_next_line()
            if line:
                contract.next_period_date_end = line.next_period_date_end
        return res

    # === CRUD: locked contracts refuse changes to what is invoiced ===

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("invoice_period") == "none":
                vals.setdefault("recurring_next_date", False)
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.context.get("sci_skip_lock_check"):
            self._sci_check_locked(set(vals))
        if vals.get("invoice_period") == "none":
            vals = dict(vals, recurring_next_date=False)
        return super().write(vals)

    def _sci_check_locked(self, field_names):
        blocked = field_names & LOCKED_CONTRACT_FIELDS
        if not blocked:
            return
        for contract in self:
            if contract.contract_state == "cancelled" or (
                contract.contract_state == "signed"
                and contract.change_status == "locked"
            ):
                labels = self._sci_locked_field_labels(blocked)
                if contract.contract_state == "cancelled":
                    raise UserError(
                        self.env._(
                            "Contract %(contract)s is cancelled: %(fields)s can no "
                            "longer be changed.",
                            contract=contract.display_name,
                            fields=labels,
                        )
                    )
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is Locked: %(fields)s cannot be "
                        "changed. Click Open to change it, then Lock it again.",
                        contract=contract.display_name,
                        fields=labels,
                    )
                )

    def _sci_locked_field_labels(self, field_names):
        """What a user changed, in their words: "the contract lines and the
        invoice period", not the technical field labels."""
        env = self.env
        words = {
            "contract_line_ids": env._(
                "the contract lines (products, quantities, prices)"
            ),
            "contract_line_fixed_ids": env._(
                "the contract lines (products, quantities, prices)"
            ),
            "invoice_period": env._("the invoice period"),
            "recurring_rule_type": env._("the invoice period"),
            "recurring_interval": env._("the invoice period"),
            "line_recurrence": env._("the invoice period"),
            "recurring_invoicing_type": env._("the invoicing (pre-paid or in arrears)"),
            "recurring_next_date": env._("the next invoice date"),
            "date_start": env._("the start date"),
            "date_end": env._("the end date"),
            "partner_id": env._("the customer"),
            "invoice_partner_id": env._("the invoice address"),
            "pricelist_id": env._("the pricelist"),
            "currency_id": env._("the currency"),
            "manual_currency_id": env._("the currency"),
            "journal_id": env._("the journal"),
            "company_id": env._("the company"),
            "fiscal_position_id": env._("the fiscal position"),
        }
        names = [name for name in words if name in field_names] + sorted(
            name for name in field_names if name not in words
        )
        labels = []
        for name in names:
            label = words.get(name) or self._fields[name]._description_string(env)
            if label not in labels:
                labels.append(label)
        if len(labels) == 1:
            return labels[0]
        return env._(
            "%(items)s and %(last)s", items=", ".join(labels[:-1]), last=labels[-1]
        )

    # === Status actions ===

    def _sci_missing_for_signing(self):
        """What invoicing needs and this contract lacks, as readable labels."""
        self.ensure_one()
        missing = []
        if not self.partner_id:
            missing.append(self.env._("a customer"))
        lines = self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        )
        if not lines:
            missing.append(self.env._("at least one contract line"))
        if not self.invoice_period:
            missing.append(self.env._("an invoice period"))
        if not self.date_start:
            missing.append(self.env._("a start date"))
        for line in lines:
            if not line._sci_has_income_account():
                missing.append(
                    self.env._(
                        "an income account for %(product)s (on the product, its "
                        "category, or the journal)",
                        product=line.product_id.display_name or line.name,
                    )
                )
        return missing

    def _sci_check_manager(self):
        if not self.env.user.has_group(
            "service_contract_invoicing.group_service_contract_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Service Contract Manager can sign, open, lock or "
                    "cancel contracts (%(contracts)s).",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )

    def action_sign(self):
        self._sci_check_manager()
        for contract in self:
            if contract.contract_state != "draft":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is not a quote and cannot be signed.",
                        contract=contract.display_name,
                    )
                )
            missing = contract._sci_missing_for_signing()
            if missing:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be signed: it needs %(what)s.",
                        contract=contract.display_name,
                        what="; ".join(missing),
                    )
                )
        self.with_context(sci_skip_lock_check=True).write(
            {
                "contract_state": "signed",
                "change_status": "locked",
                "signed_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_cancel_contract(self):
        self._sci_check_manager()
        for contract in self:
            if contract.contract_state == "cancelled":
                continue
            if not (contract.cancel_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: fill in the Cancellation Reason "
                        "before cancelling it.",
                        contract=contract.display_name,
                    )
                )
            contract.message_post(
                body=Markup("%s<br/>%s")
                % (self.env._("Contract cancelled."), contract.cancel_reason)
            )
        self.with_context(sci_skip_lock_check=True).write(
            {"contract_state": "cancelled"}
        )
        return True

    def _sci_lock_rows_nowait(self):
        """Row-lock these contracts, failing at once if another transaction
        holds them: two users opening/locking the same contract get a clear
        error instead of a silent overwrite."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM contract_contract WHERE id IN %s "
                        "FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    )
                )
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "%(contracts)s is being changed by another user right now. "
                    "Reload the contract and try again.",
                    contracts=", ".join(self.mapped("display_name")),
                )
            ) from error
        # Read what the database holds now, not what the form showed.
        self.invalidate_recordset(["change_status", "contract_state"])

    def _sci_set_change_status(self, new_status):
        self._sci_check_manager()
        self.flush_recordset()
        self._sci_lock_rows_nowait()
        for contract in self:
            if contract.contract_state != "signed":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is not signed: only signed "
                        "contracts are opened and locked.",
                        contract=contract.display_name,
                    )
                )
            if contract.change_status == new_status:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is already %(status)s, changed by "
                        "%(user)s. Reload the contract.",
                        contract=contract.display_name,
                        status=dict(
                            self._fields["change_status"]._description_selection(
                                self.env
                            )
                        )[new_status],
                        user=contract.write_uid.name,
                    )
                )
        self.with_context(sci_skip_lock_check=True).write({"change_status": new_status})
        body = (
            self.env._(
                "Contract opened for changes by %(user)s.", user=self.env.user.name
            )
            if new_status == "open"
            else self.env._("Contract locked by %(user)s.", user=self.env.user.name)
        )
        for contract in self:
            contract.message_post(body=body)
        return True

    def action_open_changes(self):
        return self._sci_set_change_status("open")

    def action_lock(self):
        return self._sci_set_change_status("locked")

    def _sci_periods_per_year(self):
        self.ensure_one()
        if self.invoice_period in PERIODS_PER_YEAR:
            return PERIODS_PER_YEAR[self.invoice_period]
        months = self._sci_period_months()
        if months and 12 % months == 0:
            return 12 // months
        raise UserError(
            self.env._(
                "Contract %(contract)s: an annual amount can only be spread over "
                "an invoice period that divides a year.",
                contract=self.display_name,
            )
        )

    def _sci_spread_shares(self, lines, per_period):
        """Split one period's amount over the lines in proportion to their
        current amounts (equally when they have none). Each share is rounded
        to the currency; the rounding difference goes to the last line, so the
        shares always add up to the period amount."""
        currency = self.currency_id
        weights = [line.price_subtotal for line in lines]
        total = sum(weights)
        if not currency.compare_amounts(total, 0.0) > 0:
            weights, total = [1.0] * len(lines), float(len(lines))
        shares = [currency.round(per_period * w / total) for w in weights[:-1]]
        shares.append(currency.round(per_period - sum(shares)))
        return shares

    def action_spread_annual_amount(self):
        self._sci_check_manager()
        for contract in self:
            contract._sci_check_locked({"contract_line_ids"})
            lines = contract.contract_line_ids.filtered(
                lambda line: not line.display_type and not line.is_canceled
            )
            currency = contract.currency_id
            if (
                not lines
                or currency.compare_amounts(contract.annual_amount_target, 0) <= 0
            ):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: enter a positive Annual Amount to "
                        "Spread and at least one contract line.",
                        contract=contract.display_name,
                    )
                )
            periods = contract._sci_periods_per_year()
            per_period = currency.round(contract.annual_amount_target / periods)
            for line, share in zip(
                lines, contract._sci_spread_shares(lines, per_period), strict=True
            ):
                factor = line.quantity * (1 - (line.discount or 0.0) / 100.0)
                if not factor:
                    raise UserError(
                        self.env._(
                            "Contract %(contract)s, line %(line)s: a zero quantity "
                            "or a 100%% discount cannot carry an amount.",
                            contract=contract.display_name,
                            line=line.name,
                        )
                    )
                line.write({"automatic_price": False, "price_unit": share / factor})
            difference = currency.round(
                contract.annual_amount_target - per_period * periods
            )
            contract.message_post(
                body=self.env._(
                    "Annual amount %(annual)s spread over %(periods)s periods of "
                    "%(per_period)s; rounding difference over a year: "
                    "%(difference)s.",
                    annual=contract.annual_amount_target,
                    periods=periods,
                    per_period=per_period,
                    difference=difference,
                )
            )
        return True

    def action_view_sci_ledger_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.service_ledger_entry_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action

    # === Invoicing ===

    def _sci_not_invoiceable_reason(self):
        """Why this contract is never invoiced by period, or '' when it is."""
        self.ensure_one()
        if self.contract_state == "cancelled":
            return self.env._("cancelled")
        if self.contract_state != "signed":
            return self.env._("not signed")
        if self.change_status == "open":
            return self.env._("change status is Open")
        if self.invoice_period == "none":
            return self.env._("invoice period is None")
        return ""

    @api.model
    def _sci_invoiceable_domain(self):
        return [
            ("contract_type", "=", "sale"),
            ("contract_state", "=", "signed"),
            ("change_status", "=", "locked"),
            ("invoice_period", "!=", "none"),
        ]

    @api.model
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        # OCA's own cron skips what is never invoiced here (Open, quotes,
        # cancelled, no period); supplier contracts keep OCA's behaviour.
        domain = super()._get_contracts_to_invoice_domain(date_ref)
        return domain + [
            "|",
            ("contract_type", "!=", "sale"),
            "&",
            "&",
            ("contract_state", "=", "signed"),
            ("change_status", "=", "locked"),
            ("invoice_period", "!=", "none"),
        ]

    def _recurring_create_invoice(self, date_ref=False):
        # Every path through OCA (its cron, its buttons and wizard) skips
        # contracts that must not be invoiced.
        invoiceable = self.filtered(
            lambda c: c.contract_type != "sale" or not c._sci_not_invoiceable_reason()
        )
        # OCA recomputes the next invoice date by assignment, a write that
        # invoicing itself is allowed to do on a locked contract.
        return super(
            ContractContract, invoiceable.with_context(sci_skip_lock_check=True)
        )._recurring_create_invoice(date_ref)

    def action_create_service_invoice(self):
        """Create Service Invoice: invoice this contract for every period whose
        next invoice date is before the working date."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        reason = self._sci_not_invoiceable_reason()
        if reason:
            raise UserError(
                self.env._(
                    "Contract %(contract)s cannot be invoiced: %(reason)s.",
                    contract=self.display_name,
                    reason=reason,
                )
            )
        if not self.recurring_next_date or self.recurring_next_date >= today:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is not due: its next invoice date "
                    "%(date)s is not earlier than the working date %(today)s.",
                    contract=self.display_name,
                    date=format_date(self.env, self.recurring_next_date)
                    or self.env._("(none)"),
                    today=format_date(self.env, today),
                )
            )
        result = self.env["service.contract.invoicing"].run(
            self,
            posting_date=today,
            invoice_to_date=fields.Date.subtract(today, days=1),
        )
        if result.failures:
            raise UserError(result.failures[0][1])
        if not result.moves:
            raise UserError(
                self.env._(
                    "Contract %(contract)s: nothing was invoiced (%(reason)s).",
                    contract=self.display_name,
                    reason="; ".join(reason for __, reason in result.skipped)
                    or self.env._("no period due"),
                )
            )
        for move in result.moves:
            # A Service Contract User invoices contracts they can only read.
            self.sudo().message_post(
                body=Markup(self.env._("Service invoice created: %(link)s"))
                % {"link": move._get_html_link(title=move.name or move.display_name)}
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "views": [(self.env.ref("account.view_move_form").id, "form")],
                "res_id": result.moves[:1].id,
                "domain": [("id", "in", result.moves.ids)],
            }
        )
        return action
