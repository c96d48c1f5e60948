# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from dateutil.relativedelta import relativedelta
from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import SQL, format_amount, format_date

from .contract_line import MONTHS_PER_RULE, SERVICE_PERIOD_MONTHS, service_period
from .trusted_context import Trusted, trusted_option

_logger = logging.getLogger(__name__)

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
    "align_to_calendar",
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
    "cash_rounding_id",
    "contract_line_ids",
    "contract_line_fixed_ids",
}
# The lifecycle of a service contract: changed only by its actions (Sign, Open,
# Lock, Cancel) and by the install, never written directly.
STATUS_FIELDS = {"contract_state", "change_status", "signed_date"}
# What a new contract's status fields may hold when created directly: a quote.
STATUS_DEFAULTS = {
    "contract_state": "draft",
    "change_status": "open",
    "signed_date": False,
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
    align_to_calendar = fields.Boolean(
        string="Align Periods to the Calendar",
        tracking=True,
        help="Business Central's periods: the first period runs from the start "
        "date to the end of its calendar month (two months, quarter, half year, "
        "year) and is invoiced pro rata by days; later periods follow the "
        "calendar. Unticked, periods are anchored on the start date.",
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
        "currency, company, journal, payment terms, fiscal position and cash "
        "rounding method.",
    )
    cash_rounding_id = fields.Many2one(
        comodel_name="account.cash.rounding",
        string="Cash Rounding Method",
        tracking=True,
        help="Rounds the total of this contract's invoices to the smallest "
        "coinage of the currency, as Odoo's invoices do (Invoicing settings: "
        "Cash Rounding).",
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
    sci_has_period_gaps = fields.Boolean(
        string="Periods not Invoiced",
        compute="_compute_sci_has_period_gaps",
        search="_search_sci_has_period_gaps",
        help="A cancelled invoice left periods of this contract not invoiced "
        "while later periods are: Create Contract Invoices invoices them when "
        "asked to.",
    )
    sci_ledger_entry_count = fields.Integer(
        string="Service Ledger Entries",
        compute="_compute_sci_ledger",
        groups="service_contract_invoicing.group_service_contract_user",
    )
    # Deferred revenue (Post Prepaid Contract Entries)
    sci_defer_revenue = fields.Boolean(
        string="Defer Prepaid Revenue",
        compute="_compute_sci_defer_revenue",
        store=True,
        readonly=False,
        precompute=True,
        help="The revenue of a prepaid period longer than a month (or ending "
        "after the invoice's month) is booked to the deferred revenue account "
        "and recognised month by month by Post Prepaid Contract Entries. "
        "Default: the company's setting.",
    )
    sci_deferred_revenue_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Deferred Revenue Account",
        domain="[('account_type', '=', 'liability_current'), "
        "('company_ids', 'parent_of', company_id)]",
        help="Empty: the company's deferred revenue account.",
    )
    sci_deferred_revenue_pending = fields.Monetary(
        string="Deferred Revenue not yet Recognised",
        compute="_compute_sci_deferred_revenue",
        currency_field="sci_company_currency_id",
        groups="service_contract_invoicing.group_service_contract_user",
        help="Invoiced prepaid revenue of this contract still on the deferred "
        "revenue account, in the company's currency.",
    )
    sci_revenue_schedule_count = fields.Integer(
        string="Deferral Schedule Rows",
        compute="_compute_sci_deferred_revenue",
        groups="service_contract_invoicing.group_service_contract_user",
    )
    # Price updates (Business Central: Update Contract Prices)
    sci_price_update_period = fields.Integer(
        string="Price Update Period",
        tracking=True,
        help="Months between two price updates (Update Contract Prices). "
        "Empty or 0: the contract's prices are never updated.",
    )
    sci_next_price_update_date = fields.Date(
        string="Next Price Update Date",
        copy=False,
        tracking=True,
        help="Update Contract Prices updates this contract when its Update-to "
        "Date is on or after this date, then moves it on by the Price Update "
        "Period.",
    )
    sci_last_price_update_percent = fields.Float(
        string="Last Price Update %",
        digits=(16, 2),
        copy=False,
        readonly=True,
    )
    sci_last_price_update_date = fields.Date(
        string="Last Price Update Date", copy=False, readonly=True
    )
    sci_automatic_credit_memos = fields.Boolean(
        string="Automatic Credit Memos",
        tracking=True,
        help="When a line is removed (its End Date set before the end of what "
        "was invoiced) or the contract is cancelled, the part already invoiced "
        "for the time after is credited at once by a draft credit memo. "
        "Unticked: click Create Credit Memo on the contract.",
    )
    sci_credit_memo_due = fields.Boolean(
        string="Credit Memo to Create",
        compute="_compute_sci_credit_memo_due",
        help="Invoiced periods of removed lines (or of the cancelled contract) "
        "are not credited yet.",
    )
    sci_price_increase_text = fields.Text(
        string="Price Increase Text",
        copy=False,
        help="Printed as a note on the next invoice of this contract, then cleared.",
    )

    # === Which contracts follow this addon's rules ===

    @api.model
    @api.readonly
    def get_views(self, views, options=None):
        """OCA's customer form labels partner_id "Customer": so does the web
        client when it names the required fields left empty ("Invalid
        fields: Customer", from the fields returned here, not from the
        form's labels)."""
        res = super().get_views(views, options=options)
        customer_form = self.env.ref(
            "contract.contract_contract_customer_form_view", raise_if_not_found=False
        )
        fields = res["models"].get(self._name, {}).get("fields", {})
        if (
            customer_form
            and [customer_form.id, "form"] in [list(view) for view in views]
            and "string" in fields.get("partner_id", {})
        ):
            fields["partner_id"]["string"] = self.env._("Customer")
        return res

    @api.model
    def _sci_service_domain(self):
        """Service contracts: customer contracts with the flag. Only they follow
        this addon's lifecycle (sign, lock), periods and engine; every other
        contract keeps OCA's behaviour."""
        return [("contract_type", "=", "sale"), ("is_service_contract", "=", True)]

    def _sci_service_contracts(self):
        """The service contracts among these (see _sci_service_domain)."""
        return self.filtered(
            lambda c: c.contract_type == "sale" and c.is_service_contract
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
        # The form edits the lines through OCA's contract_line_fixed_ids:
        # computed before save too.
        "contract_line_fixed_ids.price_subtotal",
        "contract_line_fixed_ids.recurring_rule_type",
        "contract_line_fixed_ids.recurring_interval",
        "contract_line_fixed_ids.display_type",
        "contract_line_fixed_ids.is_canceled",
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
            lines = (
                contract.contract_line_ids | contract.contract_line_fixed_ids
            ).filtered(lambda line: not line.display_type and not line.is_canceled)
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

    @api.depends("company_id")
    def _compute_sci_defer_revenue(self):
        for contract in self:
            contract.sci_defer_revenue = contract.company_id.sci_defer_prepaid_revenue

    def _compute_sci_deferred_revenue(self):
        Schedule = self.env["contract.revenue.schedule"]
        counts = dict(
            Schedule._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        pending = dict(
            Schedule._read_group(
                [("contract_id", "in", self.ids), ("state", "=", "pending")],
                ["contract_id"],
                ["amount:sum"],
            )
        )
        for contract in self:
            contract.sci_revenue_schedule_count = counts.get(contract, 0)
            contract.sci_deferred_revenue_pending = pending.get(contract, 0.0)

    # === Constraints ===

    @api.constrains("sci_deferred_revenue_account_id", "company_id")
    def _check_sci_deferred_revenue_account(self):
        for contract in self.filtered("sci_deferred_revenue_account_id"):
            contract.company_id._sci_check_deferred_revenue_account(
                contract.sci_deferred_revenue_account_id
            )

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
        # OCA checks the dates of its lines; the contract's own are checked
        # only where the contract's dates drive invoicing.
        for contract in self._sci_service_contracts():
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

    # === Recurrence: service periods come from the lines ===

    def _sci_period_months(self):
        """Months of the invoice period when this contract follows the service
        contract periods, else 0 (OCA's arithmetic)."""
        self.ensure_one()
        if (
            self.contract_type != "sale"
            or not self.is_service_contract
            or not self.date_start
            or self.invoice_period in (False, "none", "custom")
        ):
            return 0
        months = MONTHS_PER_RULE.get(self.recurring_rule_type, 0) * (
            self.recurring_interval or 0
        )
        return months if months in SERVICE_PERIOD_MONTHS else 0

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
        from it (see contract_line.service_period)."""
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

    # === CRUD: locked contracts refuse changes to what is invoiced ===

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("invoice_period") == "none":
                vals.setdefault("recurring_next_date", False)
            if not trusted_option(self.env, "sci_status_write") and any(
                (vals.get(name) or False) != (STATUS_DEFAULTS[name] or False)
                for name in STATUS_FIELDS
                if name in vals
            ):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: a new contract is a quote. Sign "
                        "it with Sign once it is complete.",
                        contract=vals.get("name") or "",
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if STATUS_FIELDS & set(vals) and not trusted_option(
            self.env, "sci_status_write"
        ):
            self._sci_refuse_status_write(STATUS_FIELDS & set(vals))
        if not trusted_option(self.env, "sci_skip_lock_check"):
            self._sci_check_locked(set(vals))
            if "is_service_contract" in vals:
                self._sci_check_service_flag(bool(vals["is_service_contract"]))
        if vals.get("invoice_period") == "none":
            vals = dict(vals, recurring_next_date=False)
        res = super().write(vals)
        if vals.get("recurring_next_date"):
            self._sci_sync_next_date_to_lines(
                fields.Date.to_date(vals["recurring_next_date"])
            )
        return res

    def _sci_refuse_status_write(self, field_names):
        """The status of a contract changes through Sign, Open, Lock and
        Cancel only: they check what the change needs and say it in the
        chatter, which a direct write would skip."""
        raise UserError(
            self.env._(
                "Contracts %(contracts)s: %(fields)s cannot be written directly. "
                "Use the Sign, Open, Lock and Cancel buttons of the contract.",
                contracts=", ".join(self.mapped("display_name")),
                fields=", ".join(
                    self._fields[name]._description_string(self.env)
                    for name in sorted(field_names)
                ),
            )
        )

    def _sci_check_service_flag(self, is_service):
        """A contract becomes (or stops being) a service contract only while it
        is a quote: a signed contract cannot escape its lock that way."""
        for contract in self:
            if (
                contract.is_service_contract != is_service
                and contract.contract_state != "draft"
            ):
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is no longer a quote: whether it "
                        "is a service contract cannot change any more.",
                        contract=contract.display_name,
                    )
                )

    def _sci_check_locked(self, field_names):
        """Refuse changes to what is invoiced on a Locked or cancelled service
        contract; other contracts keep OCA's behaviour (always editable)."""
        blocked = field_names & LOCKED_CONTRACT_FIELDS
        if not blocked:
            return
        for contract in self._sci_service_contracts():
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
            "cash_rounding_id": env._("the cash rounding method"),
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
        # And only contracts of the manager's companies (record rules).
        self.check_access("write")

    def _sci_check_invoicing_user(self):
        """Invoicing a service contract (one contract, a batch, OCA's paths
        into the engine) is for Service Contract Users of the contract's
        company; the engine then writes the invoiced dates as superuser."""
        if not self.env.su and not self.env.user.has_group(
            "service_contract_invoicing.group_service_contract_user"
        ):
            raise AccessError(
                self.env._(
                    "Only a Service Contract User can invoice service contracts "
                    "(%(contracts)s).",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )
        self.check_access("read")

    def _sci_check_service(self):
        """Sign, open, lock and cancel belong to service contracts only."""
        for contract in self - self._sci_service_contracts():
            raise UserError(
                self.env._(
                    "Contract %(contract)s is not a service contract: it follows "
                    "OCA's rules and is not signed, locked or cancelled. Tick "
                    "Service Contract while it is a quote to use them.",
                    contract=contract.display_name,
                )
            )

    def action_sign(self):
        self._sci_check_manager()
        self._sci_check_service()
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
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write(
            {
                "contract_state": "signed",
                "change_status": "locked",
                "signed_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_cancel_contract(self):
        self._sci_check_manager()
        self._sci_check_service()
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
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"contract_state": "cancelled"})
        self._sci_shrink_on_cancel()
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
        self._sci_check_service()
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
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"change_status": new_status})
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
        months = MONTHS_PER_RULE.get(self.recurring_rule_type, 0) * (
            self.recurring_interval or 0
        )
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

    def action_view_sci_revenue_schedule(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.contract_revenue_schedule_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action

    def _sci_defers_revenue(self):
        """Whether prepaid periods of this contract are deferred."""
        self.ensure_one()
        return (
            self.is_service_contract
            and self.contract_type == "sale"
            and self.sci_defer_revenue
        )

    def _sci_deferred_revenue_account(self):
        """The deferred revenue account of this contract's invoices."""
        self.ensure_one()
        account = (
            self.sci_deferred_revenue_account_id
            or self.company_id.sci_deferred_revenue_account_id
        )
        if not account:
            raise UserError(
                self.env._(
                    "Contract %(contract)s defers its prepaid revenue but no "
                    "deferred revenue account is set. Choose one in Service "
                    "Contracts > Configuration > Settings > Prepaid Revenue, or "
                    "on the contract.",
                    contract=self.display_name,
                )
            )
        return account

    # === Price updates (Update Contract Prices) ===

    def _sci_price_update_skip_reason(self):
        """Why Update Contract Prices leaves this contract's prices alone, or
        '' when it updates them."""
        self.ensure_one()
        if not self._sci_service_contracts():
            return self.env._("not a service contract")
        if self.contract_state == "cancelled":
            return self.env._("cancelled")
        if self.contract_state != "signed":
            return self.env._("not signed")
        if self.change_status == "open":
            return self.env._("Open contract: lock it to update its prices")
        if self.sci_price_update_period <= 0:
            return self.env._("no Price Update Period")
        return ""

    def _sci_price_update_lines(self):
        """The lines whose unit price a price update multiplies: product lines
        with a price of their own (a pricelist price follows its pricelist)."""
        self.ensure_one()
        return self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.automatic_price
        )

    def _sci_annual_amount_after_update(self, factor):
        """The Annual Amount this contract would show once its prices are
        multiplied by ``factor``, computed as _compute_amounts does."""
        self.ensure_one()
        if self.invoice_period == "none":
            return 0.0
        currency = self.currency_id
        updated = self._sci_price_update_lines()
        annual = 0.0
        for line in self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        ):
            if line in updated:
                amount = currency.round(
                    line.quantity
                    * line._sci_updated_price_unit(factor)
                    * (1 - (line.discount or 0.0) / 100.0)
                )
            else:
                amount = currency.round(line.price_subtotal)
            annual += amount * self._sci_line_periods_per_year(line)
        return currency.round(annual)

    def _sci_next_price_update_after(self, update_to_date):
        """The next price update date once updated by a run up to
        ``update_to_date``: moved on by the period until it is after that date,
        so that one run updates a contract once, and a second run with the same
        Update-to Date changes nothing."""
        self.ensure_one()
        months = relativedelta(months=self.sci_price_update_period)
        next_date = self.sci_next_price_update_date + months
        while next_date <= update_to_date:
            next_date += months
        return next_date

    def _sci_apply_price_update(self, percent, update_to_date):
        """Update Contract Prices on these contracts: each line's unit price
        times (1 + percent / 100), rounded to the Product Price precision; the
        next price update date moved on; old and new Annual Amount in the
        chatter. Only for a Service Contract Manager, on signed and Locked
        service contracts (see _sci_price_update_skip_reason).

        :return: [(contract, old annual amount, new annual amount)]"""
        self._sci_check_manager()
        self.check_access("write")
        factor = 1 + percent / 100.0
        today = fields.Date.context_today(self)
        done = []
        for contract in self:
            reason = contract._sci_price_update_skip_reason()
            if reason:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: prices not updated (%(reason)s).",
                        contract=contract.display_name,
                        reason=reason,
                    )
                )
            old_amount = contract.annual_amount
            contract._sci_price_update_lines()._sci_apply_price_update(factor)
            contract.write(
                {
                    "sci_next_price_update_date": (
                        contract._sci_next_price_update_after(update_to_date)
                    ),
                    "sci_last_price_update_percent": percent,
                    "sci_last_price_update_date": today,
                }
            )
            new_amount = contract.annual_amount
            contract.message_post(
                body=self.env._(
                    "Prices updated by %(percent)s%%: Annual Amount %(old)s -> "
                    "%(new)s. Next price update: %(next)s.",
                    percent=f"{percent:.2f}",
                    old=format_amount(self.env, old_amount, contract.currency_id),
                    new=format_amount(self.env, new_amount, contract.currency_id),
                    next=format_date(self.env, contract.sci_next_price_update_date),
                )
            )
            done.append((contract, old_amount, new_amount))
        return done

    def _sci_price_increase_note_values(self):
        """Invoice line values of this contract's Price Increase Text: a note
        line on its next invoice (see service.contract.invoicing)."""
        if not self.sci_price_increase_text:
            return []
        return [{"display_type": "line_note", "name": self.sci_price_increase_text}]

    def _sci_clear_price_increase_text(self):
        """The Price Increase Text went on an invoice: cleared."""
        contracts = self.filtered("sci_price_increase_text")
        # Invoicing bookkeeping: a Service Contract User invoices contracts
        # they may read but not change.
        contracts.sudo().write({"sci_price_increase_text": False})

    # === Credit memos when a contract shrinks ===

    def _compute_sci_credit_memo_due(self):
        for contract in self:
            contract.sci_credit_memo_due = bool(
                contract._sci_service_contracts()
                and contract.contract_line_ids._sci_credit_memo_candidates()
            )

    def _sci_shrink_on_cancel(self):
        """A cancelled service contract ends on the day it is cancelled: its
        lines invoiced beyond that day end then, and what was invoiced for the
        days after is credited (see contract.line._sci_shrink_values). Lines
        not started yet keep their dates: credit them with Odoo's Credit
        Note."""
        today = fields.Date.context_today(self)
        lines = self._sci_service_contracts().contract_line_ids.filtered(
            lambda line: not line.display_type
            and line.last_date_invoiced
            and line.last_date_invoiced > today
            and (not line.date_start or line.date_start <= today)
        )
        # Part of the cancellation a manager just made (checked by
        # action_cancel_contract): the cancelled contract's lines end today.
        lines._sci_write_unlocked({"date_end": today})

    def _sci_prepare_credit_memo_values(self, items, date_format):
        """Values of one draft credit memo of this contract: ``items`` are
        (contract line, invoice line, credit from, credit to) of invoices with
        the same customer, currency, journal and fiscal position."""
        self.ensure_one()
        invoice = items[0][1].move_id
        return {
            "move_type": "out_refund",
            "partner_id": invoice.partner_id.id,
            "currency_id": invoice.currency_id.id,
            "journal_id": invoice.journal_id.id,
            "fiscal_position_id": invoice.fiscal_position_id.id,
            "company_id": self.company_id.id,
            "invoice_date": fields.Date.context_today(self),
            "invoice_origin": self.name,
            "ref": self.env._("Contract %(contract)s reduced", contract=self.name),
            "invoice_line_ids": [
                Command.create(
                    line.with_context(
                        sci_date_format=Trusted(date_format)
                    )._sci_prepare_credit_memo_line_values(origin, start, end)
                )
                for line, origin, start, end in items
            ],
        }

    def _sci_create_credit_memos(self):
        """Draft credit memos of these service contracts for what was invoiced
        after their lines ended (see contract.line._sci_credit_memo_candidates):
        one per contract and invoicing terms, one line per contract line and
        invoiced period, pro rata by day. Each invoiced period is credited
        once.

        :return: the credit memos"""
        Engine = self.env["service.contract.invoicing"]
        vals_list = []
        contracts = []
        for contract in self._sci_service_contracts():
            groups = defaultdict(list)
            for item in contract.contract_line_ids._sci_credit_memo_candidates():
                invoice = item[1].move_id
                key = (
                    invoice.partner_id,
                    invoice.currency_id,
                    invoice.journal_id,
                    invoice.fiscal_position_id,
                )
                groups[key].append(item)
            date_format = Engine._date_format(contract.partner_id.lang)
            for items in groups.values():
                vals_list.append(
                    contract._sci_prepare_credit_memo_values(items, date_format)
                )
                contracts.append(contract)
        if not vals_list:
            return self.env["account.move"]
        # Bookkeeping that follows a permitted change of the contract (a line
        # removed while Open, the contract cancelled, Create Credit Memo by a
        # manager): a draft for an accountant to check and post, whether or not
        # this user may create invoices.
        moves = self.env["account.move"].sudo().create(vals_list)
        self.invalidate_recordset(["sci_credit_memo_due"])
        for contract, move in zip(contracts, moves, strict=True):
            contract.sudo().message_post(
                body=Markup(self.env._("Credit memo created: %(link)s"))
                % {"link": move._get_html_link(title=move.display_name)}
            )
        return moves.sudo(False)

    def action_create_credit_memo(self):
        """Create Credit Memo: credit what was invoiced after the contract's
        lines were removed or the contract cancelled."""
        self._sci_check_manager()
        moves = self._sci_create_credit_memos()
        if not moves:
            raise UserError(
                self.env._(
                    "Nothing to credit on %(contracts)s: no invoiced period ends "
                    "after a removed line's End Date.",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_refund_type"
        )
        action["domain"] = [("id", "in", moves.ids)]
        if len(moves) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = moves.id
        return action

    # === Invoicing ===

    def _compute_sci_has_period_gaps(self):
        gaps = self.env["service.contract.invoicing"]._period_gaps(
            self.contract_line_ids
        )
        with_gaps = {line.contract_id for line, __, __ in gaps}
        for contract in self:
            contract.sci_has_period_gaps = contract in with_gaps

    def _search_sci_has_period_gaps(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        gaps = self.env["service.contract.invoicing"]._period_gaps_all()
        ids = list({line.contract_id.id for line, __, __ in gaps})
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _sci_not_invoiceable_reason(self):
        """Why the engine never invoices this contract by period, or '' when
        it does."""
        self.ensure_one()
        if not self._sci_service_contracts():
            return self.env._("not a service contract (invoiced with OCA's rules)")
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
        """The contracts the engine invoices (see _sci_not_invoiceable_reason)."""
        return self._sci_service_domain() + [
            ("contract_state", "=", "signed"),
            ("change_status", "=", "locked"),
            ("invoice_period", "!=", "none"),
        ]

    @api.model
    def _sci_oca_rules_domain(self):
        """The contracts that keep OCA's rules: every one but service contracts."""
        return ["!", "&", *self._sci_service_domain()]

    @api.model
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        # OCA's cron and manual wizard: contracts with OCA's rules as OCA
        # selects them, and the service contracts the engine would invoice.
        # With sci_oca_rules_only (scheduled actions), only the former: the
        # engine selects service contracts itself.
        domain = super()._get_contracts_to_invoice_domain(date_ref)
        if trusted_option(self.env, "sci_oca_rules_only"):
            return expression.AND([domain, self._sci_oca_rules_domain()])
        return expression.AND(
            [
                domain,
                expression.OR(
                    [self._sci_oca_rules_domain(), self._sci_invoiceable_domain()]
                ),
            ]
        )

    @api.model
    def _cron_recurring_create(self, date_ref=False, create_type="invoice"):
        # OCA's scheduled action, should someone activate it again: service
        # contracts are invoiced by the engine exactly as Create Contract
        # Invoices does (it skips what another run holds or already invoiced),
        # then OCA invoices the other contracts with its own rules.
        if create_type == "invoice" and not trusted_option(
            self.env, "sci_oca_rules_only"
        ):
            self.env["service.contract.invoicing"].with_context(
                sci_skip_oca_cron=Trusted()
            )._cron_create_invoices()
        return super(
            ContractContract, self.with_context(sci_oca_rules_only=Trusted())
        )._cron_recurring_create(date_ref, create_type)

    @api.model
    def _sci_cron_invoice_oca_contracts(self):
        """Run OCA's own invoicing for the contracts that keep OCA's rules
        (called by Create Contract Invoices' scheduled action, the only active
        one)."""
        return self.with_context(
            sci_oca_rules_only=Trusted()
        ).cron_recurring_create_invoice()

    def _recurring_create_invoice(self, date_ref=False):
        # OCA's invoicing entry for a batch of contracts: service contracts go
        # through the engine (posting date and invoice-to date: date_ref or
        # today); the others keep OCA's code and rules.
        service = self._sci_service_contracts()
        moves = self.env["account.move"]
        if self - service:
            moves |= super(ContractContract, self - service)._recurring_create_invoice(
                date_ref
            )
        if service:
            service._sci_check_invoicing_user()
            day = self.env["service.contract.invoicing"]._to_date(
                date_ref
            ) or fields.Date.context_today(self)
            result = self.env["service.contract.invoicing"].run(
                service, posting_date=day, invoice_to_date=day, combine=True
            )
            for contract, message in result.failures:
                _logger.warning(
                    "Contract %s not invoiced: %s", contract.display_name, message
                )
            moves |= result.moves
        return moves

    def _add_contract_origin(self, invoices):
        # Within the engine's steps after creating a batch of invoices: the
        # message naming the contract on each invoice, as OCA's, logged for
        # the whole batch at once instead of one message_post per invoice
        # (a seventh of the time of a run). Invoices have no follower yet at
        # this point: message_post would notify nobody either.
        if not trusted_option(self.env, "sci_invoices_by_contract"):
            return super()._add_contract_origin(invoices)
        bodies = defaultdict(list)
        for contract in self:
            link = contract._get_html_link(title=contract.display_name)
            for move in invoices & contract._get_related_invoices():
                bodies[move.id].append(
                    Markup("%s %s %s.")
                    % (move._creation_message(), self.env._("by contract"), link)
                )
        # A combined invoice gets one message per contract, as with OCA.
        for index in range(max(map(len, bodies.values()), default=0)):
            round_bodies = {
                move_id: texts[index]
                for move_id, texts in bodies.items()
                if len(texts) > index
            }
            invoices.browse(list(round_bodies))._message_log_batch(round_bodies)

    def _prepare_invoice(self, date_invoice, journal=None):
        # A service contract's invoices round their total as the contract
        # says (Odoo's cash rounding, which OCA's contract does not know).
        vals = super()._prepare_invoice(date_invoice, journal=journal)
        if self._sci_service_contracts() and self.cash_rounding_id:
            vals["invoice_cash_rounding_id"] = self.cash_rounding_id.id
        return vals

    def _get_related_invoices(self):
        # Within the engine's steps after creating invoices (OCA's
        # _add_contract_origin, _invoice_followers), which only act on the
        # invoices just created, those are given: no search of every invoice
        # line of each contract.
        invoices_by_contract = trusted_option(self.env, "sci_invoices_by_contract")
        if invoices_by_contract and self.id in invoices_by_contract:
            return self.env["account.move"].browse(invoices_by_contract[self.id])
        return super()._get_related_invoices()

    def recurring_create_invoice(self):
        # OCA's Create invoices button (hidden on service contracts) and its
        # manual wizard: a service contract is invoiced as Create Service
        # Invoice does; the wizard's invoice date is the posting date.
        self.ensure_one()
        if not self._sci_service_contracts():
            return super().recurring_create_invoice()
        posting_date = trusted_option(self.env, "sci_posting_date")
        if posting_date:
            return self._sci_create_service_invoice(posting_date, posting_date)
        today = fields.Date.context_today(self)
        return self._sci_create_service_invoice(today, today)

    def _sci_create_service_invoice(self, posting_date, invoice_to_date):
        """Invoice this service contract for every period due up to
        invoice_to_date, dated posting_date; raise UserError saying why when
        nothing can be invoiced."""
        self.ensure_one()
        self._sci_check_invoicing_user()
        reason = self._sci_not_invoiceable_reason()
        if reason:
            raise UserError(
                self.env._(
                    "Contract %(contract)s cannot be invoiced: %(reason)s.",
                    contract=self.display_name,
                    reason=reason,
                )
            )
        if not self.recurring_next_date or self.recurring_next_date > invoice_to_date:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is not due: its next invoice date "
                    "%(date)s is after the working date %(today)s.",
                    contract=self.display_name,
                    date=format_date(self.env, self.recurring_next_date)
                    or self.env._("(none)"),
                    today=format_date(self.env, invoice_to_date),
                )
            )
        result = self.env["service.contract.invoicing"].run(
            self, posting_date=posting_date, invoice_to_date=invoice_to_date
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
        return result.moves

    def action_create_service_invoice(self):
        """Create Service Invoice: invoice this contract for every period whose
        invoice date is reached, i.e. on or before the working date (Business
        Central: in arrears, once the period's last day is reached)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        moves = self._sci_create_service_invoice(today, today)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "views": [(self.env.ref("account.view_move_form").id, "form")],
                "res_id": moves[:1].id,
                "domain": [("id", "in", moves.ids)],
            }
        )
        return action
