"""Benchmark: Create Contract Invoices against Odoo's floor and OCA's cron.

Seeds N one-line monthly customer contracts (all due today) in two databases
copied from two base databases (seeded alike by ``seed``): ``sci_bench_base``
where the addon is installed, and ``sci_bench_oca_base`` with the addon's
dependencies only (OCA's ``contract``, ``sale_management``, ``sale_stock``,
``queue_job``). Each run below works on a fresh copy of its seeded database,
in a process of its own, and prints its time, invoices per second and peak
memory; then the figures side by side:

- ``floor``: Odoo's floor, in the database without the addon: the same
  invoices as bare ``account.move`` values, built before the timer (one
  customer invoice per contract, one line per contract line: product,
  description, quantity, unit, price, income account, taxes; no link to the
  contract lines), then ``account.move.create`` (and ``action_post`` with
  ``--post``) in batches of the engine's default size, each committed, with
  the mail options the engine creates its invoices with (no tracking, no
  creation message: ``FLOOR_CONTEXT``);
- ``sci``: this addon's engine (``service.contract.invoicing.run``, batches
  committed; *Post at once* with ``--post``);
- ``oca_alone``: OCA's cron (``contract.contract.cron_recurring_create_invoice``,
  then ``action_post`` of its invoices with ``--post``) in the database
  without the addon;
- ``oca_addon``: the same in the addon's database, its contracts turned into
  OCA contracts (what the addon's presence costs OCA);
- ``floor_addon``: the floor in the addon's database (what the addon's hooks
  on Odoo's invoices cost);
- ``floor_mail`` (only when named in ``--runs``): the floor with Odoo's
  default context, as a plain script would create and post the invoices.

Each run prints its wall time and its CPU time (the Odoo process's and its
PostgreSQL backend's, read from ``/proc`` when the cluster is local), which
other work on a shared machine changes much less. ``--runs`` picks some of
them, in the order given; ``--oca-max N`` leaves OCA out for sizes above
N (its time grows faster than linearly). Run it through ``tools/benchmark``
(which starts a throwaway PostgreSQL cluster, makes both base databases and
writes the Odoo configuration), not by hand.

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
import subprocess
import sys
import time

# Helpers shared by the benchmark scripts (same folder).
from bench_common import (
    copy_database,
    cpu_seconds,
    database_exists,
    drop_database,
    peak_rss_mb,
    start_queue_job_server,
)

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry


def seed(db_name, count):
    """Create ``count`` one-line monthly contracts due today: signed service
    contracts where this addon is installed, OCA's own contracts (the same
    values, OCA's recurrence fields) where it is not."""
    registry = Registry(db_name)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        with_addon = "is_service_contract" in env["contract.contract"]._fields
        if with_addon:
            recurrence = {"is_service_contract": True, "invoice_period": "month"}
        else:
            recurrence = {"recurring_rule_type": "monthly", "recurring_interval": 1}
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
                        "partner_id": partners[i % len(partners)].id,
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "date_start": today,
                        **recurrence,
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
            if with_addon:
                contracts.action_sign()
            cr.commit()
            env.invalidate_all()


def floor_values(env, today):
    """The invoices of the seeded contracts as bare ``account.move`` values:
    one customer invoice per contract, one line per contract line with what
    the line says (product, description, quantity, unit price) and what Odoo
    would find for it (income account, taxes through the fiscal position).
    Neither OCA's nor this addon's code: no link to the contract lines."""
    values = []
    contracts = env["contract.contract"].search(
        [("name", "=like", "Benchmark %")], order="id"
    )
    for contract in contracts:
        fiscal_position = contract.fiscal_position_id
        lines = []
        for line in contract.contract_line_ids.filtered(lambda ln: not ln.display_type):
            product = line.product_id
            taxes = product.taxes_id.filtered(
                lambda tax, company=contract.company_id: tax.company_id == company
            )
            lines.append(
                Command.create(
                    {
                        "product_id": product.id,
                        "name": line.name,
                        "quantity": line.quantity,
                        "product_uom_id": line.uom_id.id,
                        "price_unit": line.price_unit,
                        "account_id": product.product_tmpl_id.get_product_accounts(
                            fiscal_pos=fiscal_position
                        )["income"].id,
                        "tax_ids": [Command.set(fiscal_position.map_tax(taxes).ids)],
                    }
                )
            )
        values.append(
            {
                "move_type": "out_invoice",
                "company_id": contract.company_id.id,
                "partner_id": (contract.invoice_partner_id or contract.partner_id).id,
                "journal_id": contract.journal_id.id,
                "currency_id": contract.currency_id.id,
                "fiscal_position_id": fiscal_position.id,
                "invoice_date": today,
                "invoice_line_ids": lines,
            }
        )
    return values


# What the engine creates its invoices with (service.contract.invoicing.
# _create_moves): no tracking values, creation message or subscription of the
# author. The floor creates them alike (``floor_mail``: with Odoo's default
# context, as a plain script would).
FLOOR_CONTEXT = {
    "tracking_disable": True,
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
}


def run_floor(env, values, batch_size, post):
    """Odoo's floor: ``account.move.create`` (and ``action_post``) of the
    prepared ``values``, in batches of ``batch_size`` committed one by one
    like the engine's."""
    for start in range(0, len(values), batch_size):
        moves = env["account.move"].create(values[start : start + batch_size])
        if post:
            moves.action_post()
        env.cr.commit()
        env.invalidate_all()


def run_engine(db_name, engine, post=False, batch_size=None):
    """Invoice every due contract with one engine (``floor``, ``floor_mail``:
    Odoo's bare create and post of the same invoices; ``sci``: this addon's engine;
    ``oca``: OCA's cron), posting the invoices when ``post``; print a JSON
    line."""
    registry = Registry(db_name)
    rss_before = peak_rss_mb()
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = fields.Date.context_today(env["res.partner"])
        with_addon = "is_service_contract" in env["contract.contract"]._fields
        if engine == "oca" and with_addon:
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
        values = floor_values(env, today) if engine.startswith("floor") else None
        env.invalidate_all()
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM account_move")
        last_move_id = cr.fetchone()[0]
        cr.execute("SELECT pg_backend_pid()")
        backend = cr.fetchone()[0]
        cpu_started, db_cpu_started = cpu_seconds(), cpu_seconds(backend)
        started = time.perf_counter()
        if engine == "floor":
            run_floor(env(context=FLOOR_CONTEXT), values, batch_size, post)
        elif engine == "floor_mail":
            run_floor(env, values, batch_size, post)
        elif engine == "sci":
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
        cpu, db_cpu = cpu_seconds(), cpu_seconds(backend)
        moves = env["account.move"].search([("id", ">", last_move_id)])
        invoices = moves.filtered(lambda move: move.move_type == "out_invoice")
        result = {
            "engine": engine,
            "with_addon": with_addon,
            "seconds": round(elapsed, 2),
            "cpu_seconds": round(cpu - cpu_started, 2),
            # None when PostgreSQL runs on another machine.
            "db_cpu_seconds": (
                round(db_cpu - db_cpu_started, 2) if db_cpu is not None else None
            ),
            "invoices": len(invoices),
            "posted": len(invoices.filtered(lambda move: move.state == "posted")),
            "other_moves": len(moves - invoices),
            # Product lines; the engine adds a note line per contract.
            "lines": len(
                invoices.invoice_line_ids.filtered(
                    lambda line: line.display_type == "product"
                )
            ),
            "other_lines": len(
                invoices.invoice_line_ids.filtered(
                    lambda line: line.display_type != "product"
                )
            ),
            "amount_total": round(sum(invoices.mapped("amount_total")), 2),
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "rss_before_mb": round(rss_before, 1),
        }
    print(json.dumps(result))


def start_background_run(env, trigger):
    """Start a background run (one queue_job job per batch) of every due
    contract, dated today, and commit: the job runner of a server takes the
    jobs. Returns the run."""
    env["ir.config_parameter"].set_param(
        "service_contract_invoicing.background_threshold", "0"
    )
    today = fields.Date.context_today(env["res.partner"])
    engine = env["service.contract.invoicing"]
    contracts = env["contract.contract"].search(
        engine._due_contracts_domain(today), order="id"
    )
    invoicing_run = env["contract.invoicing.run"]._start(
        contracts,
        trigger=trigger,
        posting_date=today,
        invoice_to_date=today,
        combine=True,
    )
    invoicing_run._execute(contracts)
    env.cr.commit()
    return invoicing_run


def run_queue_job(config, db_name, workers, log_path):
    """One background run of every due contract, with an Odoo server running
    the job runner at ``workers`` jobs at once. Returns a result dict."""
    # A new log for each run (start_queue_job_server appends).
    open(log_path, "w").close()
    server = start_queue_job_server(config, db_name, workers, log_path)
    try:
        registry = Registry(db_name)
        with registry.cursor() as cr:
            started = time.perf_counter()
            invoicing_run = start_background_run(
                api.Environment(cr, SUPERUSER_ID, {}), "wizard"
            )
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
        copy_database(args.base_db, seeded)
        started = time.perf_counter()
        seed(seeded, size)
        print(
            f"seeded {size} contracts in {time.perf_counter() - started:.1f} s",
            flush=True,
        )
        for workers in workers_list:
            target = f"sci_bench_qj{workers}_{size}"
            copy_database(seeded, target)
            result = run_queue_job(args.config, target, workers, f"/tmp/{target}.log")
            drop_database(target)
            rows.append((size, result))
            print(json.dumps(dict(result, contracts=size)), flush=True)
        drop_database(seeded)
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
    copy_database(args.base_db, seeded)
    seed(seeded, size)
    holds = measure_lock_hold(seeded)
    drop_database(seeded)
    total = sum(hold[0] for hold in holds)
    held = sum(hold[1] for hold in holds)
    count = sum(hold[2] for hold in holds)
    print(
        f"{count} contracts posted in {len(holds)} batches: {total:.1f} s in all, "
        f"numbering lock held {held:.1f} s ({held / total:.0%} of the time), "
        f"{held / len(holds):.2f} s per batch of {count // len(holds)}, "
        f"{held / count * 1000:.1f} ms per invoice"
    )


# The timed runs of the comparison: (key, engine, database, label), the
# database being "addon" (the base database where this addon is installed)
# or "oca" (the base database with OCA's contract and the addon's
# dependencies, without this addon). All but the last by default.
RUNS = (
    ("floor", "floor", "oca", "floor"),
    ("sci", "sci", "addon", "engine"),
    ("oca_alone", "oca", "oca", "OCA alone"),
    ("oca_addon", "oca", "addon", "OCA in addon DB"),
    ("floor_addon", "floor", "addon", "floor in addon DB"),
    ("floor_mail", "floor_mail", "oca", "floor, Odoo's default context"),
)


def engine_batch_size():
    """The engine's default batch size (the floor commits batches as large)."""
    odoo.modules.module.initialize_sys_path()
    from odoo.addons.service_contract_invoicing.models.service_contract_invoicing import (  # noqa: E501
        BATCH_SIZE,
    )

    return BATCH_SIZE


def _child_run(args, engine, db_name, batch_size):
    """One timed run in a process of its own; returns its JSON result."""
    command = [sys.executable, __file__, "-c", args.config, "--run", engine]
    command += ["--db", db_name, "--batch-size", str(batch_size)]
    if args.post:
        command.append("--post")
    output = subprocess.run(command, check=False, capture_output=True, text=True)
    if output.returncode:
        sys.stderr.write(output.stderr)
        output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def _seeded(base, size):
    name = f"{base}_seed_{size}"
    copy_database(base, name)
    started = time.perf_counter()
    seed(name, size)
    print(
        f"seeded {size} contracts in {name} in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return name


def measure_size(args, size, runs, batch_size):
    """Seed the databases once for ``size`` contracts, then time each run on
    a copy of its seeded database. Returns {key: result}."""
    seeded = {}
    results = {}
    for key, engine, database, _label in runs:
        if key.startswith("oca") and args.oca_max is not None and size > args.oca_max:
            continue
        if database not in seeded:
            base = args.base_db if database == "addon" else args.oca_base_db
            seeded[database] = _seeded(base, size)
        target = f"sci_bench_{key}_{size}"
        copy_database(seeded[database], target)
        results[key] = result = _child_run(args, engine, target, batch_size)
        drop_database(target)
        print(
            f"N={size} {key}: {result['invoices']} invoices ({result['posted']} "
            f"posted, {result['lines']} product lines, {result['other_lines']} "
            f"other lines, total {result['amount_total']}) in "
            f"{result['seconds']} s (CPU {result['cpu_seconds']} s, PostgreSQL "
            f"{result['db_cpu_seconds']} s), peak {result['peak_rss_mb']} MB",
            flush=True,
        )
    for name in seeded.values():
        drop_database(name)
    return results


def _wall(result):
    return result["seconds"]


def _cpu(result):
    """CPU seconds of the run's Odoo process and of its PostgreSQL backend
    (the process alone when PostgreSQL is on another machine)."""
    return result["cpu_seconds"] + (result["db_cpu_seconds"] or 0.0)


def _print_table(title, rows, labels, measure):
    """One line per size: ``measure`` of each run, then the ratios."""
    ratios = (
        ("engine/floor", "sci", "floor"),
        ("OCA alone/engine", "oca_alone", "sci"),
        ("OCA in addon DB/engine", "oca_addon", "sci"),
    )
    print()
    print(title)
    header = ["N"] + [f"{label} s" for label in labels.values()]
    header += [name for name, _numerator, _denominator in ratios]
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size, results in rows:
        cells = [f"{size:,}"]
        cells += [
            f"{measure(results[key]):.1f}" if key in results else "-" for key in labels
        ]
        cells += [
            f"{measure(results[numerator]) / measure(results[denominator]):.2f}"
            if numerator in results and denominator in results
            else "-"
            for _name, numerator, denominator in ratios
        ]
        print("| " + " | ".join(cells) + " |")
    if len(rows) > 1:
        (small, first), (large, last) = rows[0], rows[-1]
        print(
            f"N={large:,} / N={small:,} (sizes {large / small:.2f}x): "
            + "; ".join(
                f"{labels[key]} {measure(last[key]) / measure(first[key]):.2f}x"
                for key in labels
                if key in first and key in last
            )
        )


def print_comparison(args, rows, runs):
    labels = dict((key, label) for key, _engine, _db, label in runs)
    print()
    print(
        ("End to end, invoices created and posted" if args.post else "Invoices created")
        + ": floor = Odoo's account.move.create"
        + (" + action_post" if args.post else "")
        + " of the same invoices (values built before the timer); engine = Create "
        "Contract Invoices"
        + (" with Post at once" if args.post else "")
        + "; OCA = its cron"
        + (" + action_post" if args.post else "")
        + ". 'alone' / without 'in addon DB': in a database without this addon;"
        " the floor creates with the engine's mail options (FLOOR_CONTEXT)."
    )
    _print_table("Wall time", rows, labels, _wall)
    db_cpu = all(
        result["db_cpu_seconds"] is not None
        for _size, results in rows
        for result in results.values()
    )
    _print_table(
        "CPU time of the Odoo process"
        + (" and of its PostgreSQL backend" if db_cpu else "")
        + " (little changed by other work on the machine)",
        rows,
        labels,
        _cpu,
    )
    print()
    print("Invoices per second, wall time (peak memory of the process, MB)")
    header = ["N"] + list(labels.values())
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for size, results in rows:
        cells = [f"{size:,}"]
        for key in labels:
            result = results.get(key)
            cells.append(
                f"{result['invoices'] / result['seconds']:.1f} "
                f"({result['peak_rss_mb']:.0f})"
                if result
                else "-"
            )
        print("| " + " | ".join(cells) + " |")
    for size, results in rows:
        made = {
            (r["invoices"], r["lines"], r["amount_total"]) for r in results.values()
        }
        if len(made) > 1:
            print(f"N={size}: the runs did not make the same invoices: {made}")


def main_compare(args):
    # In the order given.
    by_key = {run[0]: run for run in RUNS}
    runs = [by_key[key] for key in args.runs.split(",")]
    if any(run[2] == "oca" for run in runs) and not database_exists(args.oca_base_db):
        print(
            f"no database {args.oca_base_db}: floor and OCA alone left out",
            flush=True,
        )
        runs = [run for run in runs if run[2] != "oca"]
    batch_size = engine_batch_size()
    rows = []
    for size in [int(value) for value in args.sizes.split(",")]:
        rows.append((size, measure_size(args, size, runs, batch_size)))
    print_comparison(args, rows, runs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--base-db", default="sci_bench_base")
    parser.add_argument(
        "--oca-base-db",
        default="sci_bench_oca_base",
        help="database with OCA's contract and the addon's dependencies, "
        "without the addon (floor and OCA alone)",
    )
    parser.add_argument("--sizes", default="1000,5000,10000")
    parser.add_argument(
        "--runs",
        default=",".join(run[0] for run in RUNS[:-1]),
        help="comma-separated runs to time, among " + ", ".join(run[0] for run in RUNS),
    )
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
        "once; OCA's cron, then action_post; the floor's action_post)",
    )
    parser.add_argument(
        "--oca-max",
        type=int,
        metavar="N",
        help="time OCA only for sizes up to N (the engine and the floor alone above)",
    )
    parser.add_argument(
        "--run",
        choices=["floor", "floor_mail", "sci", "oca"],
        help=argparse.SUPPRESS,
    )
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--batch-size", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])

    if args.run:
        run_engine(args.db, args.run, post=args.post, batch_size=args.batch_size)
        return
    if args.queue_job or args.lock_hold:
        if args.queue_job:
            main_queue_job(args)
        if args.lock_hold:
            main_lock_hold(args)
        return
    main_compare(args)


if __name__ == "__main__":
    main()
