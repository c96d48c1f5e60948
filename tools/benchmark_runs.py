"""Runs that end and locks held briefly, measured on a real database.

Run it through ``tools/benchmark_runs`` (which starts a throwaway PostgreSQL
cluster, installs the addon without demo data in a base database and writes
the Odoo configuration), not by hand.

``--lock-wait`` (500 contracts by default, ``--sizes``): while a run with
*Post at once* invoices and posts the seeded contracts, another connection
(another user) posts an ordinary customer invoice in the same sales journal
every half second and times how long each post waits. Twice: the run in one
transaction (what a synchronous Create Contract Invoices run with *Post at
once* did), then committed batch by batch (what the scheduled action and the
background jobs do, and where the wizard now sends such a run). Prints the
longest and the average wait.

``--kill-restart`` (2,000 contracts): a background run on an Odoo server with
queue_job's job runner (2 job workers); the whole server is killed with
SIGKILL once about 400 invoices exist, then started again; prints, once the
run is closed (or after ``--timeout`` seconds): invoices, duplicate periods,
jobs per state and the run's state.
"""

import argparse
import os
import signal
import subprocess
import threading
import time

import benchmark_invoicing as bench

# Helpers shared by the benchmark scripts (same folder).
from bench_common import copy_database, drop_database, start_queue_job_server

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry


def _ordinary_invoices(registry, count):
    """``count`` draft customer invoices of one line, in the contracts'
    sales journal, committed: what another user posts meanwhile."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        company = env.ref("base.main_company")
        journal = env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
        )
        partner = env["res.partner"].create({"name": "Walk-in Customer"})
        moves = env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "journal_id": journal.id,
                    "invoice_line_ids": [
                        Command.create({"name": "Counter sale", "price_unit": 10.0})
                    ],
                }
                for __ in range(count)
            ]
        )
        return moves.ids


def _run_and_time_other_posts(db_name, commit_per_batch):
    """Invoice and post every due contract (one transaction, or a commit per
    batch); meanwhile post ordinary invoices from another connection. Returns
    (run seconds, batches, [waits in seconds])."""
    registry = Registry(db_name)
    invoice_ids = _ordinary_invoices(registry, 200)
    waits, done = [], threading.Event()

    def other_user():
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
            for invoice_id in invoice_ids:
                if done.wait(0.5):
                    return
                started = time.perf_counter()
                env["account.move"].browse(invoice_id).action_post()
                cr.commit()
                waits.append(time.perf_counter() - started)

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        engine = env["service.contract.invoicing"]
        contracts = engine.env["contract.contract"].search(
            engine._due_contracts_domain(today), order="id"
        )
        batches = len(engine._split_batches(contracts, False))
        thread = threading.Thread(target=other_user)
        started = time.perf_counter()
        thread.start()
        engine.run(
            contracts,
            posting_date=today,
            invoice_to_date=today,
            post=True,
            commit=commit_per_batch,
        )
        cr.commit()
        elapsed = time.perf_counter() - started
    done.set()
    thread.join()
    return elapsed, batches, waits


def main_lock_wait(args):
    size = int(args.sizes.split(",")[0])
    seeded = f"sci_bench_wait_seed_{size}"
    copy_database(args.base_db, seeded)
    bench.seed(seeded, size)
    for label, commit in (
        ("one transaction (before)", False),
        ("a commit per batch (now)", True),
    ):
        target = f"sci_bench_wait_{int(commit)}_{size}"
        copy_database(seeded, target)
        elapsed, batches, waits = _run_and_time_other_posts(target, commit)
        drop_database(target)
        print(
            f"{size} contracts posted, {label}: run {elapsed:.1f} s in {batches} "
            f"batches; another user posting an invoice in the same journal: "
            f"{len(waits)} posts, longest wait {max(waits, default=0):.2f} s, "
            f"average {sum(waits) / max(len(waits), 1):.2f} s",
            flush=True,
        )
    drop_database(seeded)


def _counts(registry, run_id):
    with registry.cursor() as cr:
        cr.execute(
            "SELECT count(*) FROM account_move WHERE sci_invoicing_run_id = %s",
            [run_id],
        )
        invoices = cr.fetchone()[0]
        cr.execute(
            """
            SELECT count(*) FROM (
                SELECT 1 FROM account_move_line
                 WHERE contract_line_id IS NOT NULL AND parent_state != 'cancel'
              GROUP BY contract_line_id, sci_period_start HAVING count(*) > 1
            ) duplicates
            """
        )
        duplicates = cr.fetchone()[0]
        cr.execute(
            "SELECT state, count(*) FROM queue_job "
            "WHERE model_name = 'contract.invoicing.run' GROUP BY state"
        )
        jobs = dict(cr.fetchall())
        cr.execute("SELECT state FROM contract_invoicing_run WHERE id = %s", [run_id])
        state = cr.fetchone()[0]
    return invoices, duplicates, jobs, state


def _print_counts(label, elapsed, counts):
    invoices, duplicates, jobs, state = counts
    jobs_text = ", ".join(f"{count} {name}" for name, count in sorted(jobs.items()))
    print(
        f"{label} ({elapsed:.0f} s): {invoices} invoices, {duplicates} duplicate "
        f"periods, jobs: {jobs_text}, run {state}",
        flush=True,
    )


def main_kill_restart(args):
    size = int(args.sizes.split(",")[0])
    db_name = f"sci_bench_kill_{size}"
    copy_database(args.base_db, db_name)
    bench.seed(db_name, size)
    log_path = f"/tmp/{db_name}.log"
    registry = Registry(db_name)
    server = start_queue_job_server(args.config, db_name, 2, log_path, new_session=True)
    try:
        with registry.cursor() as cr:
            run_id = bench.start_background_run(
                api.Environment(cr, SUPERUSER_ID, {}), "cron"
            ).id
        started = time.perf_counter()
        while _counts(registry, run_id)[0] < args.kill_at:
            if time.perf_counter() - started > args.timeout:
                raise RuntimeError("the jobs did not create the invoices in time")
            time.sleep(0.2)
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
        _print_counts(
            "killed -9", time.perf_counter() - started, _counts(registry, run_id)
        )
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    server = start_queue_job_server(args.config, db_name, 2, log_path, new_session=True)
    restarted = time.perf_counter()
    try:
        while True:
            counts = _counts(registry, run_id)
            if counts[3] != "running" or (
                time.perf_counter() - restarted > args.timeout
            ):
                break
            time.sleep(1)
        _print_counts("restarted", time.perf_counter() - restarted, counts)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
        odoo.sql_db.close_db(db_name)
    drop_database(db_name)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--base-db", default="sci_bench_base")
    parser.add_argument("--sizes", help="contracts (default: 500, kill: 2000)")
    parser.add_argument("--lock-wait", action="store_true")
    parser.add_argument("--kill-restart", action="store_true")
    parser.add_argument("--kill-at", type=int, default=400, help="invoices")
    parser.add_argument("--timeout", type=int, default=600, help="seconds")
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    sizes = args.sizes
    if args.lock_wait:
        args.sizes = sizes or "500"
        main_lock_wait(args)
    if args.kill_restart:
        args.sizes = sizes or "2000"
        main_kill_restart(args)


if __name__ == "__main__":
    main()
