# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from psycopg2 import OperationalError

from odoo import api, fields, models
from odoo.exceptions import UserError

from .service_contract_invoicing import (
    is_concurrency_error,
    is_concurrency_retried,
    not_retried,
)
from .trusted_context import Trusted, trusted_option

CUSTOMER_MOVE_TYPES = ("out_invoice", "out_refund")


class AccountMove(models.Model):
    _inherit = "account.move"

    sci_ledger_entry_count = fields.Integer(
        string="Service Ledger Entries",
        compute="_compute_sci_ledger_entry_count",
        groups="service_contract_invoicing.group_service_contract_user",
    )
    sci_invoicing_run_id = fields.Many2one(
        comodel_name="contract.invoicing.run",
        string="Contract Invoicing Run",
        index="btree_not_null",
        ondelete="set null",
        copy=False,
        readonly=True,
    )

    sci_picking_count = fields.Integer(
        string="Deliveries",
        compute="_compute_sci_picking_count",
    )
    # What a Post Prepaid Contract Entries entry recognised, readable by the
    # Service Contracts groups (its journal items are not, in Community).
    sci_recognised_schedule_ids = fields.One2many(
        comodel_name="contract.revenue.schedule",
        inverse_name="recognition_move_id",
        string="Recognised Contract Revenue",
        groups="service_contract_invoicing.group_service_contract_user",
    )

    def _sci_shipment_moves(self):
        """Customer shipment moves linked to the lines of ``self``."""
        return self.invoice_line_ids.sci_stock_move_ids

    def _sci_delivered_service_lines(self):
        """Service order lines whose delivered quantity lines of ``self``
        invoice (Get Shipment Lines)."""
        return self.invoice_line_ids.filtered("sci_is_delivered_service").sale_line_ids

    def _sci_pickings(self):
        return self._sci_shipment_moves().picking_id

    def _compute_sci_picking_count(self):
        for move in self:
            move.sci_picking_count = len(move._sci_pickings())

    def action_view_sci_pickings(self):
        """The deliveries this invoice invoices (Get Shipment Lines)."""
        self.ensure_one()
        pickings = self._sci_pickings()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "stock.action_picking_tree_all"
        )
        action["domain"] = [("id", "in", pickings.ids)]
        action["context"] = {"create": False}
        if len(pickings) == 1:
            action["views"] = [(self.env.ref("stock.view_picking_form").id, "form")]
            action["res_id"] = pickings.id
        return action

    def _post(self, soft=True):
        # Lock the shipments and delivered services before posting writes
        # anything and check, after posting, their invoiced quantities: two
        # invoices posted at the same time over the same quantity cannot both
        # pass. Then write the service ledger.
        customer = self.filtered(lambda move: move.move_type in CUSTOMER_MOVE_TYPES)
        customer._sci_lock_invoiced_sources()
        customer._sci_check_contract_lines()
        customer._sci_check_contract_details()
        deferred_lines = customer._sci_defer_prepaid_revenue()
        posted = super()._post(soft=soft)
        posted_customer = posted.filtered(
            lambda move: move.move_type in CUSTOMER_MOVE_TYPES
        )
        posted_customer._sci_shipment_moves()._sci_check_invoiced_quantity()
        posted_customer._sci_delivered_service_lines()._sci_check_delivered_service_invoiced()
        self.env["service.ledger.entry"]._sci_create_for_invoices(posted_customer)
        posted_customer._sci_create_revenue_schedules(deferred_lines)
        return posted

    def _sci_lock_invoiced_sources(self):
        """Row-lock the shipment moves and the delivered-service order lines
        that ``self`` invoices, until the end of the transaction: the second
        of two invoices over the same quantity waits for the first one.

        A row another transaction changed and committed since this one began
        cannot be locked (serialization failure). Where Odoo retries (the web
        client, RPC, queue_job), the error is raised: the new transaction sees
        the other invoice, and posting this one is refused with the shipment's
        message. Where nothing retries (a scheduled action such as Odoo's
        auto-posting, a script, Odoo's last try), the user is told which
        shipment or order line is being invoiced by someone else (see
        is_concurrency_retried)."""
        sources = [self._sci_shipment_moves(), self._sci_delivered_service_lines()]
        try:
            with self.env.cr.savepoint(flush=False):
                for records in sources:
                    records._sci_lock()
        except OperationalError as error:
            if not is_concurrency_error(error) or is_concurrency_retried():
                raise
            # One by one: name the row that cannot be locked. A lock that
            # only failed by chance (deadlock) is taken this time.
            for records in sources:
                for record in records:
                    try:
                        with self.env.cr.savepoint(flush=False):
                            record._sci_lock()
                    except OperationalError as row_error:
                        if not is_concurrency_error(row_error):
                            raise
                        raise UserError(record._sci_busy_message()) from error

    @api.model
    def _autopost_draft_entries(self):
        # Odoo's scheduled auto-posting does not retry a concurrency error:
        # posting tells which shipment another user is invoicing instead.
        with not_retried():
            return super()._autopost_draft_entries()

    def button_draft(self):
        # Posted: undo the ledger entries (the draft keeps its contract
        # periods and posts them again). Cancelled: take the periods back.
        posted = self.filtered(
            lambda move: move.state == "posted"
            and move.move_type in CUSTOMER_MOVE_TYPES
        )
        cancelled = self.filtered(lambda move: move.state == "cancel")
        cancelled._sci_check_periods_free()
        self.env["contract.revenue.schedule"]._sci_check_can_undo(self)
        res = super().button_draft()
        self.env["contract.revenue.schedule"]._sci_drop_for_moves(posted)
        posted._sci_reverse_ledger_entries(
            trusted_option(self.env, "sci_ledger_event", "reset")
        )
        cancelled.invoice_line_ids._sci_reclaim_periods()
        return res

    def button_cancel(self):
        # A cancelled invoice frees its contract periods: they can be invoiced
        # again. A posted one is reset to draft first (by Odoo), its ledger
        # entries are reversed as "cancelled".
        to_cancel = self.filtered(lambda move: move.state != "cancel")
        res = super(
            AccountMove, self.with_context(sci_ledger_event=Trusted("cancel"))
        ).button_cancel()
        to_cancel.filtered(
            lambda move: move.state == "cancel"
        ).invoice_line_ids._sci_release_periods()
        return res

    # === Service ledger ===

    def _sci_check_contract_lines(self):
        """Refuse to post a contract period whose contract line was deleted:
        the ledger could not tell which contract it belongs to."""
        for line in self.invoice_line_ids:
            if line.sci_period_start and not line.contract_line_id:
                raise UserError(
                    self.env._(
                        "Invoice %(move)s, line %(line)s: the contract line of "
                        "period %(start)s - %(end)s was deleted. Remove this "
                        "invoice line, or cancel the invoice and invoice the "
                        "contract again.",
                        move=line.move_id.display_name,
                        line=line.name,
                        start=line.sci_period_start,
                        end=line.sci_period_end,
                    )
                )

    def _sci_check_contract_details(self):
        """Refuse to post contract lines listed as notes (Contract Lines on
        Invoice unticked) with no invoice line above them to carry their
        amount: their periods would count as invoiced for nothing."""
        details = self.invoice_line_ids.filtered("sci_is_contract_detail")
        carried = details._sci_detail_summaries()
        for note in details:
            if note not in carried:
                raise UserError(
                    self.env._(
                        "Invoice %(move)s: contract line %(line)s is listed "
                        "with no invoice line above it carrying its amount. "
                        "Add that line back above it, or delete the note to "
                        "give its period back.",
                        move=note.move_id.display_name,
                        line=note.name,
                    )
                )

    def _sci_ledger_entries(self):
        # Reading the whole ledger of the documents, whoever undoes them.
        return (
            self.env["service.ledger.entry"]
            .sudo()
            .search([("invoice_id", "in", self.ids)], order="id")
        )

    def _sci_reverse_ledger_entries(self, event):
        return self._sci_ledger_entries()._sci_reverse(event)

    def _sci_check_periods_free(self):
        """A cancelled invoice reset to draft holds its contract periods
        again: refuse when another invoice invoiced them meanwhile."""
        lines = self.invoice_line_ids.filtered(
            lambda line: line.contract_line_id and line.sci_period_start
        )
        if not lines:
            return
        others = self.env["account.move.line"].search(
            [
                ("contract_line_id", "in", lines.contract_line_id.ids),
                ("sci_period_start", "in", list(set(lines.mapped("sci_period_start")))),
                ("parent_state", "!=", "cancel"),
                ("move_id", "not in", self.ids),
            ]
        )
        taken = {
            (other.contract_line_id.id, other.sci_period_start): other
            for other in others
        }
        for line in lines:
            other = taken.get((line.contract_line_id.id, line.sci_period_start))
            if other:
                raise UserError(
                    self.env._(
                        "Invoice %(move)s cannot be reset to draft: period "
                        "%(start)s - %(end)s of contract %(contract)s is already "
                        "on invoice %(other)s. Keep it cancelled.",
                        move=line.move_id.display_name,
                        start=line.sci_period_start,
                        end=line.sci_period_end,
                        contract=line.contract_line_id.contract_id.display_name,
                        other=other.move_id.display_name,
                    )
                )

    def _compute_sci_ledger_entry_count(self):
        counts = dict(
            self.env["service.ledger.entry"]._read_group(
                [("invoice_id", "in", self.ids)], ["invoice_id"], ["__count"]
            )
        )
        for move in self:
            move.sci_ledger_entry_count = counts.get(move, 0)

    def action_view_sci_ledger_entries(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.service_ledger_entry_action"
        )
        action["domain"] = [("invoice_id", "=", self.id)]
        return action

    def action_sci_get_shipment_lines(self):
        """Open Get Shipment Lines on a draft customer invoice."""
        self.ensure_one()
        self._sci_check_can_get_shipment_lines()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Get Shipment Lines"),
            "res_model": "service.shipment.line.select",
            "view_mode": "form",
            "target": "new",
            # Wide enough for its columns (unit, price, amount) at 1440 px.
            "context": {"default_invoice_id": self.id, "dialog_size": "extra-large"},
        }

    def _sci_check_can_get_shipment_lines(self):
        for invoice in self:
            if invoice.move_type != "out_invoice":
                raise UserError(
                    self.env._(
                        "%(move)s is not a customer invoice: Get Shipment Lines "
                        "only fills customer invoices.",
                        move=invoice.display_name,
                    )
                )
            if invoice.state != "draft":
                raise UserError(
                    self.env._(
                        "Invoice %(move)s is not a draft: reset it to draft "
                        "before adding shipment lines.",
                        move=invoice.display_name,
                    )
                )
            if not invoice.partner_id:
                raise UserError(
                    self.env._(
                        "Invoice %(move)s has no customer: set the customer "
                        "first, then get its shipment lines.",
                        move=invoice.display_name,
                    )
                )

    # === Deferred revenue of prepaid contracts ===

    def _sci_defer_prepaid_revenue(self):
        """Before posting: book the lines of prepaid contract periods to defer
        to the deferred revenue account (without analytic distribution: the
        recognition entries carry it).

        :return: {line: (income account, analytic distribution)}"""
        deferred = {}
        for line in self.invoice_line_ids._sci_revenue_to_defer():
            deferred[line] = (line.account_id, line.analytic_distribution)
            account = line.contract_line_id.contract_id._sci_deferred_revenue_account()
            line.write({"account_id": account.id, "analytic_distribution": False})
        return deferred

    def _sci_create_revenue_schedules(self, deferred_lines):
        """After posting ``self``: store the schedules of its deferred lines
        and credit the schedules its credit notes reverse. The lines of
        invoices left in draft (posted later) go back to their income
        account."""
        Schedule = self.env["contract.revenue.schedule"]
        posted = {}
        for line, (account, analytic) in deferred_lines.items():
            if line.move_id in self:
                posted[line] = (account, analytic)
            else:
                line.write(
                    {"account_id": account.id, "analytic_distribution": analytic}
                )
        Schedule._sci_create_for_lines(posted)
        Schedule._sci_create_for_credit_notes(
            self.filtered(lambda move: move.move_type == "out_refund")
        )
