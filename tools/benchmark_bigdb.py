"""Benchmark: a big company's database, every screen and batch at 1x and 10x.

Run through ``tools/benchmark_bigdb`` (which starts a throwaway PostgreSQL
cluster, installs the addon's dependencies without demo data in a base
database and writes the Odoo configuration), not by hand.

For each scale (``--scales 1,10``; ``0.1`` for a quick try) a copy of the base
database is seeded outside the timings, then every step is timed as the web
client runs it (the same ORM entry points as its RPC calls), as the admin
user, each screen once to warm the caches and once measured:

Seeding, 1x (10x: ten times each):

- 500 customers (ORM).
- History before install: 15 template sales orders of 5 storable products
  (ORM: confirmed, delivered; 14 invoiced from the order, one not), copied in
  SQL (orders, lines, deliveries, moves, the links to the invoice lines) to
  30,000 done customer moves, 2,000 of them not invoiced; the copies are
  spread over the customers and the last three years, one customer getting
  200 open lines. Then ``-i service_contract_invoicing`` is timed in its own
  process: its pre_init_hook fills the shipment columns in SQL, so the open
  moves are offered by Get Shipment Lines and Shipments to Invoice.
- Contracts: 24 template service contracts with 5 lines each (ORM: monthly,
  quarterly, yearly; calendar-aligned or not; revenue deferred or not; due
  today or in 15 days), signed, and invoiced period by period since their
  start by Create Contract Invoices (posted at once, one run per posting
  date), so each has its posted invoices, service ledger entries and, when
  deferred, its revenue schedule (recognised up to two months ago by Post
  Prepaid Contract Entries). The ORM would take hours for 10x (about 15
  invoices a second are created and posted), so these are then copied in
  SQL until the database holds 2,000 contracts: contracts, contract lines,
  runs and their lines, invoices, journal items and their taxes, ledger
  entries (new entry numbers), revenue schedule rows, with ids shifted by a
  stride; the templates belong to the first customer (Preview for one
  customer previews them), the copies go round robin to the others,
  invoices are numbered again per journal and prefix, and the ledger's
  contract names follow.
  About 2,000 contracts, 10,000 posted invoices, 50,000 ledger entries.

Then ``-u service_contract_invoicing`` is timed on the seeded database.

``--only ledger_pivot`` (steps named by their method, ``install``,
``update``) times only those steps; for steps that read the ledger alone
(``LEDGER_ONLY_STEPS``) it seeds only the customers and the contracts, whose
copies are only of the contracts, their lines and their ledger entries.
``--steps DATABASE`` times the steps again on a database kept by ``--keep``.
"""

import argparse
import json
import math
import subprocess
import sys
import time
from datetime import date, datetime

# Helpers shared by the benchmark scripts (same folder).
from bench_common import copy_database as _copy_database
from bench_common import copy_rows as _copy_rows
from bench_common import copy_sales_history, make_delivered_orders, peak_rss_mb
from bench_common import drop_database as _drop_database
from bench_common import max_id as _max_id
from bench_common import renamed as _renamed
from bench_common import table_columns as _columns
from dateutil.relativedelta import relativedelta
from lxml import etree

import odoo
from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL
from odoo.tools.safe_eval import datetime as safe_eval_datetime
from odoo.tools.safe_eval import safe_eval

ADDON = "service_contract_invoicing"
BASE_DB = "sci_bigdb_base"
CUSTOMERS = 500
MOVES = 30_000
OPEN_MOVES = 2_000
CONTRACTS = 2_000
BIG_CUSTOMER_LINES = 200
LINES_PER_ORDER = 5
TEMPLATE_ORDERS = 15  # one of them not invoiced: 2,000 open of 30,000
LINES_PER_CONTRACT = 5
ADMIN = 2


def _peak_rss_mb():
    """Peak memory of this process so far, in MB (steps run one after the
    other in one process: a step that grows it shows it)."""
    return round(peak_rss_mb())


def _log(message):
    print(message, file=sys.stderr, flush=True)


# === Seeding: history before install ===


def seed_history(db_name, scale, customers_only=False):
    """Customers and done customer deliveries, before the addon exists
    (``customers_only``: the customers alone)."""
    customers_count = max(20, round(CUSTOMERS * scale))
    moves_count = round(MOVES * scale)
    registry = Registry(db_name)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        started = time.perf_counter()
        company = env.ref("base.main_company")
        warehouse = env["stock.warehouse"].search(
            [("company_id", "=", company.id)], limit=1
        )
        customers = env["res.partner"].create(
            [
                {"name": f"Bigdb Customer {i:05d}", "is_company": True}
                for i in range(customers_count)
            ]
        )
        if customers_only:
            cr.commit()
            _log(f"seeded {customers_count} customers")
            return {"customers": customers_count}
        __, orders = make_delivered_orders(
            env,
            warehouse,
            customers[:TEMPLATE_ORDERS],
            LINES_PER_ORDER,
            "Bigdb Widget",
            10_000_000.0,
        )
        open_order = orders[-1]
        (orders - open_order)._create_invoices().action_post()
        env.flush_all()
        template_moves = TEMPLATE_ORDERS * LINES_PER_ORDER
        rounds = max(0, math.ceil(moves_count / template_moves) - 1)
        stride = copy_sales_history(
            cr, tuple(orders.ids), tuple(orders.picking_ids.ids), rounds
        )
        # Customers: the open orders (copies of the open template) go 40 to
        # the big customer (200 lines), the others round robin to the rest;
        # the invoiced orders round robin to everyone. Dates over 3 years.
        customer_ids = customers.ids
        big_orders = BIG_CUSTOMER_LINES // LINES_PER_ORDER
        cr.execute(
            SQL(
                """
                WITH open_orders AS (
                    SELECT id, row_number() OVER (ORDER BY id) - 1 AS n
                      FROM sale_order WHERE id = %(open)s
                        OR mod(id - %(open)s, %(stride)s) = 0 AND id > %(open)s
                ), targets AS (
                    SELECT so.id,
                           CASE WHEN oo.n IS NULL
                                THEN (%(customers)s)[1 + mod(so.id, %(count)s)]
                                WHEN oo.n < %(big)s THEN (%(customers)s)[1]
                                ELSE (%(customers)s)[2 + mod(oo.n, %(count)s - 1)]
                           END AS partner_id,
                           mod(so.id, 1095)::int AS age
                      FROM sale_order so
                 LEFT JOIN open_orders oo ON oo.id = so.id
                )
                UPDATE sale_order so
                   SET partner_id = t.partner_id,
                       partner_invoice_id = t.partner_id,
                       partner_shipping_id = t.partner_id,
                       date_order = so.date_order - make_interval(days => t.age)
                  FROM targets t WHERE t.id = so.id
                """,
                open=open_order.id,
                stride=stride,
                customers=customer_ids,
                count=len(customer_ids),
                big=big_orders,
            )
        )
        cr.execute(
            """
            UPDATE sale_order_line sol SET order_partner_id = so.partner_id
              FROM sale_order so WHERE so.id = sol.order_id
            """
        )
        cr.execute(
            """
            UPDATE stock_picking p
               SET partner_id = so.partner_shipping_id,
                   date_done = so.date_order, scheduled_date = so.date_order,
                   date = so.date_order
              FROM sale_order so WHERE so.id = p.sale_id
            """
        )
        cr.execute(
            """
            UPDATE stock_move m SET date = p.date_done, partner_id = p.partner_id
              FROM stock_picking p WHERE p.id = m.picking_id
            """
        )
        cr.execute(
            "SELECT COUNT(*) FROM stock_move m "
            "JOIN stock_location l ON l.id = m.location_dest_id "
            "WHERE m.state = 'done' AND l.usage = 'customer'"
        )
        done = cr.fetchone()[0]
        cr.commit()
        _log(
            f"seeded {customers_count} customers and {done} done customer moves "
            f"in {time.perf_counter() - started:.1f} s"
        )
    with registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")
    return {"customers": customers_count, "moves": done}


# === Seeding: contracts, invoices, ledger ===

TEMPLATES = [
    (period, align, defer, due)
    for period in ("month", "quarter", "year")
    for align in (False, True)
    for defer in (False, True)
    for due in (True, False)
]
PERIOD_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _template_contracts(env, today, customers):
    company = env.ref("base.main_company")
    journal = env["account.journal"].search(
        [("type", "=", "sale"), ("company_id", "=", company.id)], limit=1
    )
    deferred_account = env["account.account"].create(
        {
            "name": "Bigdb Deferred Revenue",
            "code": "BIGDB01",
            "account_type": "liability_current",
        }
    )
    company.write({"sci_deferred_revenue_account_id": deferred_account.id})
    products = env["product.product"].create(
        [
            {"name": f"Bigdb Service {i}", "type": "service", "list_price": 10.0}
            for i in range(LINES_PER_CONTRACT)
        ]
    )
    values = []
    for period, align, defer, due in TEMPLATES:
        start = today - relativedelta(months=5 * PERIOD_MONTHS[period])
        if not due:
            start += relativedelta(days=15)
        values.append(
            {
                "name": f"Bigdb {period} {'aligned' if align else 'anchored'} "
                f"{'deferred' if defer else 'plain'} {'due' if due else 'later'}",
                "is_service_contract": True,
                # Preview for one customer previews these, at every scale.
                "partner_id": customers[0].id,
                "company_id": company.id,
                "journal_id": journal.id,
                "date_start": start,
                "invoice_period": period,
                "align_to_calendar": align,
                "sci_defer_revenue": defer,
                "contract_line_ids": [
                    Command.create(
                        {
                            "name": f"Service {i}",
                            "product_id": product.id,
                            "uom_id": product.uom_id.id,
                            "price_unit": 10.0 * (i + 1) * PERIOD_MONTHS[period],
                            "automatic_price": False,
                        }
                    )
                    for i, product in enumerate(products)
                ],
            }
        )
    contracts = env["contract.contract"].create(values)
    contracts.action_sign()
    return contracts


def _invoice_history(env, contracts, today):
    """Invoice every period that starts before today, one Create Contract
    Invoices run (posted at once) per posting date, oldest first."""
    Run = env["contract.invoicing.run"]
    while True:
        env.invalidate_all()
        pending = contracts.filtered(
            lambda c: c.recurring_next_date and c.recurring_next_date < today
        )
        if not pending:
            return
        day = min(pending.mapped("recurring_next_date"))
        batch = pending.filtered(lambda c, day=day: c.recurring_next_date == day)
        invoicing_run = Run._start(
            batch,
            trigger="wizard",
            posting_date=day,
            invoice_to_date=day,
            post_invoices=True,
        )
        invoicing_run._execute(batch)


def seed_contracts(db_name, scale, ledger_only=False):
    """Contracts invoiced since their start; ``ledger_only``: the copies are
    only of the contracts, their lines and their ledger entries (the copied
    entries keep their template's invoice, without its invoice line), enough
    for the screens that read the ledger alone (``LEDGER_ONLY_STEPS``)."""
    contracts_count = round(CONTRACTS * scale)
    registry = Registry(db_name)
    with registry.cursor() as cr:
        env = api.Environment(
            cr, SUPERUSER_ID, {"tracking_disable": True, "mail_create_nolog": True}
        )
        started = time.perf_counter()
        today = fields.Date.context_today(env["res.partner"])
        customers = env["res.partner"].search(
            [("name", "=like", "Bigdb Customer %")], order="id"
        )
        contracts = _template_contracts(env, today, customers)
        cr.commit()
        _invoice_history(env, contracts, today)
        # Deferred revenue recognised up to the end of the month before last.
        until = today.replace(day=1) - relativedelta(months=1, days=1)
        env["contract.revenue.schedule"]._sci_recognise(until)
        env.flush_all()
        cr.commit()
        invoices = env["account.move"].search(
            [("invoice_line_ids.contract_line_id.contract_id", "in", contracts.ids)]
        )
        runs = env["contract.invoicing.run"].search([])
        _log(
            f"templates: {len(contracts)} contracts, {len(invoices)} invoices, "
            f"{len(runs)} runs in {time.perf_counter() - started:.1f} s"
        )
        rounds = max(0, math.ceil(contracts_count / len(contracts)) - 1)
        tables = (
            "contract_contract",
            "contract_line",
            "account_move",
            "account_move_line",
            "service_ledger_entry",
            "contract_revenue_schedule",
            "contract_invoicing_run",
            "contract_invoicing_run_line",
        )
        stride = 1 + max(_max_id(cr, table) for table in tables)
        contract_ids = tuple(contracts.ids)
        invoice_ids = tuple(invoices.ids)
        run_ids = tuple(runs.ids)
        # Runs, invoices and revenue schedules: not copied for the ledger alone.
        invoice_rounds = 0 if ledger_only else rounds
        _copy_rows(
            cr,
            "contract_contract",
            SQL("t.id IN %s", contract_ids),
            rounds,
            stride,
            overrides={"name": _renamed("name")},
        )
        _copy_rows(
            cr,
            "contract_line",
            SQL("t.contract_id IN %s", contract_ids),
            rounds,
            stride,
            ("contract_id",),
        )
        _copy_rows(
            cr,
            "contract_invoicing_run",
            SQL("t.id IN %s", run_ids),
            invoice_rounds,
            stride,
            overrides={"name": _renamed("name")},
        )
        run_line_mapped = [
            column
            for column in ("run_id", "contract_id", "move_id")
            if column in _columns(cr, "contract_invoicing_run_line")
        ]
        _copy_rows(
            cr,
            "contract_invoicing_run_line",
            SQL("t.run_id IN %s", run_ids),
            invoice_rounds,
            stride,
            run_line_mapped,
        )
        move_columns = _columns(cr, "account_move")
        _copy_rows(
            cr,
            "account_move",
            SQL("t.id IN %s", invoice_ids),
            invoice_rounds,
            stride,
            [c for c in ("sci_invoicing_run_id",) if c in move_columns],
            {"name": _renamed("name")},
        )
        _copy_rows(
            cr,
            "account_move_line",
            SQL("t.move_id IN %s", invoice_ids),
            invoice_rounds,
            stride,
            ("move_id", "contract_line_id"),
        )
        cr.execute(
            SQL(
                "INSERT INTO account_move_line_account_tax_rel "
                "(account_move_line_id, account_tax_id) "
                "SELECT rel.account_move_line_id + r * %s, rel.account_tax_id "
                "FROM account_move_line_account_tax_rel rel "
                "JOIN account_move_line l ON l.id = rel.account_move_line_id "
                "CROSS JOIN generate_series(1, %s) r WHERE l.move_id IN %s",
                stride,
                invoice_rounds,
                invoice_ids,
            )
        )
        ledger_mapped = ["contract_id", "contract_line_id"]
        ledger_overrides = {
            "entry_number": SQL("nextval('service_ledger_entry_number_seq')")
        }
        if ledger_only:
            # The template's invoice; its lines are posted once (unique index).
            ledger_overrides["invoice_line_id"] = SQL("NULL")
        else:
            ledger_mapped += ["invoice_id", "invoice_line_id"]
        _copy_rows(
            cr,
            "service_ledger_entry",
            SQL("t.invoice_id IN %s", invoice_ids),
            rounds,
            stride,
            ledger_mapped,
            ledger_overrides,
        )
        _copy_rows(
            cr,
            "contract_revenue_schedule",
            SQL("t.invoice_id IN %s", invoice_ids),
            invoice_rounds,
            stride,
            ("contract_id", "contract_line_id", "invoice_id", "move_line_id"),
        )
        # Customers round robin; what names them follows.
        cr.execute(
            SQL(
                """
                UPDATE contract_contract c
                   SET partner_id = (%(customers)s)[2 + mod(c.id, %(count)s - 1)],
                       invoice_partner_id =
                           (%(customers)s)[2 + mod(c.id, %(count)s - 1)]
                 WHERE c.name LIKE %(pattern)s AND c.id NOT IN %(templates)s
                """,
                customers=customers.ids,
                count=len(customers),
                pattern="Bigdb %",
                templates=contract_ids,
            )
        )
        cr.execute(
            """
            WITH owner AS (
                SELECT DISTINCT ON (l.move_id) l.move_id, c.partner_id
                  FROM account_move_line l
                  JOIN contract_line cl ON cl.id = l.contract_line_id
                  JOIN contract_contract c ON c.id = cl.contract_id
                 ORDER BY l.move_id
            )
            UPDATE account_move m
               SET partner_id = o.partner_id, commercial_partner_id = o.partner_id,
                   partner_shipping_id = o.partner_id,
                   invoice_partner_display_name = p.name
              FROM owner o JOIN res_partner p ON p.id = o.partner_id
             WHERE o.move_id = m.id
            """
        )
        cr.execute(
            """
            UPDATE account_move_line l SET partner_id = m.partner_id
              FROM account_move m
             WHERE m.id = l.move_id AND l.partner_id IS DISTINCT FROM m.partner_id
               AND m.move_type = 'out_invoice'
            """
        )
        cr.execute(
            """
            UPDATE contract_revenue_schedule s SET partner_id = c.partner_id
              FROM contract_contract c WHERE c.id = s.contract_id
            """
        )
        # Invoice numbers of the copies: after the last one of their journal
        # and prefix, in date order.
        cr.execute(
            SQL(
                """
                WITH last AS (
                    SELECT journal_id, sequence_prefix,
                           MAX(sequence_number) AS number
                      FROM account_move
                     WHERE state = 'posted' AND id < %(stride)s
                     GROUP BY journal_id, sequence_prefix
                ), numbered AS (
                    SELECT m.id, COALESCE(last.number, 0) + row_number() OVER (
                               PARTITION BY m.journal_id, m.sequence_prefix
                               ORDER BY m.date, m.id) AS n
                      FROM account_move m
                 LEFT JOIN last ON last.journal_id = m.journal_id
                           AND last.sequence_prefix = m.sequence_prefix
                     WHERE m.id >= %(stride)s
                )
                UPDATE account_move m
                   SET sequence_number = n.n,
                       name = m.sequence_prefix || lpad(n.n::text, 5, '0'),
                       payment_reference = m.sequence_prefix || lpad(n.n::text, 5, '0')
                  FROM numbered n WHERE n.id = m.id
                """,
                stride=stride,
            )
        )
        cr.execute(
            """
            UPDATE service_ledger_entry e
               SET partner_id = c.partner_id, source_name = c.name, ref = m.name
              FROM contract_contract c, account_move m
             WHERE c.id = e.contract_id AND m.id = e.invoice_id
            """
        )
        cr.commit()
        counts = {}
        for key, query in (
            ("contracts", "SELECT COUNT(*) FROM contract_contract"),
            (
                "invoices",
                "SELECT COUNT(*) FROM account_move WHERE move_type = 'out_invoice' "
                "AND state = 'posted'",
            ),
            ("ledger", "SELECT COUNT(*) FROM service_ledger_entry"),
            ("schedule", "SELECT COUNT(*) FROM contract_revenue_schedule"),
            ("runs", "SELECT COUNT(*) FROM contract_invoicing_run"),
        ):
            cr.execute(query)
            counts[key] = cr.fetchone()[0]
        _log(f"seeded {counts} in {time.perf_counter() - started:.1f} s")
    with registry.cursor() as cr:
        cr._cnx.autocommit = True
        cr.execute("VACUUM ANALYZE")
    return counts


# === Steps, as the web client calls them ===


def _fields_info(views, model_name):
    info = views["models"][model_name]
    return info.get("fields", info)


def _spec(node, model_name, views):
    """The fields specification the web client sends for a view node."""
    fields_info = _fields_info(views, model_name)
    spec = {}
    for element in node.iter("field"):
        if any(parent.tag == "field" for parent in element.iterancestors()):
            continue
        name = element.get("name")
        info = fields_info.get(name)
        if not info:
            continue
        if info["type"] == "many2one":
            spec[name] = {"fields": {"display_name": {}}}
        elif info["type"] in ("one2many", "many2many"):
            sub = next(
                (child for child in element if child.tag in ("list", "kanban")), None
            )
            if sub is not None and info["relation"] in views["models"]:
                spec[name] = {
                    "fields": _spec(sub, info["relation"], views),
                    "limit": 40,
                }
            else:
                spec[name] = {"fields": {"display_name": {}}}
        else:
            spec[name] = {}
    return spec


def view_spec(env, model_name, view_type, xmlid=None):
    view_id = env.ref(xmlid).id if xmlid else False
    views = env[model_name].get_views([(view_id, view_type)])
    arch = etree.fromstring(views["views"][view_type]["arch"])
    return _spec(arch, model_name, views)


def filter_domain(env, model_name, name):
    """The domain of a filter of the model's default search view."""
    views = env[model_name].get_views([(False, "search")])
    arch = etree.fromstring(views["views"]["search"]["arch"])
    node = arch.xpath(f"//filter[@name='{name}']")[0]
    return safe_eval(
        node.get("domain"),
        {
            "context_today": lambda: datetime.now(),
            "datetime": safe_eval_datetime,
            "relativedelta": relativedelta,
        },
    )


class Steps:
    """The steps: each a callable of an admin environment; ``screen`` ones
    are called once to warm the caches, then measured."""

    def __init__(self, env):
        self.env = env
        self.today = fields.Date.context_today(env["res.partner"])

    def _big_customer(self):
        return self.env["res.partner"].search(
            [("name", "=", "Bigdb Customer 00000")], limit=1
        )

    def contracts_list(self):
        env = self.env
        Contract = env["contract.contract"]
        action = env.ref("service_contract_invoicing.contract_contract_service_action")
        domain = (
            safe_eval(action.domain)
            + filter_domain(env, "contract.contract", "not_finished")
            + filter_domain(env, "contract.contract", "due_for_invoicing")
        )
        spec = view_spec(
            env, "contract.contract", "list", "contract.contract_contract_tree_view"
        )
        assert "annual_amount" in spec
        result = Contract.web_search_read(domain, spec, limit=80, count_limit=10001)
        return len(result["records"])

    def contract_form(self):
        env = self.env
        Contract = env["contract.contract"]
        contract = Contract.search(
            [("name", "=like", "Bigdb month anchored plain due%")],
            limit=1,
            order="id desc",
        )
        spec = view_spec(
            env,
            "contract.contract",
            "form",
            "contract.contract_contract_customer_form_view",
        )
        Contract.browse(contract.id).web_read(spec)
        other = self._big_customer()
        Contract.browse(contract.id).onchange(
            {"partner_id": other.id}, ["partner_id"], spec
        )
        return 1

    def _preview(self, partners):
        Wizard = self.env["contract.invoice.create"]
        spec = view_spec(self.env, "contract.invoice.create", "form")
        Wizard.onchange({}, [], spec)
        wizard = Wizard.create(
            {
                "partner_ids": [Command.set(partners.ids)],
                "run_action": "preview",
                "posting_date": self.today,
                "invoice_to_date": self.today,
            }
        )
        wizard.action_run()
        result = wizard.web_read(spec)
        return len(result[0].get("line_ids", []))

    def preview_customer(self):
        # The customer of the 24 template contracts, 12 of them due.
        return self._preview(self._big_customer())

    def preview_all(self):
        return self._preview(self.env["res.partner"])

    def shipments_list(self):
        Rows = self.env["service.shipment.to.invoice"]
        spec = view_spec(self.env, "service.shipment.to.invoice", "list")
        result = Rows.web_search_read([], spec, limit=80, count_limit=10001)
        return len(result["records"])

    def shipments_grouped(self):
        Rows = self.env["service.shipment.to.invoice"]
        result = Rows.web_read_group(
            [], ["amount:sum", "quantity:sum"], ["partner_id"], limit=80
        )
        return result["length"]

    def _draft_invoice(self):
        invoice = self.env["account.move"].search(
            [("ref", "=", "Bigdb shipment invoice"), ("state", "=", "draft")], limit=1
        )
        if not invoice:
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self._big_customer().id,
                    "ref": "Bigdb shipment invoice",
                }
            )
        return invoice

    def get_shipment_lines(self):
        invoice = self._draft_invoice()
        action = invoice.action_sci_get_shipment_lines()
        Wizard = self.env["service.shipment.line.select"].with_context(
            **action["context"]
        )
        spec = view_spec(self.env, "service.shipment.line.select", "form")
        values = Wizard.onchange({}, [], spec)["value"]
        return len(values.get("line_ids", []))

    def insert_shipment_lines(self):
        invoice = self._draft_invoice()
        action = invoice.action_sci_get_shipment_lines()
        wizard = (
            self.env["service.shipment.line.select"]
            .with_context(**action["context"])
            .create({})
        )
        wizard.action_select_all()
        wizard.action_confirm()
        return len(invoice.invoice_line_ids)

    def post_shipment_invoice(self):
        invoice = self._draft_invoice()
        invoice.action_post()
        return len(invoice.invoice_line_ids)

    def ledger_pivot(self):
        Entry = self.env["service.ledger.entry"]
        cells = 0
        for groupby in (
            [],
            ["source_name"],
            ["date:month"],
            ["source_name", "date:month"],
        ):
            cells += len(Entry.read_group([], ["amount:sum"], groupby, lazy=False))
        return cells

    def runs_list(self):
        Run = self.env["contract.invoicing.run"]
        spec = view_spec(self.env, "contract.invoicing.run", "list")
        result = Run.web_search_read([], spec, limit=80, count_limit=10001)
        return len(result["records"])

    def post_prepaid(self):
        Wizard = self.env["contract.revenue.post"]
        spec = view_spec(self.env, "contract.revenue.post", "form")
        Wizard.onchange({}, [], spec)
        wizard = Wizard.create({"until_date": self.today})
        action = wizard.action_post()
        return (
            len(action.get("domain", [[0, 0, [0]]])[0][2])
            if action.get("domain")
            else 1
        )


# (label, method, kind): kind "screen" (warm, then measured) or "batch".
STEPS = [
    ("Service Contracts list, due filter (80 rows)", "contracts_list", "screen"),
    ("Contract form (web_read + onchange)", "contract_form", "screen"),
    ("Create Contract Invoices: Preview, one customer", "preview_customer", "screen"),
    ("Shipments to Invoice, first page", "shipments_list", "screen"),
    ("Shipments to Invoice, grouped by customer", "shipments_grouped", "screen"),
    ("Get Shipment Lines, 200 open lines", "get_shipment_lines", "screen"),
    ("Service Ledger Entries pivot (contract x month)", "ledger_pivot", "screen"),
    ("Contract Invoicing Runs list", "runs_list", "screen"),
    ("Create Contract Invoices: Preview, all due", "preview_all", "batch"),
    ("Get Shipment Lines: insert the 200 lines", "insert_shipment_lines", "batch"),
    ("Post the 200-line invoice", "post_shipment_invoice", "batch"),
    ("Post Prepaid Contract Entries (all deferred)", "post_prepaid", "batch"),
]


def run_steps(db_name, only=None):
    """Time every step (those named in ``only``) in this process; print one
    JSON line per step."""
    registry = Registry(db_name)
    results = {}
    with registry.cursor() as cr:
        env = api.Environment(
            cr,
            ADMIN,
            {"lang": "en_US", "tz": "UTC", "allowed_company_ids": [1]},
        )
        steps = Steps(env)
        for label, method, kind in STEPS:
            if only and method not in only:
                continue
            function = getattr(steps, method)
            if kind == "screen":
                with cr.savepoint():
                    function()
                    env.flush_all()
                env.invalidate_all()
            queries = cr.sql_log_count
            started = time.perf_counter()
            size = function()
            env.flush_all()
            elapsed = time.perf_counter() - started
            queries = cr.sql_log_count - queries
            cr.commit()
            env.invalidate_all()
            results[method] = {
                "seconds": round(elapsed, 3),
                "queries": queries,
                "rows": size,
                "peak_mb": _peak_rss_mb(),
            }
            _log(f"  {label}: {elapsed:.3f} s, {queries} queries, {size} rows")
    print(json.dumps(results))


def install(conf, db, mode):
    """Install (``-i``) or update (``-u``) the addon on ``db`` in this
    process; print seconds and queries."""
    odoo.tools.config.parse_config(
        [
            "-c",
            conf,
            "-d",
            db,
            "-i" if mode == "install" else "-u",
            ADDON,
            "--stop-after-init",
            "--log-level=warn",
            "--without-demo=all",
        ]
    )
    started = time.perf_counter()
    Registry.new(db, update_module=True)
    print(
        json.dumps(
            {
                "seconds": round(time.perf_counter() - started, 1),
                "queries": odoo.sql_db.sql_counter,
                "peak_mb": _peak_rss_mb(),
            }
        )
    )


def _child(conf, *args):
    output = subprocess.run(
        [sys.executable, __file__, "-c", conf, *args],
        check=False,
        capture_output=True,
        text=True,
    )
    if output.stderr:
        sys.stderr.write(output.stderr)
    output.check_returncode()
    return json.loads(output.stdout.strip().splitlines()[-1])


def measure_scale(conf, scale, keep=False, only=()):
    """Seed a database at ``scale`` and time every step, or only those named
    in ``only`` (step methods, ``install``, ``update``): when they all read
    the ledger alone (``LEDGER_ONLY_STEPS``), only the customers, the
    contracts and their ledger entries are seeded."""
    db = f"sci_bigdb_{str(scale).replace('.', '_')}x"
    ledger_only = bool(only) and set(only) <= LEDGER_ONLY_STEPS
    _copy_database(BASE_DB, db)
    counts = seed_history(db, scale, customers_only=ledger_only)
    _log(f"installing {ADDON} on {db}")
    results = {"install": _child(conf, "--install", db, "install")}
    _log(f"  install: {results['install']}")
    # This process loaded the registry before the addon was installed.
    Registry.delete(db)
    odoo.sql_db.close_db(db)
    counts.update(seed_contracts(db, scale, ledger_only=ledger_only))
    odoo.sql_db.close_db(db)
    results.update(_child(conf, "--steps", db, "--only", ",".join(only)))
    if not only or "update" in only:
        results["update"] = _child(conf, "--install", db, "update")
        _log(f"  update: {results['update']}")
    if only and "install" not in only:
        del results["install"]
    if not keep:
        _drop_database(db)
    return counts, results


# Steps that read the ledger alone: ``--only`` them seeds nothing else.
LEDGER_ONLY_STEPS = {"ledger_pivot"}

LABELS = [(method, label, kind) for label, method, kind in STEPS] + [
    ("install", f"Install {ADDON} (-i)", "batch"),
    ("update", f"Update {ADDON} (-u)", "batch"),
]


def print_table(rows):
    """``rows``: [(scale, counts, results)]."""
    scales = [scale for scale, _counts, _results in rows]
    print()
    print("Data: " + "; ".join(f"{scale}x {counts}" for scale, counts, _r in rows))
    header = f"| {'Step':<50} | " + " | ".join(
        f"{scale}x s | {scale}x queries | {scale}x peak MB" for scale in scales
    )
    if len(rows) > 1:
        header += " | time ratio"
    print(header + " |")
    print("|" + "---|" * (1 + 3 * len(scales) + (len(rows) > 1)))
    for method, label, _kind in LABELS:
        if not any(method in results for _scale, _counts, results in rows):
            continue
        cells = []
        for _scale, _counts, results in rows:
            result = results.get(method, {})
            cells.append(f"{result.get('seconds', '-')}")
            cells.append(f"{result.get('queries', '-')}")
            cells.append(f"{result.get('peak_mb', '-')}")
        line = f"| {label:<50} | " + " | ".join(cells)
        if len(rows) > 1:
            first, last = rows[0][2].get(method), rows[-1][2].get(method)
            ratio = (
                f"{last['seconds'] / first['seconds']:.1f}x"
                if first and last and first["seconds"]
                else "-"
            )
            line += f" | {ratio}"
        print(line + " |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument(
        "--scales", default="1,10", help="comma-separated sizes, 1 = the base size"
    )
    parser.add_argument("--keep", action="store_true", help="keep the seeded databases")
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated steps to time (methods of Steps, install, update), "
        "e.g. ledger_pivot: seeds only what the ledger needs",
    )
    parser.add_argument(
        "--steps",
        metavar="DATABASE",
        help="time the steps (--only) on a seeded database kept by --keep",
    )
    parser.add_argument("--install", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    only = tuple(name for name in args.only.split(",") if name)
    unknown = set(only) - {method for method, _label, _kind in LABELS}
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    if args.install:
        install(args.config, *args.install)
        return
    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    if args.steps:
        run_steps(args.steps, only)
        return
    rows = []
    for value in args.scales.split(","):
        scale = float(value) if "." in value else int(value)
        _log(f"== scale {scale}x ({date.today()})")
        counts, results = measure_scale(args.config, scale, args.keep, only)
        rows.append((scale, counts, results))
        print_table(rows)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
