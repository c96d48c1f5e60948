"""Helpers shared by the benchmark scripts of tools/ (not shipped: the wheel
leaves tools/ out, see pyproject.toml).

Database copies and drops, the peak memory of the process, SQL copies of
template rows, and an Odoo server running queue_job's job runner.
"""

import os
import resource
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import odoo
from odoo import Command
from odoo.tools import SQL

ADDON = "service_contract_invoicing"


def peak_rss_mb():
    """Peak memory of this process so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def admin_cursor(conf_db="postgres"):
    return odoo.sql_db.db_connect(conf_db).cursor()


def copy_database(source, target):
    """``target`` made anew as a copy of ``source`` (a template copy: no
    connection to ``source`` may be open)."""
    odoo.sql_db.close_db(source)
    with admin_cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(target)))
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )


def drop_database(name):
    odoo.sql_db.close_db(name)
    with admin_cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


def database_exists(name):
    with admin_cursor() as cr:
        cr.execute(SQL("SELECT 1 FROM pg_database WHERE datname = %s", name))
        return bool(cr.fetchone())


def table_columns(cr, table):
    cr.execute(
        SQL(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_name = %s ORDER BY ordinal_position",
            table,
        )
    )
    return [row[0] for row in cr.fetchall()]


def renamed(column):
    """SQL expression for ``copy_rows``' ``overrides``: the template's value
    suffixed with the round (unique names)."""
    return SQL("%s || '-' || r", SQL.identifier("t", column))


def copy_rows(cr, table, where, rounds, stride, mapped=(), overrides=None):
    """Copy the rows of ``table`` matching ``where`` ``rounds`` times (round
    ``r`` from 1): the id and the ``mapped`` foreign keys shifted by ``r *
    stride`` (they point to the copies of the same round), the ``overrides``
    columns set to their SQL expression (``t`` the template row, ``r`` the
    round). Returns the number of rows inserted."""
    overrides = overrides or {}
    expressions = []
    columns = table_columns(cr, table)
    for column in columns:
        if column in overrides:
            expressions.append(overrides[column])
        elif column == "id" or column in mapped:
            expressions.append(SQL("%s + r * %s", SQL.identifier("t", column), stride))
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
    count = cr.rowcount
    if "id" in columns:
        cr.execute(
            SQL(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "(SELECT MAX(id) FROM %s))",
                table,
                SQL.identifier(table),
            )
        )
    return count


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_http(port, process, timeout=300):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the Odoo server stopped")
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/login", timeout=5)
            return
        except OSError:
            time.sleep(1)
    raise RuntimeError("the Odoo server did not answer")


def start_queue_job_server(config, db_name, workers, log_path, new_session=False):
    """An Odoo server running queue_job's job runner on ``db_name``, the
    channel ``root.service_contract_invoicing`` at ``workers`` jobs at once
    (one HTTP worker per job, and one for the runner's calls); its output
    appended to ``log_path``. ``new_session``: in a process group of its own
    (so that it can be killed whole). Returns the process once the server
    answers."""
    port, gevent_port = free_port(), free_port()
    env = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=(f"root:{workers},root.{ADDON}:{workers}"),
    )
    # Multi-process Odoo starts its websocket server as "python <argv[0]>
    # gevent": argv[0] must be a script, not "-m odoo".
    launcher = f"{log_path}.odoo-bin"
    with open(launcher, "w") as script:
        script.write(
            "__import__('os').environ['TZ'] = 'UTC'\nimport odoo.cli\n\n"
            "odoo.cli.main()\n"
        )
    with open(log_path, "a") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                launcher,
                "-c",
                config,
                "-d",
                db_name,
                f"--db-filter=^{db_name}$",
                "--http-port",
                str(port),
                f"--gevent-port={gevent_port}",
                "--load=base,web,queue_job",
                f"--workers={workers + 1}",
                "--max-cron-threads=0",
                "--limit-time-cpu=600",
                "--limit-time-real=1200",
                "--log-level=warn",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=new_session,
        )
    try:
        wait_http(port, server)
    except Exception:
        if new_session:
            os.killpg(server.pid, signal.SIGKILL)
        else:
            server.kill()
        server.wait()
        raise
    return server


def max_id(cr, table):
    cr.execute(SQL("SELECT COALESCE(MAX(id), 0) FROM %s", SQL.identifier(table)))
    return cr.fetchone()[0]


def copy_sales_history(cr, order_ids, picking_ids, rounds):
    """Copy ``rounds`` times the sales orders ``order_ids`` with their lines
    (linked to the same invoice lines as the template's, when invoiced from
    their order) and the deliveries ``picking_ids`` with their moves: new
    names, ids shifted by a stride above every id of those tables (a copy's
    order, lines, deliveries and moves point to one another). Returns the
    stride."""
    stride = 1 + max(
        max_id(cr, table)
        for table in ("sale_order", "sale_order_line", "stock_picking", "stock_move")
    )
    order_ids, picking_ids = tuple(order_ids), tuple(picking_ids)
    name = {"name": renamed("name")}
    copy_rows(cr, "sale_order", SQL("t.id IN %s", order_ids), rounds, stride, (), name)
    copy_rows(
        cr,
        "sale_order_line",
        SQL("t.order_id IN %s", order_ids),
        rounds,
        stride,
        ("order_id",),
    )
    copy_rows(
        cr,
        "stock_picking",
        SQL("t.id IN %s", picking_ids),
        rounds,
        stride,
        ("sale_id",),
        name,
    )
    copy_rows(
        cr,
        "stock_move",
        SQL("t.picking_id IN %s", picking_ids),
        rounds,
        stride,
        ("picking_id", "sale_line_id"),
    )
    cr.execute(
        SQL(
            "INSERT INTO sale_order_line_invoice_rel "
            "(order_line_id, invoice_line_id) "
            "SELECT rel.order_line_id + r * %s, rel.invoice_line_id "
            "FROM sale_order_line_invoice_rel rel "
            "JOIN sale_order_line sol ON sol.id = rel.order_line_id "
            "CROSS JOIN generate_series(1, %s) r WHERE sol.order_id IN %s",
            stride,
            rounds,
            order_ids,
        )
    )
    return stride


def make_delivered_orders(env, warehouse, partners, products_count, name, stock):
    """``products_count`` storable products named ``name`` and a number
    (invoiced on delivery, ``stock`` units on hand in ``warehouse``) and one
    sales order per partner of ``partners``, 3 of each product, confirmed and
    delivered. Returns (products, orders)."""
    products = env["product.product"].create(
        [
            {
                "name": f"{name} {i}",
                "type": "consu",
                "is_storable": True,
                "invoice_policy": "delivery",
                "list_price": 10.0 + i,
            }
            for i in range(products_count)
        ]
    )
    for product in products:
        env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, stock
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
    return products, orders


def cpu_seconds(pid=None):
    """CPU time (user + system) used so far by this process, or by the
    process ``pid`` of this machine (a PostgreSQL backend of a local
    cluster); None when it cannot be read. Unlike wall time, barely changed
    by other work on a shared machine."""
    if pid is None:
        usage = resource.getrusage(resource.RUSAGE_SELF)
        return usage.ru_utime + usage.ru_stime
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            # The fields after the command's name, which is in parentheses.
            fields = stat.read().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
