# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class ContractRevenuePost(models.TransientModel):
    _name = "contract.revenue.post"
    _description = "Post Prepaid Contract Entries"

    until_date = fields.Date(
        string="Post until",
        required=True,
        default=lambda self: self._default_until_date(),
        help="Recognise the deferred revenue of every month that ends on or "
        "before this date and is not recognised yet. Default: the last day "
        "of the previous month, the last month that has ended.",
    )
    company_ids = fields.Many2many(
        comodel_name="res.company",
        string="Companies",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.companies.ids)],
    )
    pending_amount = fields.Monetary(
        string="Amount to Recognise",
        compute="_compute_pending",
        currency_field="currency_id",
    )
    pending_count = fields.Integer(
        string="Rows to Recognise", compute="_compute_pending"
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency", default=lambda self: self.env.company.currency_id
    )

    @api.model
    def _default_until_date(self):
        """The last day of the previous month: months are recognised once
        they have ended, so today would find nothing until the month ends."""
        return fields.Date.context_today(self).replace(day=1) - timedelta(days=1)

    @api.depends("until_date", "company_ids")
    def _compute_pending(self):
        Schedule = self.env["contract.revenue.schedule"]
        for wizard in self:
            if not wizard.until_date:
                wizard.pending_amount = wizard.pending_count = 0
                continue
            [(count, amount)] = Schedule._read_group(
                Schedule._sci_pending_domain(wizard.until_date, wizard.company_ids),
                aggregates=["__count", "amount:sum"],
            )
            wizard.pending_count = count
            wizard.pending_amount = amount

    def action_post(self):
        """Post the entries company by company: a company that fails is
        reported (and its responsible gets an activity), the others are
        posted."""
        self.ensure_one()
        moves, failures = self.env[
            "contract.revenue.schedule"
        ]._sci_recognise_companies(self.until_date, self.company_ids)
        if not moves and not failures:
            raise UserError(
                self.env._(
                    "No deferred contract revenue to recognise up to %(date)s.",
                    date=self.until_date,
                )
            )
        action = False
        if moves:
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "account.action_move_journal_line"
            )
            action.update(
                {
                    "domain": [("id", "in", moves.ids)],
                    "context": {"create": False},
                }
            )
            if len(moves) == 1:
                action.update(
                    {
                        "views": [(self.env.ref("account.view_move_form").id, "form")],
                        "res_id": moves.id,
                    }
                )
        if not failures:
            return action
        return self._failure_notification(moves, failures, action)

    def _failure_notification(self, moves, failures, next_action):
        """The wizard's result when companies failed: a notification naming
        them and why, then the posted entries."""
        message = "\n".join(
            self.env._(
                "%(company)s: %(message)s", company=company.display_name, message=text
            )
            for company, text in failures
        )
        params = {
            "type": "warning",
            "sticky": True,
            "title": self.env._(
                "%(posted)s entries posted, %(failed)s companies not posted",
                posted=len(moves),
                failed=len(failures),
            ),
            "message": message,
        }
        if next_action:
            params["next"] = next_action
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": params,
        }
