"""Benchmark: Create Contract Invoices engine vs OCA's own contract cron.

Seeds N one-line monthly customer contracts (all due today) in a database
copied from a base database where the addon is installed, copies that seeded
database once per engine, and times on the same data:

- this addon's engine (``service.contract.invoicing.run``, batches committed),
- OCA's cron (``contract.contract.cron_recurring_create_invoice``),

each in its own process, printing invoices per second, the ratio, and the peak
memory of the process. ``--post`` times end to end, invoices created and
posted: the engine with *Post at once* against OCA's cron followed by
``action_post`` of the invoices it created. ``--oca-max N`` leaves OCA out for
sizes above N (its time grows faster than linearly), to time the engine alone
on larger sizes. Run it through ``tools/benchmark`` (which starts a
throwaway PostgreSQL cluster and writes the Odoo configuration), not by hand.

``--queue-job 1,2`` instead times one real background run per number of
queue_job workers: an Odoo server with the job runner (``--load=base,web,
queue_job``) and the channel ``root.service_contract_invoicing`` at that
capacity invoices the seeded contracts, one job per batch; it prints the
throughput side by side. ``--lock-hold`` measures, batch by batch, how long a
transaction that posts its invoices holds Odoo's invoice-numbering lock of the
journal (from its first posting to its commit).
"""

import argparse
import json
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.request

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


def run_engine(db_name, engine, post=False):
    """Invoice every due contract with one engine (and post the invoices when
    ``post``); print a JSON line."""
    registry = Registry(db_name)
    rss_before = _peak_rss_mb()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        if engine == "oca":
            # OCA's cron invoices service contracts through the engine: to
            # time OCA's own code, the same contracts keep OCA's rules. (The
            # addon's modules import once the registry has set the addons
            # path.)
            from odoo.addons.service_contract_invoicing.models.trusted_context import (  # noqa: E501
                Trusted,
            )

            env["contract.contract"].search(
                [("name", "=like", "Benchmark %")]
            ).with_context(
                sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
            ).write({"is_service_contract": False})
            cr.commit()
        moves_before = env["account.move"].search_count([])
        started = time.perf_counter()
        if engine == "sci":
            model = env["service.contract.invoicing"]
            contracts = env["contract.contract"].search(
                model._due_contracts_domain(today), order="id"
            )
            model.run(
                contracts,
                posting_date=today,
                invoice_to_date=today,
                commit=True,
                post=post,
            )
        else:
            env["contract.contract"].cron_recurring_create_invoice()
            if post:
                env["account.move"].search(
                    [("state", "=", "draft"), ("move_type", "=", "out_invoice")]
                ).action_post()
        cr.commit()
        elapsed = time.perf_counter() - started
        invoices = env["account.move"].search_count([]) - moves_before
        posted = env["account.move"].search_count([("state", "=", "posted")])
    print(
        json.dumps(
            {
                "engine": engine,
                "seconds": round(elapsed, 2),
                "invoices": invoices,
                "posted": posted,
                "peak_rss_mb": round(_peak_rss_mb(), 1),
                "rss_before_mb": round(rss_before, 1),
            }
        )
    )


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_http(port, process, timeout=300):
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


def run_queue_job(config, db_name, workers, log_path):
    """One background run of every due contract, with an Odoo server running
    the job runner at ``workers`` jobs at once. Returns a result dict."""
    port, gevent_port = _free_port(), _free_port()
    env = dict(
        os.environ,
        ODOO_QUEUE_JOB_CHANNELS=(
            f"root:{workers},root.service_contract_invoicing:{workers}"
        ),
    )
    # Multi-process Odoo starts its websocket server as "python <argv[0]>
    # gevent": argv[0] must be a script, not "-m odoo".
    launcher = f"{log_path}.odoo-bin"
    with open(launcher, "w") as script:
        script.write(
            "__import__('os').environ['TZ'] = 'UTC'\nimport odoo.cli\n\n"
            "odoo.cli.main()\n"
        )
    with open(log_path, "w") as log:
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
                # One HTTP worker per job, and one for the runner's calls.
                f"--workers={workers + 1}",
                "--max-cron-threads=0",
                "--limit-time-cpu=600",
                "--limit-time-real=1200",
                "--log-level=warn",
            ],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_http(port, server)
        registry = Registry(db_name)
        with registry.cursor() as cr:
            env_ = api.Environment(cr, SUPERUSER_ID, {})
            env_["ir.config_parameter"].set_param(
                "service_contract_invoicing.background_threshold", "0"
            )
            today = fields.Date.context_today(env_["res.partner"])
            engine = env_["service.contract.invoicing"]
            contracts = env_["contract.contract"].search(
                engine._due_contracts_domain(today), order="id"
            )
            started = time.perf_counter()
            invoicing_run = env_["contract.invoicing.run"]._start(
                contracts,
                trigger="wizard",
                posting_date=today,
                invoice_to_date=today,
                combine=True,
            )
            invoicing_run._execute(contracts)
            cr.commit()
            run_id, batches = invoicing_run.id, invoicing_run.batch_count
        while True:
            time.sleep(0.5)
            with registry.cursor() as cr:
                cr.execute(
                    "SELECT state, invoice_count, failed_count "
                    "FROM contract_invoicing_run WHERE id = %s",
                    [run_id],
                )
                state, invoices, failed = cr.fetchone()
                cr.execute("SELECT count(*) FROM queue_job WHERE state = 'failed'")
                failed_jobs = cr.fetchone()[0]
            if state != "running" or failed_jobs:
                break
        elapsed = time.perf_counter() - started
        with registry.cursor() as cr:
            # queue_job counts every attempt, the first one included.
            cr.execute(
                "SELECT sum(retry) - count(*) FROM queue_job WHERE model_name = "
                "'contract.invoicing.run'"
            )
            retries = cr.fetchone()[0] or 0
        return {
            "workers": workers,
            "seconds": round(elapsed, 2),
            "invoices": invoices,
            "failed": failed,
            "failed_jobs": failed_jobs,
            "batches": batches,
            "retries": retries,
            "state": state,
        }
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
        odoo.sql_db.close_db(db_name)


def measure_lock_hold(db_name):
    """Post each batch's invoices as a background job does, timing how long
    the transaction holds the journal's numbering lock: from its first
    posting to its commit."""
    registry = Registry(db_name)
    holds = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        Engine = type(env["service.contract.invoicing"])
        post_moves = Engine._post_moves
        posting = {}

        def timed_post_moves(self, moves):
            posting.setdefault("start", time.perf_counter())
            return post_moves(self, moves)

        Engine._post_moves = timed_post_moves
        try:
            today = fields.Date.context_today(env["res.partner"])
            engine = env["service.contract.invoicing"]
            contracts = env["contract.contract"].search(
                engine._due_contracts_domain(today), order="id"
            )
            for batch in engine._split_batches(contracts, True):
                posting.clear()
                started = time.perf_counter()
                engine._run_batch(batch, today, today, True, True, False)
                cr.commit()
                ended = time.perf_counter()
                holds.append(
                    (ended - started, ended - posting.get("start", ended), len(batch))
                )
                env.invalidate_all()
        finally:
            Engine._post_moves = post_moves
    return holds


def main_queue_job(args):
    workers_list = [int(value) for value in args.queue_job.split(",")]
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
        for workers in workers_list:
            target = f"sci_bench_qj{workers}_{size}"
            _copy_database(seeded, target)
            result = run_queue_job(args.config, target, workers, f"/tmp/{target}.log")
            _drop_database(target)
            rows.append((size, result))
            print(json.dumps(dict(result, contracts=size)), flush=True)
        _drop_database(seeded)
    print()
    print(
        f"{'N':>6} | {'workers':>7} | {'jobs':>4} | {'seconds':>8} | "
        f"{'invoices':>8} | {'inv/s':>7} | {'speed-up':>8} | {'retries':>7}"
    )
    base = {}
    for size, result in rows:
        rate = result["invoices"] / result["seconds"]
        base.setdefault(size, rate)
        print(
            f"{size:>6} | {result['workers']:>7} | {result['batches']:>4} | "
            f"{result['seconds']:>8} | {result['invoices']:>8} | {rate:>7.1f} | "
            f"{rate / base[size]:>7.2f}x | {result['retries']:>7}"
        )


def main_lock_hold(args):
    size = int(args.sizes.split(",")[0])
    seeded = f"sci_bench_lock_{size}"
    _copy_database(args.base_db, seeded)
    seed(seeded, size)
    holds = measure_lock_hold(seeded)
    _drop_database(seeded)
    total = sum(hold[0] for hold in holds)
    held = sum(hold[1] for hold in holds)
    count = sum(hold[2] for hold in holds)
    print(
        f"{count} contracts posted in {len(holds)} batches: {total:.1f} s in all, "
        f"numbering lock held {held:.1f} s ({held / total:.0%} of the time), "
        f"{held / len(holds):.2f} s per batch of {count // len(holds)}, "
        f"{held / count * 1000:.1f} ms per invoice"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--base-db", default="sci_bench_base")
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument(
        "--queue-job",
        metavar="WORKERS",
        help="comma-separated numbers of queue_job workers: time one background "
        "run per number instead of comparing with OCA's cron",
    )
    parser.add_argument(
        "--lock-hold",
        action="store_true",
        help="measure how long posting holds the journal's numbering lock",
    )
    parser.add_argument(
        "--post",
        action="store_true",
        help="end to end: invoices created and posted (engine with Post at "
        "once; OCA's cron, then action_post)",
    )
    parser.add_argument(
        "--oca-max",
        type=int,
        metavar="N",
        help="time OCA only for sizes up to N (the engine alone above)",
    )
    parser.add_argument("--run", choices=["sci", "oca"], help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])

    if args.run:
        run_engine(args.db, args.run, post=args.post)
        return
    if args.queue_job or args.lock_hold:
        if args.queue_job:
            main_queue_job(args)
        if args.lock_hold:
            main_lock_hold(args)
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
        engines = ("sci", "oca")
        if args.oca_max is not None and size > args.oca_max:
            engines = ("sci",)
        for engine in engines:
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
                    *(["--post"] if args.post else []),
                ],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            results[engine] = json.loads(output.strip().splitlines()[-1])
            _drop_database(target)
        _drop_database(seeded)
        rows.append((size, results))
        print(
            f"N={size}: "
            + "; ".join(
                f"{'engine' if name == 'sci' else 'OCA'} {r['invoices']} invoices "
                f"({r['posted']} posted) in {r['seconds']} s "
                f"({r['invoices'] / r['seconds']:.1f}/s, peak {r['peak_rss_mb']} MB)"
                for name, r in results.items()
            ),
            flush=True,
        )

    print()
    print(
        ("End to end, invoices created and posted" if args.post else "Invoices created")
        + " (engine: Create Contract Invoices; OCA: its cron"
        + (" + action_post)" if args.post else ")")
    )
    print(
        f"{'N':>6} | {'engine s':>8} | {'engine inv/s':>12} | {'engine MB':>9} | "
        f"{'OCA s':>7} | {'OCA inv/s':>9} | {'OCA MB':>7} | {'ratio':>5}"
    )
    for size, results in rows:
        sci, oca = results["sci"], results.get("oca")
        sci_rate = sci["invoices"] / sci["seconds"]
        if oca:
            oca_rate = oca["invoices"] / oca["seconds"]
            oca_cols = (
                f"{oca['seconds']:>7} | {oca_rate:>9.1f} | {oca['peak_rss_mb']:>7} | "
                f"{sci_rate / oca_rate:>5.2f}"
            )
        else:
            oca_cols = f"{'-':>7} | {'-':>9} | {'-':>7} | {'-':>5}"
        print(
            f"{size:>6} | {sci['seconds']:>8} | {sci_rate:>12.1f} | "
            f"{sci['peak_rss_mb']:>9} | {oca_cols}"
        )
    if len(rows) > 1:
        (small, first), (large, last) = rows[-2], rows[-1]
        line = (
            f"engine time N={large} / N={small}: "
            f"{last['sci']['seconds'] / first['sci']['seconds']:.2f}x "
            f"(sizes {large / small:.2f}x)"
        )
        if "oca" in first and "oca" in last:
            line += f"; OCA: {last['oca']['seconds'] / first['oca']['seconds']:.2f}x"
        print(line)


if __name__ == "__main__":
    main()
