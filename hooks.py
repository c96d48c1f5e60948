# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import logging
from collections import defaultdict

from odoo import fields
from odoo.tools import SQL

from .models.trusted_context import Trusted

_logger = logging.getLogger(__name__)


def pre_init_hook(env):
    _sci_fill_shipment_columns(env.cr)


def _sci_fill_shipment_columns(cr):
    """Create and fill, in SQL, the stored shipment fields of stock moves and
    pickings before Odoo creates them: a column that already exists is not
    computed again in Python for every historic move.

    The values are those the fields' compute methods give, with what was done
    before install:

    - a delivery whose order line was already invoiced from its sales order
      is finished from its order: nothing to invoice here, *Fully Invoiced*
      once the order line's invoiced quantity reaches its delivered one;
    - a delivery without sales order is flagged *Delivered Before Install*
      and counts as nothing to invoice, unless the setting *Offer Deliveries
      Made Before Install* is turned on;
    - a delivery of an order line not invoiced yet is left to invoice
      (delivered minus returned).

    Rows of moves that are not customer deliveries are left empty (read as
    False and 0).
    """
    cr.execute(
        SQL(
            """
            ALTER TABLE stock_move
                ADD COLUMN IF NOT EXISTS sci_is_shipment boolean,
                ADD COLUMN IF NOT EXISTS sci_is_before_install boolean,
                ADD COLUMN IF NOT EXISTS sci_qty_returned numeric,
                ADD COLUMN IF NOT EXISTS sci_qty_invoiced numeric,
                ADD COLUMN IF NOT EXISTS sci_qty_consumed numeric,
                ADD COLUMN IF NOT EXISTS sci_qty_to_invoice numeric,
                ADD COLUMN IF NOT EXISTS sci_invoice_status varchar;
            ALTER TABLE stock_picking
                ADD COLUMN IF NOT EXISTS sci_invoice_status varchar;
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE stock_move move
               SET sci_is_shipment = TRUE, sci_is_before_install = TRUE
              FROM stock_picking_type picking_type, stock_location destination
             WHERE picking_type.id = move.picking_type_id
               AND destination.id = move.location_dest_id
               AND move.state = 'done'
               AND picking_type.code = 'outgoing'
               AND destination.usage = 'customer'
            """
        )
    )
    _logger.info("Service contract invoicing: %s customer deliveries", cr.rowcount)
    # Done returns, in the returned move's unit (rounded half-up to it).
    cr.execute(
        SQL(
            """
            UPDATE stock_move move
               SET sci_qty_returned = returned.quantity
              FROM (
                    SELECT ret.origin_returned_move_id AS move_id,
                           SUM(CASE WHEN ret.product_uom = orig.product_uom
                                    THEN ret.quantity
                                    ELSE ROUND(ret.quantity / ret_uom.factor
                                               * orig_uom.factor / orig_uom.rounding)
                                         * orig_uom.rounding
                               END) AS quantity
                      FROM stock_move ret
                      JOIN stock_move orig ON orig.id = ret.origin_returned_move_id
                      JOIN uom_uom ret_uom ON ret_uom.id = ret.product_uom
                      JOIN uom_uom orig_uom ON orig_uom.id = orig.product_uom
                     WHERE ret.state = 'done'
                  GROUP BY ret.origin_returned_move_id
                   ) returned
             WHERE returned.move_id = move.id
            """
        )
    )
    # Quantities to invoice and statuses of the deliveries.
    cr.execute(
        SQL(
            """
            WITH invoiced_from_order AS (
                SELECT DISTINCT rel.order_line_id AS sale_line_id
                  FROM sale_order_line_invoice_rel rel
                  JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                  JOIN account_move am ON am.id = aml.move_id
                 WHERE am.state != 'cancel'
                   AND am.move_type IN ('out_invoice', 'out_refund')
            ), values AS (
                SELECT move.id,
                       CASE
                           WHEN move.sale_line_id IS NULL THEN 0
                           WHEN iso.sale_line_id IS NOT NULL THEN 0
                           WHEN move.quantity - COALESCE(move.sci_qty_returned, 0)
                                > uom.rounding / 2
                           THEN move.quantity - COALESCE(move.sci_qty_returned, 0)
                           ELSE 0
                       END AS to_invoice,
                       CASE
                           WHEN move.sale_line_id IS NULL THEN 'no'
                           WHEN iso.sale_line_id IS NOT NULL THEN
                               CASE WHEN sol.qty_invoiced
                                         > sol.qty_delivered - sol_uom.rounding / 2
                                    THEN 'invoiced' ELSE 'no' END
                           WHEN move.quantity - COALESCE(move.sci_qty_returned, 0)
                                > uom.rounding / 2
                           THEN 'to invoice'
                           ELSE 'no'
                       END AS status
                  FROM stock_move move
                  JOIN uom_uom uom ON uom.id = move.product_uom
             LEFT JOIN sale_order_line sol ON sol.id = move.sale_line_id
             LEFT JOIN uom_uom sol_uom ON sol_uom.id = sol.product_uom
             LEFT JOIN invoiced_from_order iso ON iso.sale_line_id = move.sale_line_id
                 WHERE move.sci_is_shipment
            )
            UPDATE stock_move move
               SET sci_qty_to_invoice = values.to_invoice,
                   sci_invoice_status = values.status
              FROM values
             WHERE values.id = move.id
            """
        )
    )
    cr.execute(
        SQL(
            """
            UPDATE stock_picking picking
               SET sci_invoice_status = statuses.status
              FROM (
                    SELECT picking_id,
                           CASE
                               WHEN bool_or(sci_invoice_status = 'to invoice')
                               THEN 'to invoice'
                               WHEN bool_or(sci_invoice_status = 'invoiced')
                               THEN 'invoiced'
                               ELSE 'no'
                           END AS status
                      FROM stock_move
                     WHERE sci_is_shipment AND picking_id IS NOT NULL
                  GROUP BY picking_id
                   ) statuses
             WHERE statuses.picking_id = picking.id
            """
        )
    )


def post_init_hook(env):
    """Contracts OCA invoiced before the install stay invoiced.

    The new required fields give every existing contract their defaults (a
    Quote, Open), which no path invoices. Running customer contracts (active,
    invoice generation, a next invoice date not past their end date: what
    OCA's scheduled action invoiced) become service contracts, Signed and
    Locked on the install date, and Create Contract Invoices invoices them from
    the next run. Finished customer contracts (nothing left to invoice) and
    supplier contracts are left as they are: they keep OCA's rules.
    """
    Contract = env["contract.contract"]
    running = Contract.search(
        [
            ("contract_type", "=", "sale"),
            ("is_service_contract", "=", False),
            ("generation_type", "=", "invoice"),
            ("recurring_next_date", "!=", False),
        ]
    ).filtered(lambda c: not c.date_end or c.recurring_next_date <= c.date_end)
    _sci_adopt_running_contracts(running)


def _sci_adopt_running_contracts(contracts):
    """Make these running OCA customer contracts service contracts, Signed and
    Locked today, each line keeping the period OCA would invoice next: the
    same first and last day (no shorter, no longer, so billed once at its full
    price) and the same next invoice date (in arrears OCA's day after the
    period, not moved back).

    OCA counts each period from the end of the previous one: a contract
    started on 29, 30 or 31 January is invoiced from the 28th after February.
    Such a line gets its periods anchored on the start of its next period
    (``sci_period_anchor_date``) instead of on its start date, so the
    following periods continue OCA's dates too."""
    oca_periods = {}
    for line in contracts.contract_line_ids.filtered(
        lambda line: not line.display_type
        and not line.is_canceled
        and line.recurring_next_date
    ):
        first, last, next_date = line._get_period_to_invoice(
            line.last_date_invoiced, line.recurring_next_date
        )
        if first and last:
            oca_periods[line] = (first, last, next_date)
    contracts = contracts.with_context(
        sci_skip_lock_check=Trusted(), sci_status_write=Trusted(), tracking_disable=True
    )
    contracts.write(
        {
            "is_service_contract": True,
            "contract_state": "signed",
            "change_status": "locked",
            "signed_date": fields.Date.context_today(contracts),
        }
    )
    # One write per distinct value (many contracts share their dates).
    to_write = defaultdict(lambda: contracts.contract_line_ids.browse())
    for line, (first, last, next_date) in oca_periods.items():
        if not line._sci_period_months():
            continue  # weekly, daily...: OCA's arithmetic, nothing changes
        values = []
        if line._sci_period(first)[:2] != (first, last):
            values.append(("sci_period_anchor_date", first))
        if line.recurring_next_date != next_date:
            values.append(("recurring_next_date", next_date))
        if values:
            to_write[tuple(values)] |= line
    for values, lines in to_write.items():
        lines.write(dict(values))


def uninstall_hook(env):
    """Give OCA back its scheduled action and manual invoicing menu."""
    cron = env.ref("contract.contract_cron_for_invoice", raise_if_not_found=False)
    if cron:
        cron.active = True
    menu = env.ref(
        "contract.sale_contract_manually_create_invoice_menu",
        raise_if_not_found=False,
    )
    group = env.ref("account.group_account_manager", raise_if_not_found=False)
    if menu and group:
        menu.groups_id = [fields.Command.set(group.ids)]
