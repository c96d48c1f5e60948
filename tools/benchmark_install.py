"""Benchmark: install the addon on a database with 100,000 done customer moves.

Run through ``tools/benchmark_install`` (which starts a throwaway PostgreSQL
cluster, installs contract and sale_stock without demo data, and writes the
Odoo configuration), not by hand.

Seeding: a few template sales orders are made with the ORM (confirmed,
delivered; a third of them invoiced from the order, as Odoo's Create Invoice
does) with a delivery without order, then copied in SQL (orders, order lines,
pickings, moves, links to the invoice lines) until the database holds the
requested number of done customer moves. Then ``-i service_contract_invoicing``
is timed in its own process: the addon's pre_init_hook fills the new stock
columns in SQL. ``--compare`` times the same install on a copy of the seeded
database with the hook switched off, Odoo computing the columns in Python.
"""

import argparse
import subprocess
import sys
import time

# The database copies of the invoicing benchmark (same folder).
from benchmark_invoicing import _copy_database

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

ADDON = "service_contract_invoicing"
BASE_DB = "sci_bench_history"
LINES_PER_ORDER = 5


def _make_templates(env, orders_count):
    """Template orders (delivered, a third invoiced) and one delivery
    without order. Returns the ids of orders and of the picking."""
    company = env.ref("base.main_company")
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    products = env["product.product"].create(
        [
            {
                "name": f"Benchmark Widget {i}",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 10.0 + i,
            }
            for i in range(LINES_PER_ORDER)
        ]
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 1_000_000.0
        )
    partners = env["res.partner"].create(
        [
            {"name": f"Benchmark Customer {i}", "is_company": True}
            for i in range(orders_count)
        ]
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create({"product_id": product.id, "product_uom_qty": 3})
                    for product in products
                ],
            }
            for partner in partners
        ]
    )
    orders.action_confirm()
    for picking in orders.picking_ids:
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
            move.picked = True
        picking.button_validate()
    invoiced = orders[: max(1, orders_count // 3)]
    invoiced._create_invoices().action_post()
    customers = env.ref("stock.stock_location_customers")
    picking = env["stock.picking"].create(
        {
            "partner_id": partners[0].id,
            "picking_type_id": warehouse.out_type_id.id,
            "location_id": warehouse.lot_stock_id.id,
            "location_dest_id": customers.id,
            "move_ids": [
                Command.create(
                    {
                        "name": product.name,
                        "product_id": product.id,
                        "product_uom_qty": 2,
                        "product_uom": product.uom_id.id,
                        "location_id": warehouse.lot_stock_id.id,
                        "location_dest_id": customers.id,
                    }
                )
                for product in products
            ],
        }
    )
    picking.action_confirm()
    for move in picking.move_ids:
        move.quantity = 2
        move.picked = True
    picking.button_validate()
    return orders.ids, picking.id


def _columns(cr, table):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    return [row[0] for row in cr.fetchall()]


def _copy_rows(cr, table, where, rounds, stride, mapped, renamed=()):
    """Copy the rows of ``table`` matching ``where`` ``rounds`` times: the
    id and the ``mapped`` foreign keys shifted by ``round * stride`` (their
    copies), the ``renamed`` columns suffixed with the round."""
    columns = _columns(cr, table)
    expressions = []
    for column in columns:
        if column == "id" or column in mapped:
            expressions.append(SQL("%s + r * %s", SQL.identifier("t", column), stride))
        elif column in renamed:
            expressions.append(SQL("%s || '-' || r", SQL.identifier("t", column)))
        else:
            expressions.append(SQL.identifier("t", column))
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t, generate_series(1, %s) r "
            "WHERE %s",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(column) for column in columns),
            SQL(", ").join(expressions),
            SQL.identifier(table),
            rounds,
            where,
        )
    )
    cr.execute(
        SQL(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
            "(SELECT MAX(id) FROM %s))",
            table,
            SQL.identifier(table),
        )
    )
    return cr.rowcount


def seed(moves_count, orders_count=20):
    registry = Registry(BASE_DB)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        start = time.time()
        order_ids, picking_id = _make_templates(env, orders_count)
        env.flush_all()
        template_moves = (orders_count + 1) * LINES_PER_ORDER
        rounds = max(0, -(-moves_count // template_moves) - 1)
        cr.execute("SELECT GREATEST(MAX(id), 1) FROM stock_move")
        stride = cr.fetchone()[0]
        for table in ("sale_order", "sale_order_line", "stock_picking"):
            cr.execute(SQL("SELECT MAX(id) FROM %s", SQL.identifier(table)))
            stride = max(stride, cr.fetchone()[0])
        stride += 1
        order_ids = tuple(order_ids)
        _copy_rows(
            cr,
            "sale_order",
            SQL("t.id IN %s", order_ids),
            rounds,
            stride,
            (),
            ("name",),
        )
        _copy_rows(
            cr,
            "sale_order_line",
            SQL("t.order_id IN %s", order_ids),
            rounds,
            stride,
            ("order_id",),
        )
        cr.execute(
            SQL(
                "SELECT id FROM stock_picking WHERE sale_id IN %s OR id = %s",
                order_ids,
                picking_id,
            )
        )
        picking_ids = tuple(row[0] for row in cr.fetchall())
        _copy_rows(
            cr,
            "stock_picking",
            SQL("t.id IN %s", picking_ids),
            rounds,
            stride,
            ("sale_id",),
            ("name",),
        )
        _copy_rows(
            cr,
            "stock_move",
            SQL("t.picking_id IN %s", picking_ids),
            rounds,
            stride,
            ("picking_id", "sale_line_id"),
        )
        # Order lines invoiced from their order: linked to the template's
        # invoice lines.
        cr.execute(
            SQL(
                "INSERT INTO sale_order_line_invoice_rel "
                "(order_line_id, invoice_line_id) "
                "SELECT rel.order_line_id + r * %s, rel.invoice_line_id "
                "FROM sale_order_line_invoice_rel rel "
                "JOIN sale_order_line sol ON sol.id = rel.order_line_id "
                "CROSS JOIN generate_series(1, %s) r "
                "WHERE sol.order_id IN %s",
                stride,
                rounds,
                order_ids,
            )
        )
        cr.execute(
            "SELECT COUNT(*) FROM stock_move m "
            "JOIN stock_location l ON l.id = m.location_dest_id "
            "WHERE m.state = 'done' AND l.usage = 'customer'"
        )
        done = cr.fetchone()[0]
        cr.execute("ANALYZE")
        print(
            f"Seeded {done} done customer moves in {time.time() - start:.1f} s",
            flush=True,
        )
        return done


def install(conf, db, without_hook=False):
    """Install the addon on ``db`` in this process (called in a child)."""
    odoo.tools.config.parse_config(
        [
            "-c",
            conf,
            "-d",
            db,
            "-i",
            ADDON,
            "--stop-after-init",
            "--log-level=warn",
            "--without-demo=all",
        ]
    )
    if without_hook:
        from odoo.addons.service_contract_invoicing import hooks

        hooks._sci_fill_shipment_columns = lambda cr: None
    start = time.time()
    Registry.new(db, update_module=True)
    print(f"{time.time() - start:.1f}")


def _timed_install(conf, db, without_hook=False):
    command = [sys.executable, __file__, "-c", conf, "--install", db]
    if without_hook:
        command.append("--without-hook")
    start = time.time()
    output = subprocess.run(command, check=True, capture_output=True, text=True)
    return float(output.stdout.strip().splitlines()[-1]), time.time() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--moves", type=int, default=100_000)
    parser.add_argument("--compare", action="store_true")
    parser.add_argument("--install", help=argparse.SUPPRESS)
    parser.add_argument("--without-hook", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.install:
        install(args.config, args.install, args.without_hook)
        return
    odoo.tools.config.parse_config(["-c", args.config])
    done = seed(args.moves)
    if args.compare:
        _copy_database(BASE_DB, "sci_bench_history_python")
    seconds, wall = _timed_install(args.config, BASE_DB)
    print(
        f"Install of {ADDON} on {done} done customer moves, columns filled by "
        f"the pre_init_hook: {seconds:.1f} s (process {wall:.1f} s)",
        flush=True,
    )
    if args.compare:
        seconds, wall = _timed_install(
            args.config, "sci_bench_history_python", without_hook=True
        )
        print(
            f"Same install, hook off (Odoo computes the columns in Python): "
            f"{seconds:.1f} s (process {wall:.1f} s)",
            flush=True,
        )


if __name__ == "__main__":
    main()
