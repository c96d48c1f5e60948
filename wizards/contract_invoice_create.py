# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date


class ContractInvoiceCreate(models.TransientModel):
    _name = "contract.invoice.create"
    _inherit = ["service.contract.filter.mixin"]
    _description = "Create Contract Invoices"

    user_ids = fields.Many2many(comodel_name="res.users", string="Salespeople")
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        domain=lambda self: [("id", "in", self.env.companies.ids)],
        default=lambda self: self.env.company,
        help="Empty: every company you are working in.",
    )
    posting_date = fields.Date(
        required=True,
        default=fields.Date.context_today,
        help="Invoice date of the created invoices.",
    )
    invoice_to_date = fields.Date(
        string="Invoice-to Date",
        required=True,
        default=fields.Date.context_today,
        help="Every contract whose next invoice date is on or before this date "
        "is invoiced, for every period due up to it.",
    )
    run_action = fields.Selection(
        selection=[("create", "Create Invoices"), ("preview", "Preview")],
        string="Action",
        required=True,
        default="create",
    )
    combine = fields.Boolean(
        string="Combine invoices",
        default=True,
        help="Put combinable contracts with the same invoice address, currency, "
        "company, journal, payment terms and fiscal position on one invoice.",
    )
    post_invoices = fields.Boolean(
        string="Post at once",
        help="Post the created invoices at once instead of leaving them in draft.",
    )
    include_gaps = fields.Boolean(
        string="Invoice periods not invoiced",
        help="Also invoice the periods that cancelled invoices left behind while "
        "later periods stayed invoiced (filter Periods not invoiced on the "
        "contracts). Without it, the run lists them.",
    )
    invoicing_run_id = fields.Many2one(
        comodel_name="contract.invoicing.run", string="Run", readonly=True
    )
    is_background = fields.Boolean(related="invoicing_run_id.is_background")
    confirm_early_invoice_to_date = fields.Boolean(
        string="Invoice-to date before the posting period is intended",
    )
    needs_early_confirmation = fields.Boolean(
        compute="_compute_needs_early_confirmation"
    )
    state = fields.Selection(
        selection=[("draft", "Draft"), ("done", "Done")],
        default="draft",
        required=True,
    )
    result_action = fields.Selection(
        selection=[("create", "Created"), ("preview", "Preview")], readonly=True
    )
    line_ids = fields.One2many(
        comodel_name="contract.invoice.create.line",
        inverse_name="wizard_id",
        string="Result",
        readonly=True,
    )
    move_ids = fields.Many2many(
        comodel_name="account.move", string="Invoices", readonly=True
    )
    invoiced_contract_count = fields.Integer(readonly=True)
    result_message = fields.Char(
        readonly=True,
        help="Why the run found nothing to invoice, shown above the result.",
    )
    invoice_count = fields.Integer(compute="_compute_summary")
    skipped_count = fields.Integer(compute="_compute_summary")
    failed_count = fields.Integer(compute="_compute_summary")
    company_currency_id = fields.Many2one(
        comodel_name="res.currency", default=lambda self: self.env.company.currency_id
    )
    total_amount = fields.Monetary(
        string="Total Untaxed",
        currency_field="company_currency_id",
        compute="_compute_summary",
        help="In the company currency.",
    )

    @api.depends("posting_date", "invoice_to_date")
    def _compute_needs_early_confirmation(self):
        for wizard in self:
            wizard.needs_early_confirmation = bool(
                wizard.posting_date
                and wizard.invoice_to_date
                and wizard.invoice_to_date < wizard.posting_date.replace(day=1)
            )

    @api.depends("line_ids.status", "line_ids.amount", "move_ids", "result_action")
    def _compute_summary(self):
        for wizard in self:
            lines = wizard.line_ids
            wizard.invoice_count = len(wizard.move_ids)
            wizard.skipped_count = len(lines.filtered(lambda x: x.status == "skipped"))
            wizard.failed_count = len(lines.filtered(lambda x: x.status == "failed"))
            if wizard.result_action == "create":
                wizard.total_amount = sum(
                    wizard.move_ids.mapped("amount_untaxed_signed")
                )
            else:
                wizard.total_amount = sum(
                    line.currency_id._convert(
                        line.amount,
                        wizard.company_currency_id,
                        wizard.env.company,
                        wizard.posting_date or fields.Date.context_today(wizard),
                    )
                    for line in lines.filtered(lambda x: x.status == "due")
                )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if (
            self.env.context.get("active_model") == "contract.contract"
            and self.env.context.get("active_ids")
            and "contract_ids" in fields_list
        ):
            values["contract_ids"] = [
                fields.Command.set(self.env.context["active_ids"])
            ]
        return values

    def _contract_domain(self):
        """Contracts the filters select with a next invoice date on or before
        the invoice-to date; the engine tells which it skips and why."""
        self.ensure_one()
        return self._contract_filter_domain() + [
            "|",
            "&",
            ("recurring_next_date", "!=", False),
            ("recurring_next_date", "<=", self.invoice_to_date),
            # Shown (and invoiced when asked) whatever their next date.
            ("sci_has_period_gaps", "=", True),
        ]

    def _contract_filter_domain(self):
        """Contracts the filters select, whatever their next invoice date."""
        self.ensure_one()
        companies = self.company_ids or self.env.companies
        domain = (
            self.env["contract.contract"]._sci_service_domain()
            + [("company_id", "in", companies.ids)]
            + self._sci_filter_domain()
        )
        if self.user_ids:
            domain.append(("user_id", "in", self.user_ids.ids))
        return domain

    def _check_posting_date(self, contracts):
        """Refuse at once when the posting date is locked for every selected
        contract (the engine fails each contract of a locked company)."""
        reasons = self.env["service.contract.invoicing"]._check_lock_dates(
            contracts, self.posting_date
        )
        if reasons and len(reasons) == len(contracts):
            raise UserError(
                self.env._(
                    "Nothing can be invoiced: %(reason)s.",
                    reason=next(iter(reasons.values())),
                )
            )

    def action_run(self):
        self.ensure_one()
        if (
            self.invoice_to_date
            and self.needs_early_confirmation
            and not (self.confirm_early_invoice_to_date)
        ):
            raise UserError(
                self.env._(
                    "The Invoice-to Date %(to)s is before the period of the "
                    "posting date %(posting)s. Tick the confirmation box if this "
                    "is intended.",
                    to=format_date(self.env, self.invoice_to_date),
                    posting=format_date(self.env, self.posting_date),
                )
            )
        contracts = self.env["contract.contract"].search(
            self._contract_domain(), order="id"
        )
        dry_run = self.run_action == "preview"
        if not contracts:
            return self._show_nothing_due(dry_run)
        if dry_run:
            result = self.env["service.contract.invoicing"].run(
                contracts,
                posting_date=self.posting_date,
                invoice_to_date=self.invoice_to_date,
                combine=self.combine,
                dry_run=True,
                include_gaps=self.include_gaps,
            )
            self._write_result(result, dry_run)
            return self._reopen()
        self._check_posting_date(contracts)
        invoicing_run = self.env["contract.invoicing.run"]._start(
            contracts,
            trigger="wizard",
            filters=self._filters_description(),
            posting_date=self.posting_date,
            invoice_to_date=self.invoice_to_date,
            combine=self.combine,
            post_invoices=self.post_invoices,
            include_gaps=self.include_gaps,
        )
        result = invoicing_run._execute(contracts)
        self.invoicing_run_id = invoicing_run
        if result is None:
            # In the background, or failed: the run tells.
            self.write({"state": "done", "result_action": "create"})
        else:
            self._write_result(result, dry_run)
        return self._reopen()

    def _filters_description(self):
        self.ensure_one()
        parts = [
            f"{self._fields[name]._description_string(self.env)}: "
            + ", ".join(self[name].mapped("display_name"))
            for name in ("partner_ids", "contract_ids", "tag_ids", "user_ids")
            if self[name]
        ]
        parts.append(
            f"{self._fields['company_ids']._description_string(self.env)}: "
            + ", ".join((self.company_ids or self.env.companies).mapped("name"))
        )
        return "\n".join(parts)

    def action_view_run(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "contract.invoicing.run",
            "res_id": self.invoicing_run_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _show_nothing_due(self, dry_run, limit=80):
        """Nothing is due: an empty result saying why, with the reason each
        contract the filters select (the first ``limit``) is not due."""
        contracts = self.env["contract.contract"].search(
            self._contract_filter_domain() + [("contract_state", "!=", "cancelled")],
            order="recurring_next_date, id",
            limit=limit,
        )
        lines = []
        for contract in contracts:
            reason = contract._sci_not_invoiceable_reason()
            if not reason and contract.recurring_next_date:
                reason = self.env._(
                    "next invoice date %(date)s is after the Invoice-to Date",
                    date=format_date(self.env, contract.recurring_next_date),
                )
            lines.append(
                {
                    "contract_id": contract.id,
                    "currency_id": contract.currency_id.id,
                    "status": "skipped",
                    "reason": reason or self.env._("no next invoice date"),
                }
            )
        self.write(
            {
                "state": "done",
                "result_action": "preview" if dry_run else "create",
                "line_ids": [fields.Command.clear()]
                + [fields.Command.create(vals) for vals in lines],
                "move_ids": [fields.Command.clear()],
                "invoiced_contract_count": 0,
                "result_message": self.env._(
                    "Nothing to invoice: no customer contract matches the filters "
                    "with a next invoice date on or before %(date)s.",
                    date=format_date(self.env, self.invoice_to_date),
                ),
            }
        )
        return self._reopen()

    def action_create_from_preview(self):
        """Create Invoices straight from the preview, with the same filters
        and dates."""
        self.ensure_one()
        self.run_action = "create"
        return self.action_run()

    def _write_result(self, result, dry_run):
        move_by_contract = {}
        for move in result.moves:
            for contract in move.invoice_line_ids.contract_line_id.contract_id:
                move_by_contract[contract.id] = move.id
        lines = []
        for item in result.preview:
            contract = item["contract"]
            lines.append(
                {
                    "contract_id": contract.id,
                    "contract_line_id": item["line"].id,
                    "period_start": item["period_start"],
                    "period_end": item["period_end"],
                    "amount": item["amount"],
                    "currency_id": contract.currency_id.id,
                    "status": "due" if dry_run else "invoiced",
                    "move_id": move_by_contract.get(contract.id),
                }
            )
        failed_ids = {contract.id for contract, __ in result.failures}
        if not dry_run:
            lines = [line for line in lines if line["contract_id"] not in failed_ids]
        lines += [
            dict(values, currency_id=contract.currency_id.id)
            for contract, values in result.problem_values()
        ]
        self.write(
            {
                "state": "done",
                "result_action": "preview" if dry_run else "create",
                "line_ids": [fields.Command.clear()]
                + [fields.Command.create(vals) for vals in lines],
                "move_ids": [fields.Command.set(result.moves.ids)],
                "result_message": False,
                "invoiced_contract_count": len(result.invoiced_contract_ids)
                if not dry_run
                else len({item["contract"].id for item in result.preview}),
            }
        )

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Create Contract Invoices"),
            "context": dict(self.env.context, dialog_size="extra-large"),
        }

    def action_back(self):
        self.ensure_one()
        self.write(
            {
                "state": "draft",
                "line_ids": [fields.Command.clear()],
                "invoicing_run_id": False,
                "result_message": False,
            }
        )
        return self._reopen()

    def action_view_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", self.move_ids.ids)]
        action["context"] = {"default_move_type": "out_invoice"}
        # The invoices of this run, not of the screen the wizard was opened
        # from: a breadcrumb of their own.
        action["name"] = action["display_name"] = self.env._("Contract Invoices")
        action["target"] = "main"
        return self.env["contract.invoicing.run"]._sci_restorable(action)

    def action_print_test_report(self):
        """Print: the test report of what Create Invoices would create with
        these filters and dates (report/contract_invoicing_test_report.py)."""
        self.ensure_one()
        return self.env.ref(
            "service_contract_invoicing.contract_invoicing_test_report_action"
        ).report_action(self)


class ContractInvoiceCreateLine(models.TransientModel):
    _name = "contract.invoice.create.line"
    _description = "Create Contract Invoices: result line"
    _order = "status, contract_id, period_start"

    wizard_id = fields.Many2one(
        comodel_name="contract.invoice.create", required=True, ondelete="cascade"
    )
    contract_id = fields.Many2one(comodel_name="contract.contract", readonly=True)
    partner_id = fields.Many2one(related="contract_id.partner_id", string="Customer")
    contract_line_id = fields.Many2one(
        comodel_name="contract.line", string="Contract Line Record", readonly=True
    )
    contract_line_name = fields.Text(
        related="contract_line_id.name",
        string="Contract Line",
        help="The description of the contract line invoiced.",
    )
    period_start = fields.Date(string="Period From", readonly=True)
    period_end = fields.Date(string="Period To", readonly=True)
    currency_id = fields.Many2one(comodel_name="res.currency", readonly=True)
    amount = fields.Monetary(string="Untaxed Amount", readonly=True)
    status = fields.Selection(
        selection=[
            ("due", "Would be invoiced"),
            ("invoiced", "Invoiced"),
            ("skipped", "Skipped"),
            ("failed", "Failed"),
            ("gap", "Period not invoiced"),
        ],
        readonly=True,
    )
    reason = fields.Char(readonly=True)
    move_id = fields.Many2one(
        comodel_name="account.move", string="Invoice", readonly=True
    )
