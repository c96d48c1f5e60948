# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    sci_defer_prepaid_revenue = fields.Boolean(
        string="Defer Prepaid Contract Revenue",
        help="Default of new service contracts: the revenue of a prepaid period "
        "longer than a month is booked to the deferred revenue account and "
        "recognised month by month by Post Prepaid Contract Entries.",
    )
    sci_deferred_revenue_account_id = fields.Many2one(
        comodel_name="account.account",
        string="Deferred Revenue Account",
        domain="[('account_type', '=', 'liability_current'), "
        "('company_ids', 'parent_of', id)]",
        help="Current liability account that holds invoiced prepaid contract "
        "revenue until it is recognised.",
    )
    sci_deferral_journal_id = fields.Many2one(
        comodel_name="account.journal",
        string="Deferred Revenue Journal",
        domain="[('type', '=', 'general'), ('company_id', 'parent_of', id)]",
        help="Miscellaneous journal of the entries of Post Prepaid Contract "
        "Entries. Empty: the company's first miscellaneous journal.",
    )

    @api.constrains("sci_deferred_revenue_account_id", "sci_deferral_journal_id")
    def _check_sci_deferral_accounts(self):
        for company in self:
            account = company.sci_deferred_revenue_account_id
            if account:
                company._sci_check_deferred_revenue_account(account)
            journal = company.sci_deferral_journal_id
            if journal and (
                journal.type != "general"
                or journal.company_id not in company.parent_ids
            ):
                raise ValidationError(
                    self.env._(
                        "Company %(company)s: the deferred revenue journal "
                        "%(journal)s must be a miscellaneous journal of the "
                        "company.",
                        company=company.display_name,
                        journal=journal.display_name,
                    )
                )

    def _sci_check_deferred_revenue_account(self, account):
        """Raise ValidationError unless ``account`` is a current liability
        account of this company."""
        self.ensure_one()
        if account.account_type != "liability_current" or not (
            account.company_ids & self.parent_ids
        ):
            raise ValidationError(
                self.env._(
                    "Company %(company)s: the deferred revenue account "
                    "%(account)s must be a current liability account of the "
                    "company.",
                    company=self.display_name,
                    account=account.display_name,
                )
            )

    def _sci_deferral_journal(self):
        """The journal of the revenue recognition entries."""
        self.ensure_one()
        journal = self.sci_deferral_journal_id or self.env["account.journal"].search(
            [("company_id", "parent_of", self.id), ("type", "=", "general")],
            order="sequence, id",
            limit=1,
        )
        if not journal:
            raise UserError(
                self.env._(
                    "Company %(company)s has no miscellaneous journal for the "
                    "deferred revenue entries. Create one, or choose it in "
                    "Service Contracts > Configuration > Settings > Prepaid "
                    "Revenue.",
                    company=self.display_name,
                )
            )
        return journal

    def _sci_proposed_deferred_revenue_account(self):
        """The account of the company's chart for deferred revenue, proposed
        when deferral is switched on: the chart template's
        ``deferred_revenue`` account (212000 Deferred Revenue in the generic
        chart), else a current liability account named so."""
        self.ensure_one()
        Template = self.env["account.chart.template"].with_company(self)
        account = Template.ref("deferred_revenue", raise_if_not_found=False)
        if account and account.account_type == "liability_current":
            return account
        return self.env["account.account"].search(
            [
                *self.env["account.account"]._check_company_domain(self),
                ("account_type", "=", "liability_current"),
                ("name", "=ilike", "%deferred revenue%"),
            ],
            order="code, id",
            limit=1,
        )
