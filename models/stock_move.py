# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare, float_is_zero, format_date

from .busy_rows import busy_message, lock_rows

# Setting: offer the deliveries without sales order done before install.
OFFER_BEFORE_INSTALL_PARAM = "service_contract_invoicing.offer_shipments_before_install"

INVOICE_STATUS = [
    ("no", "Nothing to Invoice"),
    ("to invoice", "To Invoice"),
    ("invoiced", "Fully Invoiced"),
]


class StockMove(models.Model):
    _inherit = "stock.move"

    sci_is_shipment = fields.Boolean(
        string="Is Customer Shipment",
        compute="_compute_sci_is_shipment",
        store=True,
        help="Done outgoing move to a customer location: it can be invoiced "
        "with Get Shipment Lines.",
    )
    sci_invoice_line_ids = fields.Many2many(
        comodel_name="account.move.line",
        relation="sci_account_move_line_stock_move_rel",
        column1="stock_move_id",
        column2="move_line_id",
        string="Shipment Invoice Lines",
        readonly=True,
        copy=False,
    )
    sci_qty_returned = fields.Float(
        string="Returned Quantity",
        compute="_compute_sci_qty_returned",
        store=True,
        digits="Product Unit of Measure",
        help="Quantity brought back by done return moves, in this move's unit.",
    )
    sci_qty_invoiced = fields.Float(
        string="Invoiced Quantity",
        compute="_compute_sci_qty_invoiced",
        store=True,
        digits="Product Unit of Measure",
        help="Quantity on posted customer invoices linked to this shipment, "
        "minus posted credit notes, in this move's unit.",
    )
    sci_qty_consumed = fields.Float(
        string="Consumed Quantity",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Quantity consumed under a contract: it is not invoiced.",
    )
    sci_qty_to_invoice = fields.Float(
        string="Quantity to Invoice",
        compute="_compute_sci_qty_to_invoice",
        store=True,
        digits="Product Unit of Measure",
        help="Delivered minus returned, invoiced and consumed quantities; "
        "zero when the order line is invoiced from its sales order.",
    )
    sci_invoice_status = fields.Selection(
        selection=INVOICE_STATUS,
        string="Shipment Invoice Status",
        compute="_compute_sci_qty_to_invoice",
        store=True,
    )
    sci_is_before_install = fields.Boolean(
        string="Delivered Before Install",
        readonly=True,
        copy=False,
        help="Done before this addon was installed. Without a sales order, "
        "such a delivery is not offered for invoicing unless the setting "
        "Offer Deliveries Made Before Install is on.",
    )

    def init(self):
        res = super().init()
        # Shipments to Invoice and Get Shipment Lines read the customer
        # deliveries left to invoice: after years of use a small part of all
        # moves, found through this partial index instead of a scan of them
        # all (tools/benchmark_bigdb).
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON stock_move (sale_line_id) "
                "WHERE sci_is_shipment AND sci_qty_to_invoice > 0",
                SQL.identifier("stock_move_sci_to_invoice_index"),
            )
        )
        return res

    @api.depends("state", "picking_type_id.code", "location_dest_id.usage")
    def _compute_sci_is_shipment(self):
        for move in self:
            move.sci_is_shipment = (
                move.state == "done"
                and move.picking_type_id.code == "outgoing"
                and move.location_dest_id.usage == "customer"
            )

    @api.depends(
        "returned_move_ids.state",
        "returned_move_ids.quantity",
        "returned_move_ids.product_uom",
        "product_uom",
    )
    def _compute_sci_qty_returned(self):
        for move in self:
            move.sci_qty_returned = sum(
                ret.product_uom._compute_quantity(
                    ret.quantity, move.product_uom, rounding_method="HALF-UP"
                )
                for ret in move.returned_move_ids
                if ret.state == "done"
            )

    @api.depends(
        "sci_invoice_line_ids.parent_state",
        "sci_invoice_line_ids.quantity",
        "sci_invoice_line_ids.product_uom_id",
        "sci_invoice_line_ids.move_id.move_type",
        "sci_invoice_line_ids.sci_stock_move_ids",
        "product_uom",
    )
    def _compute_sci_qty_invoiced(self):
        invoiced = self._sci_get_invoiced_quantities()
        for move in self:
            move.sci_qty_invoiced = invoiced.get(move.id, 0.0)

    @api.depends(
        "sci_is_shipment",
        "quantity",
        "sci_qty_returned",
        "sci_qty_invoiced",
        "sci_qty_consumed",
        "sci_is_before_install",
        "sale_line_id.invoice_lines.parent_state",
        "sale_line_id.invoice_lines.sci_stock_move_ids",
        "sale_line_id.qty_invoiced",
        "sale_line_id.qty_delivered",
    )
    def _compute_sci_qty_to_invoice(self):
        offer_before_install = self._sci_offer_before_install()
        for move in self:
            if not move.sci_is_shipment or (
                move.sci_is_before_install
                and not move.sale_line_id
                and not offer_before_install
            ):
                move.sci_qty_to_invoice = 0.0
                move.sci_invoice_status = "no"
                continue
            if move._sci_is_invoiced_from_order():
                # Finished from its order: invoiced once the order line is.
                sale_line = move.sale_line_id
                move.sci_qty_to_invoice = 0.0
                move.sci_invoice_status = (
                    "invoiced"
                    if float_compare(
                        sale_line.qty_invoiced,
                        sale_line.qty_delivered,
                        precision_rounding=sale_line.product_uom.rounding,
                    )
                    >= 0
                    else "no"
                )
                continue
            rounding = move.product_uom.rounding
            to_invoice = (
                move.quantity
                - move.sci_qty_returned
                - move.sci_qty_invoiced
                - move.sci_qty_consumed
            )
            if float_is_zero(to_invoice, precision_rounding=rounding):
                to_invoice = 0.0
            move.sci_qty_to_invoice = to_invoice
            if to_invoice > 0:
                move.sci_invoice_status = "to invoice"
            elif not float_is_zero(move.sci_qty_invoiced, precision_rounding=rounding):
                move.sci_invoice_status = "invoiced"
            else:
                move.sci_invoice_status = "no"

    @api.model
    def _sci_offer_before_install(self):
        # A setting, read by whoever computes the quantities.
        return bool(
            self.env["ir.config_parameter"].sudo().get_param(OFFER_BEFORE_INSTALL_PARAM)
        )

    @api.model
    def _sci_recompute_before_install(self):
        """The setting changed: compute again what the deliveries without
        order done before install have left to invoice."""
        moves = self.search(
            [
                ("sci_is_before_install", "=", True),
                ("sci_is_shipment", "=", True),
                ("sale_line_id", "=", False),
            ]
        )
        self.env.add_to_compute(self._fields["sci_qty_to_invoice"], moves)
        self.env.add_to_compute(self._fields["sci_invoice_status"], moves)
        moves.flush_recordset(["sci_qty_to_invoice", "sci_invoice_status"])
        pickings = moves.picking_id
        self.env.add_to_compute(pickings._fields["sci_invoice_status"], pickings)
        pickings.flush_recordset(["sci_invoice_status"])

    def _sci_is_invoiced_from_order(self):
        """Whether the move's order line is invoiced from its sales order
        (Odoo's Create Invoice: customer invoice lines not linked to
        shipments). Such a line goes on being invoiced from its order:
        offering its shipments too would invoice them twice."""
        self.ensure_one()
        return any(
            not line.sci_stock_move_ids
            and line.parent_state != "cancel"
            and line.move_id.move_type in ("out_invoice", "out_refund")
            for line in self.sale_line_id.invoice_lines
        )

    def _sci_get_invoiced_quantities(self):
        """Quantities of the posted customer invoice lines linked to the
        moves of ``self``, minus posted credit notes, in each move's unit.

        A line linked to several moves fills them in order (date, id), each up
        to its delivered quantity net of returns; the last move takes what is
        left.

        :return: dict {stock.move id: quantity}
        """
        result = defaultdict(float)
        lines = self.sci_invoice_line_ids.filtered(
            lambda line: line.parent_state == "posted"
            and line.move_id.move_type in ("out_invoice", "out_refund")
        )
        for line in lines:
            sign = -1 if line.move_id.move_type == "out_refund" else 1
            moves = line.sci_stock_move_ids.sorted(lambda m: (m.date, m.id))
            remaining = line.quantity
            for index, move in enumerate(moves):
                if index == len(moves) - 1:
                    taken = remaining
                else:
                    capacity = move.product_uom._compute_quantity(
                        move.quantity - move.sci_qty_returned,
                        line.product_uom_id,
                        rounding_method="HALF-UP",
                    )
                    taken = max(min(remaining, capacity), 0.0)
                remaining -= taken
                if move in self:
                    result[move.id] += sign * line.product_uom_id._compute_quantity(
                        taken, move.product_uom, rounding_method="HALF-UP"
                    )
        return result

    def _sci_lock(self):
        """Lock the rows of the moves of ``self`` until the end of the
        transaction, so that two invoices over the same shipment are posted one
        after the other (see ``account.move._sci_lock_invoiced_sources``)."""
        lock_rows(self)

    def _sci_busy_message(self):
        """Why an invoice of this move cannot be posted now: another
        transaction invoiced it since this one began."""
        self.ensure_one()
        return busy_message(
            self.env,
            self.env._(
                "Shipment %(picking)s, product %(product)s",
                picking=self.picking_id.name or self.reference,
                product=self.product_id.display_name,
            ),
        )

    def _sci_check_invoiced_quantity(self):
        """Refuse invoiced quantities above the delivered ones (not returned
        nor consumed), and credit notes giving back more than was invoiced."""
        for move in self:
            rounding = move.product_uom.rounding
            deliverable = move.quantity - move.sci_qty_returned - move.sci_qty_consumed
            values = {
                "picking": move.picking_id.name or move.reference,
                "product": move.product_id.display_name,
                "invoiced": move.sci_qty_invoiced,
                "delivered": deliverable,
                "uom": move.product_uom.name,
            }
            if (
                float_compare(move.sci_qty_invoiced, 0.0, precision_rounding=rounding)
                < 0
            ):
                raise UserError(
                    self.env._(
                        "Shipment %(picking)s, product %(product)s: the credit "
                        "notes would give back more than was invoiced (%(invoiced)s "
                        "%(uom)s invoiced in the end); lower their quantities.",
                        **values,
                    )
                )
            if (
                float_compare(
                    move.sci_qty_invoiced, deliverable, precision_rounding=rounding
                )
                > 0
            ):
                raise UserError(
                    self.env._(
                        "Shipment %(picking)s, product %(product)s: invoicing "
                        "%(invoiced)s %(uom)s would exceed the %(delivered)s "
                        "%(uom)s delivered and not returned or consumed. It is "
                        "probably already on another posted invoice: remove "
                        "the line or lower its quantity.",
                        **values,
                    )
                )

    def _sci_get_pricelist_price(self, invoice):
        """Unit price in the move's unit and the invoice currency from the
        invoice partner's pricelist, for a move without sales order;
        ``False`` lets Odoo compute it."""
        self.ensure_one()
        date = invoice.invoice_date or fields.Date.context_today(self)
        pricelist = invoice.partner_id.property_product_pricelist
        if not pricelist:
            return False
        price = pricelist._get_product_price(
            self.product_id,
            self.sci_qty_to_invoice or 1.0,
            currency=pricelist.currency_id,
            uom=self.product_uom,
            date=date,
        )
        if pricelist.currency_id != invoice.currency_id:
            price = pricelist.currency_id._convert(
                price, invoice.currency_id, invoice.company_id, date, round=False
            )
        return price

    def _sci_get_unit_price(self, invoice):
        """Unit price and discount in the move's unit shown in Get Shipment
        Lines: the order line's, else the pricelist's."""
        self.ensure_one()
        sale_line = self.sale_line_id
        if sale_line:
            price = sale_line.product_uom._compute_price(
                sale_line.price_unit, self.product_uom
            )
            return price, sale_line.discount
        return self._sci_get_pricelist_price(invoice) or 0.0, 0.0

    def _sci_invoice_line_label(self, description):
        """The invoice line's label: the description, then the delivery
        reference and date on a line of their own."""
        self.ensure_one()
        delivery = self.env._(
            "Delivery %(picking)s of %(date)s",
            picking=self.picking_id.name or self.reference,
            date=format_date(self.env, self.date),
        )
        return f"{description}\n{delivery}" if description else delivery

    def _prepare_invoice_line_values(self, invoice, quantity):
        """Values of the invoice line that invoices ``quantity`` (in the move's
        unit) of this shipment move on ``invoice``: Odoo's own values for its
        sales order line (``sale.order.line._prepare_invoice_line``, so that
        every module extending it applies), in the order line's unit, plus the
        link to the move and the delivery in the label. Without an order, the
        customer's pricelist price."""
        self.ensure_one()
        sale_line = self.sale_line_id
        if sale_line:
            values = sale_line._prepare_invoice_line(
                quantity=self.product_uom._compute_quantity(
                    quantity, sale_line.product_uom, rounding_method="HALF-UP"
                ),
                sci_stock_move_ids=[Command.link(self.id)],
            )
            values["name"] = self._sci_invoice_line_label(values.get("name"))
            values.pop("sequence", None)
            return values
        values = {
            "display_type": "product",
            "product_id": self.product_id.id,
            "name": self._sci_invoice_line_label(self.product_id.display_name),
            "quantity": quantity,
            "product_uom_id": self.product_uom.id,
            "sci_stock_move_ids": [Command.link(self.id)],
        }
        price = self._sci_get_pricelist_price(invoice)
        if price is not False:
            values["price_unit"] = price
        return values

    def _sci_on_consumed(self):
        """Hook called on the moves just consumed under their picking's
        contract (``picking_id.contract_id``, ``sci_qty_consumed``): records
        what they consumed in the service ledger."""
        self.env["service.ledger.entry"]._sci_create_for_consumed(self)
        return True
