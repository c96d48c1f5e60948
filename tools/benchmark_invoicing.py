"""Benchmark: Create Contract Invoices engine vs OCA's own contract cron.

Seeds N one-line monthly customer contracts (all due today) in a database
copied from a base database where the addon is installed, copies that seeded
database once per engine, and times on the same data:

- this addon's engine (``service.contract.invoicing.run``, batches committed),
- OCA's cron (``contract.contract.cron_recurring_create_invoice``),

each in its own process, printing invoices per second, the ratio, and the peak
memory of the process. Run it through ``tools/benchmark`` (which starts a
throwaway PostgreSQL cluster and writes the Odoo configuration), not by hand.
"""

import argparse
import json
import resource
import subprocess
import sys
import time

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

ADDON = "service_contract_invoicing"


def _peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def _admin_cursor(conf_db="postgres"):
    return odoo.sql_db.db_connect(conf_db).cursor()


def _copy_database(source, target):
    odoo.sql_db.close_db(source)
    with _admin_cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(target)))
        cr.execute(
            SQL(
                "CREATE DATABASE %s TEMPLATE %s",
                SQL.identifier(target),
                SQL.identifier(source),
            )
        )


def _drop_database(name):
    odoo.sql_db.close_db(name)
    with _admin_cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute(SQL("DROP DATABASE IF EXISTS %s", SQL.identifier(name)))


def seed(db_name, count):
    """Create `count` signed one-line monthly contracts due today."""
    registry = Registry(db_name)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        company = env.ref("base.main_company")
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        product = env["product.product"].create(
            {"name": "Benchmark Service", "type": "service"}
        )
        partners = env["res.partner"].create(
            [{"name": f"Benchmark Customer {i}"} for i in range(min(count, 500))]
        )
        today = fields.Date.context_today(env["res.partner"])
        for start in range(0, count, 500):
            contracts = env["contract.contract"].create(
                [
                    {
                        "name": f"Benchmark {i}",
                        "is_service_contract": True,
                        "partner_id": partners[i % len(partners)].id,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "date_start": today,
                        "invoice_period": "month",
                        "contract_line_ids": [
                            Command.create(
                                {
                                    "name": "Monthly service",
                                    "product_id": product.id,
                                    "uom_id": product.uom_id.id,
                                    "price_unit": 100.0,
                                    "automatic_price": False,
                                }
                            )
                        ],
                    }
                    for i in range(start, min(start + 500, count))
                ]
            )
            contracts.action_sign()
            cr.commit()
            env.invalidate_all()


def run_engine(db_name, engine):
    """Invoice every due contract with one engine; print a JSON line."""
    registry = Registry(db_name)
    rss_before = _peak_rss_mb()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        if engine == "oca":
            # OCA's cron invoices service contracts through the engine: to
            # time OCA's own code, the same contracts keep OCA's rules.
            env["contract.contract"].search(
                [("name", "=like", "Benchmark %")]
            ).with_context(sci_skip_lock_check=True).write(
                {"is_service_contract": False}
            )
            cr.commit()
        moves_before = env["account.move"].search_count([])
        started = time.perf_counter()
        if engine == "sci":
            model = env["service.contract.invoicing"]
            contracts = env["contract.contract"].search(
                model._due_contracts_domain(today), order="id"
            )
            model.run(contracts, posting_date=today, invoice_to_date=today, commit=True)
        else:
            env["contract.contract"].cron_recurring_create_invoice()
        cr.commit()
        elapsed = time.perf_counter() - started
        invoices = env["account.move"].search_count([]) - moves_before
    print(
        json.dumps(
            {
                "engine": engine,
                "seconds": round(elapsed, 2),
                "invoices": invoices,
                "peak_rss_mb": round(_peak_rss_mb(), 1),
                "rss_before_mb": round(rss_before, 1),
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--base-db", default="sci_bench_base")
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument("--run", choices=["sci", "oca"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])

    if args.run:
        run_engine(args.db, args.run)
        return

    rows = []
    for size in [int(value) for value in args.sizes.split(",")]:
        seeded = f"sci_bench_seed_{size}"
        _copy_database(args.base_db, seeded)
        started = time.perf_counter()
        seed(seeded, size)
        print(
            f"seeded {size} contracts in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        results = {}
        for engine in ("sci", "oca"):
            target = f"sci_bench_{engine}_{size}"
            _copy_database(seeded, target)
            output = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "-c",
                    args.config,
                    "--run",
                    engine,
                    "--db",
                    target,
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[engine] = json.loads(output.strip().splitlines()[-1])
            _drop_database(target)
        _drop_database(seeded)
        rows.append((size, results))
        sci, oca = results["sci"], results["oca"]
        print(
            f"N={size}: engine {sci['invoices']} invoices in {sci['seconds']} s "
            f"({sci['invoices'] / sci['seconds']:.0f}/s, "
            f"peak {sci['peak_rss_mb']} MB); "
            f"OCA cron {oca['invoices']} invoices in {oca['seconds']} s "
            f"({oca['invoices'] / oca['seconds']:.0f}/s, peak {oca['peak_rss_mb']} MB)",
            flush=True,
        )

    print()
    print(
        f"{'N':>6} | {'engine s':>8} | {'engine inv/s':>12} | {'engine MB':>9} | "
        f"{'OCA s':>7} | {'OCA inv/s':>9} | {'OCA MB':>7} | {'ratio':>5}"
    )
    for size, results in rows:
        sci, oca = results["sci"], results["oca"]
        sci_rate = sci["invoices"] / sci["seconds"]
        oca_rate = oca["invoices"] / oca["seconds"]
        print(
            f"{size:>6} | {sci['seconds']:>8} | {sci_rate:>12.1f} | "
            f"{sci['peak_rss_mb']:>9} | {oca['seconds']:>7} | {oca_rate:>9.1f} | "
            f"{oca['peak_rss_mb']:>7} | {sci_rate / oca_rate:>5.2f}"
        )
    if len(rows) > 1:
        (small, first), (large, last) = rows[-2], rows[-1]
        print(
            f"engine time N={large} / N={small}: "
            f"{last['sci']['seconds'] / first['sci']['seconds']:.2f}x "
            f"(OCA: {last['oca']['seconds'] / first['oca']['seconds']:.2f}x)"
        )


if __name__ == "__main__":
    main()
