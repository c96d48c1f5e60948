# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from .stock_move import INVOICE_STATUS


class StockPicking(models.Model):
    _inherit = "stock.picking"

    sci_invoice_status = fields.Selection(
        selection=INVOICE_STATUS,
        string="Shipment Invoice Status",
        compute="_compute_sci_invoice_status",
        store=True,
        help="To Invoice while one of its customer shipment moves has a "
        "quantity left to invoice.",
    )
    sci_invoice_count = fields.Integer(
        string="Shipment Invoices",
        compute="_compute_sci_invoice_count",
    )
    contract_id = fields.Many2one(
        comodel_name="contract.contract",
        string="Contract",
        check_company=True,
        domain="[('contract_type', '=', 'sale'), "
        "('partner_id', 'parent_of', partner_id)]",
        help="Contract under which this shipment may be consumed instead of "
        "invoiced.",
    )
    sci_is_consumed = fields.Boolean(
        string="Consumed by Contract",
        readonly=True,
        copy=False,
    )

    @api.depends("move_ids.sci_invoice_status")
    def _compute_sci_invoice_status(self):
        for picking in self:
            statuses = set(picking.move_ids.mapped("sci_invoice_status"))
            if "to invoice" in statuses:
                picking.sci_invoice_status = "to invoice"
            elif "invoiced" in statuses:
                picking.sci_invoice_status = "invoiced"
            else:
                picking.sci_invoice_status = "no"

    def _sci_get_invoices(self):
        self.ensure_one()
        return self.move_ids.sci_invoice_line_ids.move_id

    def _compute_sci_invoice_count(self):
        for picking in self:
            picking.sci_invoice_count = len(picking._sci_get_invoices())

    def action_view_sci_invoices(self):
        self.ensure_one()
        invoices = self._sci_get_invoices()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action["domain"] = [("id", "in", invoices.ids)]
        action["context"] = {"default_move_type": "out_invoice", "create": False}
        if len(invoices) == 1:
            action["views"] = [(self.env.ref("account.view_move_form").id, "form")]
            action["res_id"] = invoices.id
        return action

    def _sci_check_can_consume(self):
        """Consuming a shipment (or undoing it) decides that goods are not
        invoiced: a Service Contract Manager or an Inventory Administrator
        decides it, whoever else can write transfers."""
        user = self.env.user
        # Only transfers of the user's companies, even though the work below
        # runs as superuser.
        if not self.env.su and self.company_id - self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "Transfers %(pickings)s belong to a company you do not work "
                    "for.",
                    pickings=", ".join(self.mapped("name")),
                )
            )
        if not (
            self.env.su
            or user.has_group(
                "service_contract_invoicing.group_service_contract_manager"
            )
            or user.has_group("stock.group_stock_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only a Service Contract Manager or an Inventory "
                    "Administrator may mark transfers %(pickings)s as consumed "
                    "by a contract, or undo it.",
                    pickings=", ".join(self.mapped("name")),
                )
            )

    def action_mark_consumed(self):
        """The shipment is consumed under its contract: what is left to invoice
        becomes consumed and is no longer offered for invoicing."""
        self._sci_check_can_consume()
        # Rights checked above: a Service Contract Manager may consume
        # without the right to read or write transfers and stock moves.
        return self.sudo()._sci_mark_consumed()

    def _sci_mark_consumed(self):
        for picking in self:
            if not picking.contract_id:
                raise UserError(
                    self.env._(
                        "Transfer %(picking)s has no contract: set the contract "
                        "that consumes it first.",
                        picking=picking.name,
                    )
                )
            if picking.contract_id.partner_id.commercial_partner_id != (
                picking.partner_id.commercial_partner_id
            ):
                raise UserError(
                    self.env._(
                        "Transfer %(picking)s was shipped to %(partner)s but "
                        "contract %(contract)s belongs to another customer: "
                        "choose a contract of %(partner)s.",
                        picking=picking.name,
                        partner=picking.partner_id.commercial_partner_id.name,
                        contract=picking.contract_id.display_name,
                    )
                )
            if picking.sci_invoice_status != "to invoice":
                raise UserError(
                    self.env._(
                        "Transfer %(picking)s has nothing left to invoice: "
                        "there is nothing to consume.",
                        picking=picking.name,
                    )
                )
        moves = self.move_ids.filtered(
            lambda move: move.sci_is_shipment and move.sci_qty_to_invoice > 0
        )
        for move in moves:
            move.sci_qty_consumed += move.sci_qty_to_invoice
        self.sci_is_consumed = True
        moves._sci_on_consumed()
        return True

    def action_undo_consumption(self):
        """Undo Consumption: the consumed quantities are offered for invoicing
        again and the ledger gets the opposite entries. Refused when part of
        the shipment was invoiced or returned since it was consumed."""
        self._sci_check_can_consume()
        # Rights checked above (see action_mark_consumed).
        return self.sudo()._sci_undo_consumption()

    def _sci_undo_consumption(self):
        for picking in self:
            if not picking.sci_is_consumed:
                raise UserError(
                    self.env._(
                        "Transfer %(picking)s is not consumed by a contract: "
                        "there is nothing to undo.",
                        picking=picking.name,
                    )
                )
        # The ledger tells what was consumed.
        consumed = self.env["service.ledger.entry"]._sci_live_consumption(self.move_ids)
        for entry in consumed:
            reason = entry._sci_undo_consumption_refusal()
            if reason:
                raise UserError(reason)
        quantities = {}
        for entry in consumed:
            move = entry.stock_move_id
            quantities[move] = quantities.get(move, 0.0) + entry.quantity
        for move, quantity in quantities.items():
            move.sci_qty_consumed -= quantity
        self.sci_is_consumed = False
        consumed._sci_reverse("undo_consume")
        return True
