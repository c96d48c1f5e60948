# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class ServiceShipmentToInvoice(models.Model):
    """Shipments to Invoice: one row per delivery line (done customer
    shipment move) and per delivered service order line with something left
    to invoice, as Get Shipment Lines offers them: a shipment of an order is
    billed to the order's invoice address, one without order to its delivery
    address; a service order line is left to invoice when its delivered
    quantity is above its invoiced one."""

    _name = "service.shipment.to.invoice"
    _description = "Shipment Line to Invoice"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "product_id"
    # Flushed before the rows are read.
    _depends = {
        "stock.move": [
            "sci_is_shipment",
            "sci_qty_to_invoice",
            "picking_id",
            "sale_line_id",
            "company_id",
            "date",
            "product_id",
            "product_uom",
        ],
        "stock.picking": ["partner_id"],
        "sale.order.line": [
            "order_id",
            "price_unit",
            "discount",
            "product_uom",
            "qty_delivered",
            "qty_invoiced",
            "display_type",
            "is_downpayment",
            "company_id",
            "product_id",
        ],
        "sale.order": ["partner_invoice_id", "currency_id", "state", "date_order"],
        "res.partner": ["commercial_partner_id"],
    }

    source = fields.Selection(
        selection=[("shipment", "Delivery"), ("service", "Delivered Service")],
        readonly=True,
    )
    move_id = fields.Many2one(
        comodel_name="stock.move", string="Shipment Move", readonly=True
    )
    sale_line_id = fields.Many2one(
        comodel_name="sale.order.line", string="Order Line", readonly=True
    )
    order_id = fields.Many2one(
        comodel_name="sale.order", string="Sales Order", readonly=True
    )
    picking_id = fields.Many2one(
        comodel_name="stock.picking", string="Delivery", readonly=True
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        readonly=True,
        help="Who is billed: the order's invoice address (its company), the "
        "delivery address when there is no order.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company", string="Company", readonly=True
    )
    date = fields.Datetime(
        string="Shipped On",
        readonly=True,
        help="Date of the delivery; the order date for a delivered service.",
    )
    product_id = fields.Many2one(
        comodel_name="product.product", string="Product", readonly=True
    )
    uom_id = fields.Many2one(comodel_name="uom.uom", string="Unit", readonly=True)
    quantity = fields.Float(
        string="Quantity Left",
        digits="Product Unit of Measure",
        readonly=True,
        help="Delivered, not returned, invoiced nor consumed, in this line's " "unit.",
    )
    currency_id = fields.Many2one(
        comodel_name="res.currency", string="Currency", readonly=True
    )
    amount = fields.Monetary(
        string="Amount Left",
        readonly=True,
        currency_field="currency_id",
        help="Quantity left at the order line's price, less its discount, "
        "before taxes; empty for a delivery without order.",
    )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT move.id * 2 AS id,
                   'shipment' AS source,
                   move.id AS move_id,
                   sol.id AS sale_line_id,
                   so.id AS order_id,
                   move.picking_id AS picking_id,
                   COALESCE(billed.commercial_partner_id,
                            shipped.commercial_partner_id) AS partner_id,
                   move.company_id AS company_id,
                   move.date AS date,
                   move.product_id AS product_id,
                   move.product_uom AS uom_id,
                   move.sci_qty_to_invoice AS quantity,
                   COALESCE(so.currency_id, company.currency_id) AS currency_id,
                   ROUND(
                       sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100.0)
                       * move.sci_qty_to_invoice / move_uom.factor
                       * sol_uom.factor, 2
                   ) AS amount
              FROM stock_move move
              JOIN res_company company ON company.id = move.company_id
              JOIN uom_uom move_uom ON move_uom.id = move.product_uom
         LEFT JOIN stock_picking picking ON picking.id = move.picking_id
         LEFT JOIN res_partner shipped ON shipped.id = picking.partner_id
         LEFT JOIN sale_order_line sol ON sol.id = move.sale_line_id
         LEFT JOIN uom_uom sol_uom ON sol_uom.id = sol.product_uom
         LEFT JOIN sale_order so ON so.id = sol.order_id
         LEFT JOIN res_partner billed ON billed.id = so.partner_invoice_id
             WHERE move.sci_is_shipment AND move.sci_qty_to_invoice > 0
         UNION ALL
            SELECT sol.id * 2 + 1 AS id,
                   'service' AS source,
                   NULL AS move_id,
                   sol.id AS sale_line_id,
                   so.id AS order_id,
                   NULL AS picking_id,
                   billed.commercial_partner_id AS partner_id,
                   sol.company_id AS company_id,
                   so.date_order AS date,
                   sol.product_id AS product_id,
                   sol.product_uom AS uom_id,
                   sol.qty_delivered - sol.qty_invoiced AS quantity,
                   so.currency_id AS currency_id,
                   ROUND(
                       sol.price_unit * (1 - COALESCE(sol.discount, 0) / 100.0)
                       * (sol.qty_delivered - sol.qty_invoiced), 2
                   ) AS amount
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_partner billed ON billed.id = so.partner_invoice_id
              JOIN product_product product ON product.id = sol.product_id
              JOIN product_template template ON template.id = product.product_tmpl_id
             WHERE template.type = 'service'
               AND so.state = 'sale'
               AND sol.display_type IS NULL
               AND sol.is_downpayment IS NOT TRUE
               AND sol.qty_delivered - sol.qty_invoiced > 0
            """
        )

    @api.model
    def _sci_check_one_invoice(self, rows):
        """The rows go on one invoice: one customer, company and currency."""
        if len(rows.partner_id) > 1:
            raise UserError(
                self.env._(
                    "The selected lines are billed to several customers "
                    "(%(customers)s): select the lines of one customer.",
                    customers=", ".join(rows.partner_id.mapped("display_name")),
                )
            )
        if len(rows.company_id) > 1:
            raise UserError(
                self.env._(
                    "The selected lines belong to several companies "
                    "(%(companies)s): select the lines of one company.",
                    companies=", ".join(rows.company_id.mapped("name")),
                )
            )
        if len(rows.currency_id) > 1:
            raise UserError(
                self.env._(
                    "The selected lines are in several currencies (orders "
                    "%(orders)s): an invoice has one currency, select the "
                    "lines of one currency.",
                    orders=", ".join(
                        f"{order.name} ({order.currency_id.name})"
                        for order in rows.order_id.sorted("name")
                    ),
                )
            )

    def _sci_prepare_invoice_values(self):
        """The draft customer invoice of the rows ``self``: the orders'
        invoice address when they share one, else the customer."""
        addresses = self.order_id.partner_invoice_id
        partner = addresses if len(addresses) == 1 else self.partner_id
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "currency_id": self.currency_id.id,
            "company_id": self.company_id.id,
        }

    def action_create_invoice(self):
        """Create Invoice: a draft customer invoice for the customer of the
        selected lines, with these lines (as Get Shipment Lines adds them, for
        the whole quantity left)."""
        if not self:
            raise UserError(self.env._("Select the lines to invoice first."))
        self._sci_check_one_invoice(self)
        invoice = (
            self.env["account.move"]
            .with_company(self.company_id)
            .create(self._sci_prepare_invoice_values())
        )
        Wizard = self.env["service.shipment.line.select"]
        shipment_rows = self.filtered(lambda row: row.source == "shipment")
        service_rows = self - shipment_rows
        values_list = Wizard._prepare_line_values(
            invoice,
            [("id", "in", shipment_rows.move_id.ids)],
            [("id", "in", service_rows.sale_line_id.ids)],
        )
        wizard = Wizard.create(
            {
                "invoice_id": invoice.id,
                "line_ids": [
                    fields.Command.create(dict(values, is_selected=True))
                    for values in values_list
                ],
            }
        )
        offered = {line._get_source_key() for line in wizard.line_ids}
        for row in self:
            key = (row.move_id.id or None, row.sale_line_id.id)
            if key not in offered:
                raise UserError(
                    self.env._(
                        "%(what)s %(document)s, product %(product)s cannot be "
                        "invoiced to %(customer)s any more: refresh the list.",
                        what=self.env._("Delivery")
                        if row.picking_id
                        else self.env._("Order"),
                        document=(row.picking_id or row.order_id).display_name,
                        product=row.product_id.display_name,
                        customer=invoice.partner_id.display_name,
                    )
                )
        wizard.action_confirm()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            views=[(self.env.ref("account.view_move_form").id, "form")],
            res_id=invoice.id,
        )
        return action
