# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import format_date

from .trusted_context import trusted_option

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
    "sci_contract_lines_on_invoice",
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
    sci_contract_lines_on_invoice = fields.Boolean(
        string="Contract Lines on Invoice",
        default=True,
        tracking=True,
        help="Ticked: the invoice has one line per contract line and period. "
        "Unticked: one line per period with the contract's amount (one per "
        "tax combination), followed by the contract lines as notes; the "
        "service ledger keeps the amount of each contract line either way.",
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

    def action_view_sci_ledger_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.service_ledger_entry_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        return action
