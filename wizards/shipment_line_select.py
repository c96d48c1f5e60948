# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare


class ServiceShipmentLineSelect(models.TransientModel):
    _name = "service.shipment.line.select"
    _description = "Get Shipment Lines"

    invoice_id = fields.Many2one(
        comodel_name="account.move",
        string="Invoice",
        required=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="invoice_id.company_id")
    commercial_partner_id = fields.Many2one(
        related="invoice_id.commercial_partner_id", string="Customer"
    )
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Sales Order",
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id)]",
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Shipment",
        domain="[('partner_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id), ('sci_invoice_status', '=', 'to invoice')]",
    )
    product_id = fields.Many2one(comodel_name="product.product", string="Product")
    date_from = fields.Date(string="Shipped From")
    date_to = fields.Date(string="Shipped To")
    line_ids = fields.One2many(
        comodel_name="service.shipment.line.select.line",
        inverse_name="wizard_id",
        string="Shipment Lines",
    )

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        invoice = self.env["account.move"].browse(values.get("invoice_id"))
        if invoice and "line_ids" in fields_list:
            invoice._sci_check_can_get_shipment_lines()
            values["line_ids"] = [
                Command.create(line_values)
                for line_values in self._prepare_line_values(invoice)
            ]
        return values

    @api.onchange("sale_order_id", "picking_id", "product_id", "date_from", "date_to")
    def _onchange_filters(self):
        """Offer the lines matching the filters; selected lines stay."""
        selected = self.line_ids.filtered("is_selected")
        kept = {line.move_id.id for line in selected}
        commands = [Command.clear()]
        commands += [
            Command.create(
                {
                    "move_id": line.move_id.id,
                    "qty_available": line.qty_available,
                    "quantity": line.quantity,
                    "is_selected": True,
                }
            )
            for line in selected
        ]
        commands += [
            Command.create(values)
            for values in self._prepare_line_values(
                self.invoice_id, self._get_filters()
            )
            if values["move_id"] not in kept
        ]
        self.line_ids = commands

    def _get_filters(self):
        domain = []
        if self.sale_order_id:
            domain.append(("sale_line_id.order_id", "=", self.sale_order_id.id))
        if self.picking_id:
            domain.append(("picking_id", "=", self.picking_id.id))
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        if self.date_from:
            domain.append(("date", ">=", self.date_from))
        if self.date_to:
            domain.append(("date", "<", fields.Date.add(self.date_to, days=1)))
        return domain

    @api.model
    def _get_offered_moves_domain(self, invoice):
        return [
            ("sci_is_shipment", "=", True),
            ("sci_qty_to_invoice", ">", 0),
            ("company_id", "=", invoice.company_id.id),
            ("picking_id.partner_id", "child_of", invoice.commercial_partner_id.id),
        ]

    @api.model
    def _get_available_quantities(self, invoice, moves):
        """What is left to invoice on each move once the lines already on the
        draft ``invoice`` are counted, in the move's unit."""
        on_invoice = defaultdict(float)
        for line in invoice.invoice_line_ids:
            for move in line.sci_stock_move_ids & moves:
                on_invoice[move.id] += line.product_uom_id._compute_quantity(
                    line.quantity, move.product_uom, rounding_method="HALF-UP"
                )
        return {
            move.id: move.sci_qty_to_invoice - on_invoice[move.id] for move in moves
        }

    @api.model
    def _prepare_line_values(self, invoice, extra_domain=None):
        if not invoice.commercial_partner_id:
            return []
        moves = self.env["stock.move"].search(
            self._get_offered_moves_domain(invoice) + (extra_domain or []),
            order="date, id",
        )
        available = self._get_available_quantities(invoice, moves)
        return [
            {
                "move_id": move.id,
                "qty_available": available[move.id],
                "quantity": available[move.id],
            }
            for move in moves
            if float_compare(
                available[move.id], 0, precision_rounding=move.product_uom.rounding
            )
            > 0
        ]

    def action_select_all(self):
        """Tick every offered line, for its whole quantity left."""
        self.ensure_one()
        for line in self.line_ids.filtered(lambda line: not line.is_selected):
            line.write({"is_selected": True, "quantity": line.qty_available})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Get Shipment Lines"),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def action_confirm(self):
        """Insert the selected lines in the invoice."""
        self.ensure_one()
        invoice = self.invoice_id
        invoice._sci_check_can_get_shipment_lines()
        lines = self.line_ids.filtered("is_selected")
        if not lines:
            raise UserError(
                self.env._(
                    "Select at least one shipment line to add to %(invoice)s.",
                    invoice=invoice.display_name,
                )
            )
        offered = self.env["stock.move"].search(
            self._get_offered_moves_domain(invoice) + [("id", "in", lines.move_id.ids)]
        )
        available = self._get_available_quantities(invoice, offered)
        for line in lines:
            line._check_quantity_within(
                available.get(line.move_id.id, 0.0) if line.move_id in offered else 0.0
            )
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(
                        line.move_id._prepare_invoice_line_values(
                            invoice, line.quantity
                        )
                    )
                    for line in lines
                ]
            }
        )
        return {"type": "ir.actions.act_window_close"}


class ServiceShipmentLineSelectLine(models.TransientModel):
    _name = "service.shipment.line.select.line"
    _description = "Get Shipment Lines: shipment line"
    _order = "date, id"

    wizard_id = fields.Many2one(
        comodel_name="service.shipment.line.select",
        required=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(
        comodel_name="stock.move", string="Shipment Move", required=True
    )
    picking_id = fields.Many2one(related="move_id.picking_id", string="Shipment")
    sale_order_id = fields.Many2one(
        related="move_id.sale_line_id.order_id", string="Sales Order"
    )
    date = fields.Datetime(related="move_id.date", store=True, string="Shipped On")
    product_id = fields.Many2one(related="move_id.product_id")
    product_uom_id = fields.Many2one(related="move_id.product_uom", string="Unit")
    qty_available = fields.Float(
        string="Left to Invoice",
        digits="Product Unit of Measure",
        readonly=True,
    )
    quantity = fields.Float(
        string="Quantity to Invoice",
        digits="Product Unit of Measure",
        help="Lower it to invoice part of the shipment line only.",
    )
    is_selected = fields.Boolean(string="Select")

    @api.constrains("quantity", "qty_available", "is_selected")
    def _check_quantity(self):
        for line in self.filtered("is_selected"):
            line._check_quantity_within(line.qty_available)

    def _check_quantity_within(self, available):
        self.ensure_one()
        rounding = self.move_id.product_uom.rounding
        values = {
            "picking": self.move_id.picking_id.name,
            "product": self.move_id.product_id.display_name,
            "quantity": self.quantity,
            "available": available,
            "uom": self.move_id.product_uom.name,
        }
        if float_compare(self.quantity, 0.0, precision_rounding=rounding) <= 0:
            raise ValidationError(
                self.env._(
                    "Shipment %(picking)s, product %(product)s: the quantity to "
                    "invoice must be positive; unselect the line to leave it out.",
                    **values,
                )
            )
        if float_compare(self.quantity, available, precision_rounding=rounding) > 0:
            raise ValidationError(
                self.env._(
                    "Shipment %(picking)s, product %(product)s: %(quantity)s "
                    "%(uom)s is more than the %(available)s %(uom)s left to "
                    "invoice; lower the quantity.",
                    **values,
                )
            )
