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

# Helpers shared by the benchmark scripts (same folder).
from bench_common import (
    ADDON,
    copy_database,
    copy_sales_history,
    make_delivered_orders,
)

import odoo
from odoo import SUPERUSER_ID, Command, api
from odoo.modules.registry import Registry
from odoo.tools import SQL

BASE_DB = "sci_bench_history"
LINES_PER_ORDER = 5


def _make_templates(env, orders_count):
    """Template orders (delivered, a third invoiced) and one delivery
    without order. Returns the ids of orders and of the picking."""
    company = env.ref("base.main_company")
    warehouse = env["stock.warehouse"].search(
        [("company_id", "=", company.id)], limit=1
    )
    partners = env["res.partner"].create(
        [
            {"name": f"Benchmark Customer {i}", "is_company": True}
            for i in range(orders_count)
        ]
    )
    products, orders = make_delivered_orders(
        env, warehouse, partners, LINES_PER_ORDER, "Benchmark Widget", 1_000_000.0
    )
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
        cr.execute(
            SQL(
                "SELECT id FROM stock_picking WHERE sale_id IN %s OR id = %s",
                tuple(order_ids),
                picking_id,
            )
        )
        picking_ids = [row[0] for row in cr.fetchall()]
        copy_sales_history(cr, order_ids, picking_ids, rounds)
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
        copy_database(BASE_DB, "sci_bench_history_python")
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
