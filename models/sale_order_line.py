# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

from .busy_rows import busy_message, lock_rows


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def init(self):
        res = super().init()
        # Shipments to Invoice reads the order lines delivered above what is
        # invoiced: after years of use a small part of all order lines, found
        # through this partial index instead of a scan of them all
        # (tools/benchmark_bigdb). Same expression as the view's.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS %s ON sale_order_line (product_id) "
                "WHERE qty_delivered - qty_invoiced > 0",
                SQL.identifier("sale_order_line_sci_to_invoice_index"),
            )
        )
        return res

    @api.model
    def _sci_delivered_service_domain(self):
        """Order lines that are delivered services: a service product on a
        confirmed order, neither a section, a note nor a down payment.
        Whether something is left to invoice (delivered above invoiced) is
        compared in Python: see ``_sci_qty_left``."""
        return [
            ("product_id.type", "=", "service"),
            ("state", "=", "sale"),
            ("display_type", "=", False),
            ("is_downpayment", "=", False),
            ("qty_delivered", ">", 0),
        ]

    def _sci_qty_left(self):
        """Delivered minus invoiced (Odoo's invoiced quantity: invoices not
        cancelled, draft ones included, minus credit notes), in the line's
        unit; zero or less when nothing is left."""
        self.ensure_one()
        return self.qty_delivered - self.qty_invoiced

    def _sci_prepare_invoice_line_values(self, invoice, quantity):
        """Values of the invoice line that invoices ``quantity`` (in the order
        line's unit) of this delivered service on ``invoice``: Odoo's own
        values, marked as a delivered service of Get Shipment Lines."""
        self.ensure_one()
        values = self._prepare_invoice_line(
            quantity=quantity, sci_is_delivered_service=True
        )
        values.pop("sequence", None)
        return values

    def _sci_lock(self):
        """Lock the rows of the order lines of ``self`` until the end of the
        transaction: two invoices over the same delivered service are posted
        one after the other. The second one waits for the first; once the
        first commits (its posting updates the line's quantity to invoice),
        the database refuses the second one's lock with a serialization error
        (see ``account.move._sci_lock_invoiced_sources``)."""
        lock_rows(self)

    def _sci_busy_message(self):
        """Why an invoice of this delivered service cannot be posted now:
        another transaction invoiced it since this one began."""
        self.ensure_one()
        return busy_message(
            self.env,
            self.env._(
                "Order %(order)s, service %(product)s",
                order=self.order_id.name,
                product=self.product_id.display_name,
            ),
        )

    def _sci_check_delivered_service_invoiced(self):
        """Refuse posted invoices of a delivered service above its delivered
        quantity, and credit notes giving back more than was invoiced."""
        for line in self:
            rounding = line.product_uom.rounding
            invoiced = line.qty_invoiced_posted
            values = {
                "order": line.order_id.name,
                "product": line.product_id.display_name,
                "invoiced": invoiced,
                "delivered": line.qty_delivered,
                "uom": line.product_uom.name,
            }
            if float_compare(invoiced, 0.0, precision_rounding=rounding) < 0:
                raise UserError(
                    self.env._(
                        "Order %(order)s, service %(product)s: the credit notes "
                        "would give back more than was invoiced (%(invoiced)s "
                        "%(uom)s invoiced in the end); lower their quantities.",
                        **values,
                    )
                )
            if (
                float_compare(invoiced, line.qty_delivered, precision_rounding=rounding)
                > 0
            ):
                raise UserError(
                    self.env._(
                        "Order %(order)s, service %(product)s: invoicing "
                        "%(invoiced)s %(uom)s would exceed the %(delivered)s "
                        "%(uom)s delivered. It is probably already on another "
                        "posted invoice: remove the line or lower its quantity.",
                        **values,
                    )
                )
