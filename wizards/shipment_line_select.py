# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import float_compare, float_round, formatLang


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
    currency_id = fields.Many2one(related="invoice_id.currency_id")
    sale_order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Sales Order",
        domain="[('partner_invoice_id', 'child_of', commercial_partner_id), "
        "('company_id', '=', company_id), ('currency_id', '=', currency_id)]",
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking",
        string="Shipment",
        domain="[('company_id', '=', company_id), "
        "('sci_invoice_status', '=', 'to invoice'), "
        "'|', ('sale_id.partner_invoice_id', 'child_of', commercial_partner_id), "
        "'&', ('sale_id', '=', False), "
        "('partner_id', 'child_of', commercial_partner_id)]",
    )
    product_id = fields.Many2one(comodel_name="product.product", string="Product")
    date_from = fields.Date(string="Shipped From")
    date_to = fields.Date(string="Shipped To")
    line_ids = fields.One2many(
        comodel_name="service.shipment.line.select.line",
        inverse_name="wizard_id",
        string="Shipment Lines",
    )
    offered_filters = fields.Char(
        help="The filters the offered lines were read with: they are read "
        "again only when a filter changes.",
    )
    not_offered_note = fields.Text(
        string="Not Offered",
        compute="_compute_not_offered_note",
        help="Lines of this customer that are left to invoice but cannot go "
        "on this invoice, and why.",
    )
    saved_invoice_note = fields.Char(
        readonly=True,
        help="Says that a new invoice was saved as a draft to open this dialog.",
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
            values["saved_invoice_note"] = self._get_saved_invoice_note(invoice)
            # Offered whatever filters the context gives: the onchange
            # applies those.
            values["offered_filters"] = self._get_filters_key({})
        return values

    @api.model
    def _get_filters_key(self, values):
        """The filters in ``values`` (or the wizard's), as one string."""
        return repr(
            tuple(
                str(values.get(name) or False)
                for name in (
                    "sale_order_id",
                    "picking_id",
                    "product_id",
                    "date_from",
                    "date_to",
                )
            )
        )

    @api.depends("invoice_id")
    def _compute_not_offered_note(self):
        # Computed, not stored from default_get: a read-only field is not
        # saved by the form, so the note would be gone once the dialog
        # reopens (Select All).
        for wizard in self:
            note = self._get_not_offered_note(wizard.invoice_id)
            if wizard.invoice_id and not wizard.line_ids:
                # Nothing offered at all: say why.
                note = self._get_nothing_offered_note(wizard.invoice_id, note)
            wizard.not_offered_note = note

    @api.onchange("sale_order_id", "picking_id", "product_id", "date_from", "date_to")
    def _onchange_filters(self):
        """Offer the lines matching the filters; selected lines stay.

        A new wizard runs this once per filter field: the lines are read
        again only when the filters differ from those they were read with."""
        key = self._get_filters_key(
            {
                "sale_order_id": self.sale_order_id.id,
                "picking_id": self.picking_id.id,
                "product_id": self.product_id.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )
        if key == self.offered_filters:
            return
        self.offered_filters = key
        selected = self.line_ids.filtered("is_selected")
        kept = {line._get_source_key() for line in selected}
        commands = [Command.clear()]
        commands += [
            Command.create(
                {
                    "move_id": line.move_id.id,
                    "sale_line_id": line.sale_line_id.id,
                    "qty_available": line.qty_available,
                    "quantity": line.quantity,
                    "price_unit": line.price_unit,
                    "discount": line.discount,
                    "is_selected": True,
                }
            )
            for line in selected
        ]
        commands += [
            Command.create(values)
            for values in self._prepare_line_values(
                self.invoice_id, self._get_filters(), self._get_service_filters()
            )
            if (values.get("move_id"), values["sale_line_id"]) not in kept
        ]
        self.line_ids = commands

    def _get_filters(self):
        """Filters of the shipment moves offered."""
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

    def _get_service_filters(self):
        """Filters of the delivered service order lines offered (dated by
        their order); none when a shipment is chosen."""
        if self.picking_id:
            return [("id", "=", False)]
        domain = []
        if self.sale_order_id:
            domain.append(("order_id", "=", self.sale_order_id.id))
        if self.product_id:
            domain.append(("product_id", "=", self.product_id.id))
        if self.date_from:
            domain.append(("order_id.date_order", ">=", self.date_from))
        if self.date_to:
            domain.append(
                ("order_id.date_order", "<", fields.Date.add(self.date_to, days=1))
            )
        return domain

    # === What is offered: one rule for the wizard and the worklist ===

    @api.model
    def _get_customer_moves_domain(self, invoice):
        """Shipment moves with something left to invoice billed to the
        invoice's customer: by its order's invoice address, by the delivery
        address when there is no order."""
        partner = invoice.commercial_partner_id.id
        return [
            ("sci_is_shipment", "=", True),
            ("sci_qty_to_invoice", ">", 0),
            ("company_id", "=", invoice.company_id.id),
            "|",
            "&",
            ("sale_line_id", "!=", False),
            ("sale_line_id.order_id.partner_invoice_id", "child_of", partner),
            "&",
            ("sale_line_id", "=", False),
            ("picking_id.partner_id", "child_of", partner),
        ]

    @api.model
    def _get_offered_moves_domain(self, invoice):
        """Shipment moves that may go on ``invoice``: the customer's, from
        orders in the invoice's currency (an order's prices are never
        converted). The currency is read from the customer's own orders: a
        condition on every order of the database would be checked for each
        of the customer's moves (tools/benchmark_bigdb)."""
        return self._get_customer_moves_domain(invoice) + [
            "|",
            ("sale_line_id", "=", False),
            (
                "sale_line_id",
                "any",
                [
                    (
                        "order_id",
                        "any",
                        [
                            ("currency_id", "=", invoice.currency_id.id),
                            (
                                "partner_invoice_id",
                                "child_of",
                                invoice.commercial_partner_id.id,
                            ),
                        ],
                    )
                ],
            ),
        ]

    @api.model
    def _get_customer_services_domain(self, invoice):
        return self.env["sale.order.line"]._sci_delivered_service_domain() + [
            ("company_id", "=", invoice.company_id.id),
            (
                "order_id.partner_invoice_id",
                "child_of",
                invoice.commercial_partner_id.id,
            ),
        ]

    @api.model
    def _get_offered_services_domain(self, invoice):
        return self._get_customer_services_domain(invoice) + [
            ("currency_id", "=", invoice.currency_id.id)
        ]

    @api.model
    def _get_offered_services(self, invoice, extra_domain=None):
        """Delivered service order lines with something left to invoice that
        may go on ``invoice``."""
        lines = self.env["sale.order.line"].search(
            self._get_offered_services_domain(invoice) + (extra_domain or []),
            order="order_id, sequence, id",
        )
        return lines.filtered(
            lambda line: float_compare(
                line._sci_qty_left(), 0, precision_rounding=line.product_uom.rounding
            )
            > 0
        )

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
    def _prepare_line_values(self, invoice, extra_domain=None, service_domain=None):
        if not invoice.commercial_partner_id:
            return []
        moves = self.env["stock.move"].search(
            self._get_offered_moves_domain(invoice) + (extra_domain or []),
            order="date, id",
        )
        available = self._get_available_quantities(invoice, moves)
        values_list = []
        for move in moves:
            if (
                float_compare(
                    available[move.id], 0, precision_rounding=move.product_uom.rounding
                )
                <= 0
            ):
                continue
            price, discount = move._sci_get_unit_price(invoice)
            values_list.append(
                {
                    "move_id": move.id,
                    "sale_line_id": move.sale_line_id.id,
                    "qty_available": available[move.id],
                    "quantity": available[move.id],
                    "price_unit": price,
                    "discount": discount,
                }
            )
        for sale_line in self._get_offered_services(invoice, service_domain):
            left = sale_line._sci_qty_left()
            values_list.append(
                {
                    "sale_line_id": sale_line.id,
                    "qty_available": left,
                    "quantity": left,
                    "price_unit": sale_line.price_unit,
                    "discount": sale_line.discount,
                }
            )
        return values_list

    @api.model
    def _get_not_offered_note(self, invoice):
        """Which of the customer's orders left to invoice are not offered on
        ``invoice``, and why: they are in another currency."""
        if not invoice.commercial_partner_id:
            return False
        currency_domain = [("currency_id", "!=", invoice.currency_id.id)]
        moves = self.env["stock.move"].search(
            self._get_customer_moves_domain(invoice)
            + [("sale_line_id.order_id.currency_id", "!=", invoice.currency_id.id)]
        )
        services = (
            self.env["sale.order.line"]
            .search(self._get_customer_services_domain(invoice) + currency_domain)
            .filtered(lambda line: line._sci_qty_left() > 0)
        )
        orders = (moves.sale_line_id.order_id | services.order_id).sorted("name")
        if not orders:
            return False
        return self.env._(
            "Not offered, in another currency than this invoice (%(currency)s): "
            "%(orders)s. Invoice them on an invoice in their currency.",
            currency=invoice.currency_id.name,
            orders=", ".join(
                f"{order.name} ({order.currency_id.name})" for order in orders
            ),
        )

    @api.model
    def _get_nothing_offered_note(self, invoice, currency_note=False):
        """Why nothing at all is offered on ``invoice``: the customer's orders
        not delivered yet, deliveries left to invoice in another company or
        currency (``currency_note``), or everything shipped already invoiced
        (or already on this invoice)."""
        customer = invoice.commercial_partner_id
        if not customer:
            return currency_note
        company = invoice.company_id
        reasons = []
        waiting = self.env["stock.move"].search(
            [
                ("company_id", "=", company.id),
                ("state", "not in", ("done", "cancel")),
                ("picking_type_id.code", "=", "outgoing"),
                ("sale_line_id.order_id.partner_invoice_id", "child_of", customer.id),
            ]
        )
        if waiting:
            reasons.append(
                self.env._(
                    "Not delivered yet: %(orders)s (validate their deliveries "
                    "%(pickings)s in Inventory first).",
                    orders=", ".join(
                        sorted(set(waiting.sale_line_id.order_id.mapped("name")))
                    ),
                    pickings=", ".join(sorted(set(waiting.picking_id.mapped("name")))),
                )
            )
        other_company = self.env["stock.move"].search(
            [
                ("company_id", "!=", company.id)
                if leaf == ("company_id", "=", company.id)
                else leaf
                for leaf in self._get_customer_moves_domain(invoice)
            ]
        )
        if other_company:
            reasons.append(
                self.env._(
                    "Left to invoice in another company: %(companies)s. Invoice "
                    "them on an invoice of that company.",
                    companies=", ".join(
                        sorted(set(other_company.company_id.mapped("name")))
                    ),
                )
            )
        if currency_note:
            reasons.append(currency_note)
        shipped = self.env["stock.move"].search_count(
            [
                ("sci_is_shipment", "=", True),
                ("company_id", "=", company.id),
                "|",
                ("sale_line_id.order_id.partner_invoice_id", "child_of", customer.id),
                "&",
                ("sale_line_id", "=", False),
                ("picking_id.partner_id", "child_of", customer.id),
            ],
            limit=1,
        )
        on_this_invoice = invoice.invoice_line_ids.sci_stock_move_ids
        if on_this_invoice:
            reasons.append(
                self.env._("What is left to invoice is already on this invoice.")
            )
        elif shipped and not reasons:
            reasons.append(
                self.env._(
                    "Everything shipped to %(customer)s is already invoiced.",
                    customer=customer.display_name,
                )
            )
        if not reasons:
            reasons.append(
                self.env._(
                    "%(customer)s has no delivered order left to invoice.",
                    customer=customer.display_name,
                )
            )
        return "\n".join(
            [
                self.env._(
                    "Nothing to offer for %(customer)s on this invoice:",
                    customer=customer.display_name,
                )
            ]
            + [f"- {reason}" for reason in reasons]
        )

    @api.model
    def _get_saved_invoice_note(self, invoice):
        """Opening this dialog saves the invoice (the web client saves a
        record before running its buttons): say so when it had no lines, the
        case of a new invoice."""
        if invoice.invoice_line_ids:
            return False
        return self.env._(
            "The invoice was saved as a draft (%(invoice)s) to open this dialog. "
            "If you add nothing, you can delete it (Actions > Delete).",
            invoice=invoice.display_name,
        )

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
        lines._check_offered(invoice)
        invoice.write(
            {
                "invoice_line_ids": [
                    Command.create(line._prepare_invoice_line_values(invoice))
                    for line in lines
                ]
            }
        )
        return {"type": "ir.actions.act_window_close"}


class ServiceShipmentLineSelectLine(models.TransientModel):
    _name = "service.shipment.line.select.line"
    _description = "Get Shipment Lines: shipment line"
    _order = "is_delivered_service, date, id"

    wizard_id = fields.Many2one(
        comodel_name="service.shipment.line.select",
        required=True,
        ondelete="cascade",
    )
    move_id = fields.Many2one(comodel_name="stock.move", string="Shipment Move")
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line",
        string="Order Line",
        help="The order line of the shipment, or the delivered service "
        "invoiced when there is no shipment.",
    )
    is_delivered_service = fields.Boolean(
        string="Delivered Service",
        compute="_compute_source",
        store=True,
    )
    picking_id = fields.Many2one(related="move_id.picking_id", string="Shipment")
    sale_order_id = fields.Many2one(
        related="sale_line_id.order_id", string="Sales Order"
    )
    date = fields.Datetime(
        compute="_compute_source",
        store=True,
        string="Shipped On",
        help="Date of the delivery; the order date for a delivered service.",
    )
    product_id = fields.Many2one(
        comodel_name="product.product", compute="_compute_source", store=True
    )
    product_uom_id = fields.Many2one(
        comodel_name="uom.uom", compute="_compute_source", store=True, string="Unit"
    )
    currency_id = fields.Many2one(related="wizard_id.currency_id")
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
    price_unit = fields.Float(
        string="Unit Price",
        digits="Product Price",
        readonly=True,
        help="Price of the order line, in this line's unit; the customer's "
        "pricelist price for a shipment without order.",
    )
    discount = fields.Float(string="Disc.%", digits="Discount", readonly=True)
    amount = fields.Monetary(
        compute="_compute_amount",
        currency_field="currency_id",
        help="Quantity to invoice at the unit price, less the discount, "
        "before taxes.",
    )
    is_selected = fields.Boolean(string="Select")

    @api.depends("move_id", "sale_line_id")
    def _compute_source(self):
        for line in self:
            move = line.move_id
            if move:
                line.is_delivered_service = False
                line.date = move.date
                line.product_id = move.product_id
                line.product_uom_id = move.product_uom
            else:
                sale_line = line.sale_line_id
                line.is_delivered_service = bool(sale_line)
                line.date = sale_line.order_id.date_order
                line.product_id = sale_line.product_id
                line.product_uom_id = sale_line.product_uom

    @api.depends("quantity", "price_unit", "discount", "move_id", "sale_line_id")
    def _compute_amount(self):
        for line in self:
            quantity, price, discount = line._get_invoice_line_terms()
            amount = quantity * price * (1 - discount / 100.0)
            currency = line.currency_id or line.sale_line_id.currency_id
            line.amount = currency.round(amount) if currency else amount

    def _get_invoice_line_terms(self):
        """(quantity, unit price, discount) of the invoice line this line
        creates (see _prepare_invoice_line_values): with an order, in the
        order line's unit and at its price, so that the amount shown is the
        invoice line's, not the delivered quantity times a unit price
        converted and rounded to the cent."""
        self.ensure_one()
        sale_line = self.sale_line_id
        if not sale_line:
            return self.quantity, self.price_unit, self.discount
        quantity = self.quantity
        if self.move_id:
            quantity = self.move_id.product_uom._compute_quantity(
                quantity, sale_line.product_uom, rounding_method="HALF-UP"
            )
        digits = self.env["decimal.precision"].precision_get("Product Unit of Measure")
        return (
            float_round(quantity, precision_digits=digits),
            sale_line.price_unit,
            sale_line.discount,
        )

    def _get_source_key(self):
        self.ensure_one()
        return (self.move_id.id or None, self.sale_line_id.id)

    def _get_source_name(self):
        """The shipment (or, for a delivered service, the order) in
        messages."""
        self.ensure_one()
        if self.move_id:
            return self.env._(
                "Shipment %(picking)s", picking=self.move_id.picking_id.name
            )
        return self.env._("Order %(order)s", order=self.sale_line_id.order_id.name)

    def _prepare_invoice_line_values(self, invoice):
        self.ensure_one()
        if self.move_id:
            return self.move_id._prepare_invoice_line_values(invoice, self.quantity)
        return self.sale_line_id._sci_prepare_invoice_line_values(
            invoice, self.quantity
        )

    def _check_offered(self, invoice):
        """Refuse lines that may not go on ``invoice`` (another customer,
        company or currency, consumed, nothing left) or above what is left
        once the lines already on it are counted."""
        Wizard = self.env["service.shipment.line.select"]
        moves = self.move_id
        offered_moves = self.env["stock.move"].search(
            Wizard._get_offered_moves_domain(invoice) + [("id", "in", moves.ids)]
        )
        available = Wizard._get_available_quantities(invoice, offered_moves)
        service_lines = self.filtered(lambda line: not line.move_id).sale_line_id
        offered_services = Wizard._get_offered_services(
            invoice, [("id", "in", service_lines.ids)]
        )
        for line in self:
            if line.move_id:
                offered = line.move_id in offered_moves
                left = available.get(line.move_id.id, 0.0)
            else:
                offered = line.sale_line_id in offered_services
                left = line.sale_line_id._sci_qty_left()
            if not offered:
                raise UserError(line._get_not_offered_reason(invoice))
            line._check_quantity_within(left)

    def _get_not_offered_reason(self, invoice):
        """Why the line may not go on ``invoice``."""
        self.ensure_one()
        move = self.move_id
        sale_line = self.sale_line_id
        order = sale_line.order_id
        values = {
            "document": self._get_source_name(),
            "product": self.product_id.display_name,
            "invoice": invoice.display_name,
            "customer": invoice.commercial_partner_id.display_name,
        }
        document = move or sale_line
        billed_to = (
            order.partner_invoice_id if sale_line else move.picking_id.partner_id
        ).commercial_partner_id
        if document.company_id != invoice.company_id:
            return self.env._(
                "%(document)s belongs to company %(company)s, not to the company "
                "of invoice %(invoice)s.",
                company=document.company_id.name,
                **values,
            )
        if billed_to != invoice.commercial_partner_id:
            return self.env._(
                "%(document)s is billed to %(partner)s, not to %(customer)s: "
                "invoice it on an invoice of %(partner)s.",
                partner=billed_to.display_name,
                **values,
            )
        if order and order.currency_id != invoice.currency_id:
            return self.env._(
                "%(document)s: order %(order)s is in %(currency)s and invoice "
                "%(invoice)s in %(invoice_currency)s; invoice it on an invoice "
                "in %(currency)s.",
                order=order.name,
                currency=order.currency_id.name,
                invoice_currency=invoice.currency_id.name,
                **values,
            )
        if move and move.sci_qty_consumed and move.picking_id.sci_is_consumed:
            return self.env._(
                "%(document)s, product %(product)s was consumed by contract "
                "%(contract)s: it is not invoiced (Undo Consumption on the "
                "transfer first).",
                contract=move.picking_id.contract_id.display_name,
                **values,
            )
        if move:
            return self.env._(
                "%(document)s, product %(product)s has nothing left to invoice.",
                **values,
            )
        return self.env._(
            "%(document)s, service %(product)s: nothing delivered is left to "
            "invoice (%(delivered)s delivered, %(invoiced)s invoiced).",
            delivered=sale_line.qty_delivered,
            invoiced=sale_line.qty_invoiced,
            **values,
        )

    def _format_quantity(self, quantity):
        """A quantity as the grid shows it (5.00, not 5.0)."""
        return formatLang(self.env, quantity, dp="Product Unit of Measure")

    @api.constrains("quantity", "qty_available", "is_selected")
    def _check_quantity(self):
        for line in self.filtered("is_selected"):
            line._check_quantity_within(line.qty_available)

    def _check_quantity_within(self, available):
        self.ensure_one()
        rounding = self.product_uom_id.rounding
        values = {
            "document": self._get_source_name(),
            "product": self.product_id.display_name,
            "quantity": self._format_quantity(self.quantity),
            "available": self._format_quantity(available),
            "uom": self.product_uom_id.name,
        }
        if float_compare(self.quantity, 0.0, precision_rounding=rounding) <= 0:
            raise ValidationError(
                self.env._(
                    "%(document)s, product %(product)s: the quantity to "
                    "invoice must be positive; unselect the line to leave it out.",
                    **values,
                )
            )
        if float_compare(self.quantity, available, precision_rounding=rounding) > 0:
            raise ValidationError(
                self.env._(
                    "%(document)s, product %(product)s: %(quantity)s "
                    "%(uom)s is more than the %(available)s %(uom)s left to "
                    "invoice; lower the quantity.",
                    **values,
                )
            )
