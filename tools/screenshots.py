#!/usr/bin/env python3
# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Take the screenshots of README.md and the Apps page (static/description).

Runs against an Odoo with the addon and its demo data (`make run`):

    .venv/bin/python tools/screenshots.py --url http://localhost:8069 \\
        --out static/description

Starts headless Chromium, logs in as admin through the Chrome DevTools
Protocol, opens each screen, waits until the web client is idle and saves a
PNG. It prepares what the screens need through JSON-RPC: a draft invoice for
Get Shipment Lines, and a Create Contract Invoices run that creates and posts
the invoices of the contracts due, for the run's form and the service ledger
(once: a second run reuses them); for the contract money rules, the price
update terms of some demo contracts and a Preview of Update Contract Prices,
and a yearly prepaid contract, invoiced, posted and shrunk (a line's End Date
set), with its draft credit memo; and a monthly contract with Contract Lines
on Invoice unticked, invoiced for two periods (its draft invoice).

    .venv/bin/python tools/screenshots.py --only money  # those screens only
"""

import argparse
import base64
import datetime
import json
import os
import shutil
import socket
import subprocess
import tempfile
import time

import requests
import websocket

WIDTH, HEIGHT = 1440, 900
# The web client is idle: no RPC under way, no blocked UI.
IDLE = "!document.querySelector('.o_loading_indicator, .o_blockUI')"
ERROR = ".o_error_dialog, .o_dialog .modal-title.text-danger"
CONTRACTS = "/odoo/service-contracts"
SCI = "service_contract_invoicing"


class Odoo:
    """JSON-RPC client with a logged-in session."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self.call("/web/session/authenticate", db=db, login=login, password=password)
        self.session_id = self.session.cookies["session_id"]

    def call(self, path, **params):
        response = self.session.post(
            self.url + path,
            json={"jsonrpc": "2.0", "method": "call", "params": params},
            timeout=120,
        )
        response.raise_for_status()
        body = response.json()
        if body.get("error"):
            error = body["error"]
            raise RuntimeError(f"{path}: {error['data'].get('message') or error}")
        return body["result"]

    def rpc(self, model, method, *args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )

    def ref(self, xmlid):
        module, name = xmlid.split(".")
        rows = self.rpc(
            "ir.model.data",
            "search_read",
            [("module", "=", module), ("name", "=", name)],
            ["res_id"],
        )
        if not rows:
            raise RuntimeError(f"{xmlid} not found: is the demo data loaded?")
        return rows[0]["res_id"]


class Browser:
    """Headless Chromium driven through the DevTools Protocol."""

    def __init__(self, chromium):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.profile = tempfile.mkdtemp(prefix="sci-screenshots-")
        self.process = subprocess.Popen(
            [
                chromium,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--remote-debugging-port={port}",
                f"--user-data-dir={self.profile}",
                f"--window-size={WIDTH},{HEIGHT}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json/list", timeout=5)
                page = next(t for t in targets.json() if t["type"] == "page")
                break
            except (requests.ConnectionError, StopIteration):
                if time.monotonic() > deadline:
                    self.close()
                    raise RuntimeError("Chromium did not start") from None
                time.sleep(0.2)
        # No Origin header: Chromium refuses unknown origins.
        self.ws = websocket.create_connection(
            page["webSocketDebuggerUrl"], suppress_origin=True, timeout=120
        )
        self.last_id = 0
        self.send(
            "Emulation.setDeviceMetricsOverride",
            width=WIDTH,
            height=HEIGHT,
            deviceScaleFactor=1,
            mobile=False,
        )

    def send(self, method, **params):
        self.last_id += 1
        self.ws.send(
            json.dumps({"id": self.last_id, "method": method, "params": params})
        )
        while True:  # events are not enabled, but skip any
            message = json.loads(self.ws.recv())
            if message.get("id") == self.last_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message["result"]

    def evaluate(self, expression):
        result = self.send(
            "Runtime.evaluate",
            expression=expression,
            awaitPromise=True,
            returnByValue=True,
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def wait_for(self, selector, timeout=60):
        """Wait until `selector` matches and the web client is idle."""
        ready = (
            f"document.readyState === 'complete' && !window.sciOldPage"
            f" && !!document.querySelector({json.dumps(selector)}) && {IDLE}"
        )
        error = f"!!document.querySelector({json.dumps(ERROR)})"
        deadline = time.monotonic() + timeout
        while True:
            try:  # fails while the page is being replaced
                if self.evaluate(ready):
                    return
                if self.evaluate(error):
                    raise RuntimeError(f"error dialog while waiting for {selector}")
            except RuntimeError as e:
                if "error dialog" in str(e) or time.monotonic() > deadline:
                    raise
            if time.monotonic() > deadline:
                raise RuntimeError(f"timeout waiting for {selector}")
            time.sleep(0.25)

    def navigate(self, url):
        self.evaluate("window.sciOldPage = true")
        self.send("Page.navigate", url=url)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self):
        if getattr(self, "ws", None):
            self.ws.close()
        self.process.terminate()
        self.process.wait(10)
        shutil.rmtree(self.profile, ignore_errors=True)


def click(selector):
    return f"document.querySelector({json.dumps(selector)}).click()"


# Screens: (file name, prepare(odoo) -> path to open or action to run, steps). A step is
# (JavaScript to run or None, selector to wait for). In this order: the
# preview of Create Contract Invoices, the Shipments to Invoice worklist and
# Get Shipment Lines come before the run that invoices the contracts due (the
# run's form, then the ledger of its posted invoices).
def contract_form(odoo):
    acme = odoo.ref("service_contract_invoicing.contract_demo_acme_maintenance")
    return f"{CONTRACTS}/{acme}"


def draft_invoice(odoo):
    """A draft invoice, without lines, of the customer with shipments."""
    acme = odoo.ref("service_contract_invoicing.partner_demo_acme")
    domain = [
        ("move_type", "=", "out_invoice"),
        ("state", "=", "draft"),
        ("partner_id", "=", acme),
        ("invoice_line_ids", "=", False),
    ]
    ids = odoo.rpc("account.move", "search", domain, limit=1)
    invoice = (
        ids[0]
        if ids
        else odoo.rpc(
            "account.move", "create", {"move_type": "out_invoice", "partner_id": acme}
        )
    )
    return f"/odoo/action-account.action_move_out_invoice_type/{invoice}"


def invoicing_run(odoo):
    """A Create Contract Invoices run (created once) that invoiced and posted
    the contracts due today."""
    ids = odoo.rpc(
        "contract.invoicing.run",
        "search",
        [("invoice_count", ">", 0)],
        limit=1,
        order="id desc",
    )
    if not ids:
        wizard = odoo.rpc(
            "contract.invoice.create",
            "create",
            {"run_action": "create", "post_invoices": True},
        )
        odoo.rpc("contract.invoice.create", "action_run", [wizard])
        ids = odoo.rpc(
            "contract.invoice.create", "read", [wizard], ["invoicing_run_id"]
        )[0]["invoicing_run_id"][:1]
    if not ids:
        raise RuntimeError("Create Contract Invoices made no run")
    return f"/odoo/action-{SCI}.contract_invoicing_run_action/{ids[0]}"


def posted_ledger(odoo):
    """The ledger of the invoices posted by the run above; without them, the
    Bluewater contract is invoiced and posted once."""
    if not odoo.rpc("service.ledger.entry", "search_count", []):
        contract = odoo.ref(
            "service_contract_invoicing.contract_demo_bluewater_hosting"
        )
        action = odoo.rpc(
            "contract.contract", "action_create_service_invoice", [contract]
        )
        odoo.rpc("account.move", "action_post", [action["res_id"]])
    return CONTRACTS


# Contract money rules: price updates and credit memos.
PRICE_UPDATE_TERMS = {
    # Locked: updated.
    "contract_demo_acme_maintenance": {
        "sci_price_increase_text": "Prices are updated by 5% from this "
        "month, as announced in our letter of last month.",
    },
    "contract_demo_bluewater_hosting": {},
    # Open, and a quote: skipped, with their reasons.
    "contract_demo_acme_support": {},
    "contract_demo_northwind_support": {},
}
CREDIT_MEMO_CODE = "SC-SHOTS-CM"


def today():
    return datetime.date.today()


def price_update_terms(odoo):
    """A yearly price update due this month on some demo contracts."""
    next_date = today().replace(day=1).isoformat()
    for name, values in PRICE_UPDATE_TERMS.items():
        contract = odoo.ref(f"{SCI}.{name}")
        odoo.rpc(
            "contract.contract",
            "write",
            [contract],
            dict(
                values,
                sci_price_update_period=12,
                sci_next_price_update_date=next_date,
            ),
        )


def price_update_fields(odoo):
    price_update_terms(odoo)
    return contract_form(odoo)


def price_update_preview(odoo):
    """Update Contract Prices by 5%, previewed: the action that shows it."""
    price_update_terms(odoo)
    wizard = odoo.rpc(
        "contract.price.update",
        "create",
        {"update_to_date": today().isoformat(), "percent": 5.0},
    )
    return odoo.rpc("contract.price.update", "action_preview", [wizard])


def shrunk_contract(odoo):
    """A yearly prepaid service contract (created once) that started some
    months ago, invoiced for its first year and posted, Open, its hosting line
    ending at the end of this month: a credit memo is due."""
    ids = odoo.rpc(
        "contract.contract", "search", [("code", "=", CREDIT_MEMO_CODE)], limit=1
    )
    if ids:
        return ids[0]
    months = today().year * 12 + today().month - 1 - 6  # 6 months ago
    start = datetime.date(months // 12, months % 12 + 1, 1)
    # The last day of this month.
    end = (today().replace(day=28) + datetime.timedelta(days=4)).replace(day=1)
    end -= datetime.timedelta(days=1)
    line = {
        "date_start": start.isoformat(),
        "recurring_rule_type": "yearly",
        "recurring_interval": 1,
        "recurring_invoicing_type": "pre-paid",
        "quantity": 1,
    }
    contract = odoo.rpc(
        "contract.contract",
        "create",
        {
            "name": "Bluewater - Annual Maintenance and Hosting",
            "code": CREDIT_MEMO_CODE,
            "contract_type": "sale",
            "is_service_contract": True,
            "partner_id": odoo.ref(f"{SCI}.partner_demo_bluewater"),
            "recurring_rule_type": "yearly",
            "recurring_interval": 1,
            "recurring_invoicing_type": "pre-paid",
            "date_start": start.isoformat(),
            "contract_line_ids": [
                [
                    0,
                    0,
                    dict(
                        line,
                        product_id=odoo.ref(f"{SCI}.product_demo_maintenance"),
                        name="Annual Maintenance - harbour office",
                        price_unit=2400.0,
                    ),
                ],
                [
                    0,
                    0,
                    dict(
                        line,
                        product_id=odoo.ref(f"{SCI}.product_demo_hosting"),
                        name="Hosting - harbour webcam portal",
                        price_unit=1200.0,
                    ),
                ],
            ],
        },
    )
    odoo.rpc("contract.contract", "action_sign", [contract])
    action = odoo.rpc("contract.contract", "action_create_service_invoice", [contract])
    odoo.rpc("account.move", "action_post", [action["res_id"]])
    odoo.rpc("contract.contract", "action_open_changes", [contract])
    hosting = odoo.rpc(
        "contract.line",
        "search",
        [("contract_id", "=", contract), ("name", "like", "Hosting")],
    )
    odoo.rpc("contract.line", "write", hosting, {"date_end": end.isoformat()})
    return contract


def draft_credit_memos(odoo, contract):
    name = odoo.rpc("contract.contract", "read", [contract], ["name"])[0]["name"]
    domain = [
        ("move_type", "=", "out_refund"),
        ("state", "=", "draft"),
        ("invoice_origin", "=", name),
    ]
    return odoo.rpc("account.move", "search", domain, order="id desc")


def credit_memo_contract(odoo):
    """The shrunk contract, its credit memo due: the draft one of an earlier
    run of this script is deleted."""
    contract = shrunk_contract(odoo)
    drafts = draft_credit_memos(odoo, contract)
    if drafts:
        odoo.rpc("account.move", "unlink", drafts)
    return f"{CONTRACTS}/{contract}"


def credit_memo(odoo):
    """The draft credit memo of the shrunk contract (created once)."""
    contract = shrunk_contract(odoo)
    ids = draft_credit_memos(odoo, contract)[:1]
    if not ids:
        action = odoo.rpc("contract.contract", "action_create_credit_memo", [contract])
        ids = [action["res_id"]]
    return f"/odoo/action-account.action_move_out_refund_type/{ids[0]}"


SUMMED_CODE = "SC-SHOTS-SUM"


def summed_invoice(odoo):
    """The draft invoice of a monthly contract (created once) with Contract
    Lines on Invoice unticked, started last month: two periods, each one
    line with the contract's amount and the contract lines below it."""
    ids = odoo.rpc("contract.contract", "search", [("code", "=", SUMMED_CODE)])
    if not ids:
        months = today().year * 12 + today().month - 1 - 1  # last month
        start = datetime.date(months // 12, months % 12 + 1, 1).isoformat()
        lines = [
            ("product_demo_maintenance", "Maintenance - head office", 2, 150.0),
            ("product_demo_hosting", "Hosting - two servers", 1, 80.0),
            ("product_demo_backup", "Offsite backup", 1, 35.0),
        ]
        ids = [
            odoo.rpc(
                "contract.contract",
                "create",
                {
                    "name": "Acme - Managed IT",
                    "code": SUMMED_CODE,
                    "contract_type": "sale",
                    "is_service_contract": True,
                    "sci_contract_lines_on_invoice": False,
                    "partner_id": odoo.ref(f"{SCI}.partner_demo_acme"),
                    "invoice_period": "month",
                    "recurring_invoicing_type": "pre-paid",
                    "date_start": start,
                    "contract_line_ids": [
                        [
                            0,
                            0,
                            {
                                "product_id": odoo.ref(f"{SCI}.{product}"),
                                "name": name,
                                "quantity": quantity,
                                "price_unit": price,
                                "automatic_price": False,
                            },
                        ]
                        for product, name, quantity, price in lines
                    ],
                },
            )
        ]
        odoo.rpc("contract.contract", "action_sign", ids)
        odoo.rpc("contract.contract", "action_create_service_invoice", ids)
    line_ids = odoo.rpc(
        "account.move.line",
        "search",
        [("contract_line_id.contract_id", "=", ids[0])],
        limit=1,
    )
    move = odoo.rpc("account.move.line", "read", line_ids, ["move_id"])[0]["move_id"]
    return f"/odoo/action-account.action_move_out_invoice_type/{move[0]}"


def do_action(xmlid, context=None):
    """Opens an action in the web client, as a menu would."""
    options = json.dumps({"additionalContext": context or {}, "clearBreadcrumbs": True})
    return (
        "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
        f"{json.dumps(xmlid)}, {options})"
    )


def click_all(selector):
    return (
        f"document.querySelectorAll({json.dumps(selector)})"
        ".forEach((el) => el.click())"
    )


MODAL = ".modal .o_form_view"
MOVE_LINES = ".o_form_view .o_field_widget[name=invoice_line_ids]"
SHOTS = [
    (
        "contract_form",
        contract_form,
        [(None, ".o_form_view .o_field_widget[name=next_period_date_start]")],
    ),
    ("contract_list", lambda odoo: CONTRACTS, [(None, ".o_list_view .o_data_row")]),
    (
        "create_contract_invoices",
        lambda odoo: CONTRACTS,
        [
            (None, ".o_list_view .o_data_row"),
            (
                do_action(f"{SCI}.contract_invoice_create_action"),
                f"{MODAL} input[data-value=preview]",
            ),
            (
                click(f"{MODAL} input[data-value=preview]"),
                f"{MODAL} input[data-value=preview]:checked",
            ),
            (
                click(".modal button[name=action_run]"),
                f"{MODAL} .o_field_widget[name=line_ids] .o_data_row",
            ),
        ],
    ),
    (
        "invoice_periods",
        lambda odoo: CONTRACTS,
        [
            (None, ".o_list_view .o_data_row"),
            (
                do_action(f"{SCI}.contract_invoice_period_help_action"),
                ".o_form_view .o_sci_period_table tbody tr",
            ),
        ],
    ),
    (
        "settings",
        lambda odoo: CONTRACTS,
        [
            (None, ".o_list_view .o_data_row"),
            (
                do_action(f"{SCI}.res_config_settings_action"),
                f".app_settings_block[data-key={SCI}] #sci_invoicing_cron",
            ),
        ],
    ),
    (
        "shipments_to_invoice",
        lambda odoo: "/odoo/shipments-to-invoice",
        [
            (None, ".o_list_view .o_group_header"),
            # The first customer's lines, selected: Create Invoice shows.
            (click(".o_list_view .o_group_header"), ".o_list_view .o_data_row"),
            (
                click_all(".o_data_row .o_list_record_selector input"),
                "button[name=action_create_invoice]",
            ),
            (
                click_all(".o_list_view .o_group_header:not(.o_group_open)"),
                ".o_list_view .o_group_header.o_group_open",
            ),
        ],
    ),
    (
        "get_shipment_lines",
        draft_invoice,
        [
            (None, ".o_form_view button[name=action_sci_get_shipment_lines]"),
            (
                click(".o_form_view button[name=action_sci_get_shipment_lines]"),
                f"{MODAL} .o_field_widget[name=line_ids] .o_data_row",
            ),
            (
                click(".modal button[name=action_select_all]"),
                f"{MODAL} .o_data_row .o_boolean_toggle input:checked",
            ),
        ],
    ),
    (
        "contract_invoicing_run",
        invoicing_run,
        [
            (None, ".o_form_view .o_notebook"),
            (
                click(".o_form_view .o_notebook .nav-link[name=invoices]"),
                ".o_form_view .o_field_widget[name=move_ids] .o_data_row",
            ),
            # The result and the invoices in view.
            (
                "document.querySelector('.o_form_view .o_notebook')"
                ".scrollIntoView({block: 'end'})",
                ".o_form_view .o_field_widget[name=move_ids] .o_data_row",
            ),
        ],
    ),
    (
        "service_ledger",
        posted_ledger,
        [
            (None, ".o_list_view .o_data_row"),
            # Grouped by unit: a quantity total per unit.
            (
                do_action(
                    f"{SCI}.service_ledger_entry_action", {"group_by": ["uom_id"]}
                ),
                ".o_list_view .o_group_header",
            ),
            (
                click_all(".o_list_view .o_group_header"),
                ".o_list_view .o_data_row",
            ),
        ],
    ),
    (
        "contract_price_update_fields",
        price_update_fields,
        [
            (None, ".o_form_view .o_field_widget[name=next_period_date_start]"),
            (
                click(".o_form_view .o_notebook .nav-link[name=info]"),
                ".o_form_view .o_field_widget[name=sci_next_price_update_date]",
            ),
            (
                "document.querySelector('.o_form_view .o_notebook')"
                ".scrollIntoView({block: 'end'})",
                ".o_form_view .o_field_widget[name=sci_next_price_update_date]",
            ),
        ],
    ),
    (
        "update_contract_prices",
        price_update_preview,
        [(None, f"{MODAL} .o_field_widget[name=line_ids] .o_data_row")],
    ),
    (
        "contract_credit_memo",
        credit_memo_contract,
        [
            (None, ".o_form_view button[name=action_create_credit_memo]"),
            (None, ".o_form_view .o_field_widget[name=sci_automatic_credit_memos]"),
        ],
    ),
    (
        "credit_memo",
        credit_memo,
        [
            (None, f"{MOVE_LINES} .o_data_row"),
            # The whole label ("Credit for ... (x of y days of INV/...)").
            (
                f"document.querySelectorAll({json.dumps(MOVE_LINES + ' textarea')})"
                ".forEach((el) => { el.style.height = el.scrollHeight + 'px'; })",
                f"{MOVE_LINES} .o_data_row",
            ),
        ],
    ),
    (
        "summed_invoice",
        summed_invoice,
        [
            (None, f"{MOVE_LINES} .o_data_row"),
            (
                f"document.querySelectorAll({json.dumps(MOVE_LINES + ' textarea')})"
                ".forEach((el) => { el.style.height = el.scrollHeight + 'px'; })",
                f"{MOVE_LINES} .o_data_row",
            ),
        ],
    ),
]
# --only money: the screens of docs/contract_money_rules.md.
GROUPS = {
    "money": {
        "contract_price_update_fields",
        "update_contract_prices",
        "contract_credit_memo",
        "credit_memo",
    },
}


def run_action(action):
    """Runs an action returned by a method (a wizard's dialog)."""
    action = dict(action, views=[[False, action.get("view_mode", "form")]])
    return (
        "odoo.__WOWL_DEBUG__.root.env.services.action.doAction("
        f"{json.dumps(action)})"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://localhost:8069")
    parser.add_argument("--db", default="service_contract_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", default="static/description")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    parser.add_argument(
        "--only",
        nargs="*",
        help="names of the screens to take, or of a group of them (money)",
    )
    args = parser.parse_args()
    only = set()
    for name in args.only or ():
        only |= GROUPS.get(name, {name})

    odoo = Odoo(args.url, args.db, args.login, args.password)
    os.makedirs(args.out, exist_ok=True)
    browser = Browser(args.chromium)
    try:
        browser.send(
            "Network.setCookie",
            name="session_id",
            value=odoo.session_id,
            url=odoo.url,
            httpOnly=True,
        )
        for name, prepare, steps in SHOTS:
            if only and name not in only:
                continue
            target = prepare(odoo)
            if isinstance(target, dict):  # an action: opened from the contracts
                browser.navigate(odoo.url + CONTRACTS)
                browser.wait_for(".o_list_view .o_data_row")
                browser.evaluate(run_action(target))
            else:
                browser.navigate(odoo.url + target)
            for script, selector in steps:
                if script:
                    browser.evaluate(script)
                browser.wait_for(selector)
            time.sleep(1.5)  # animations, lazy widgets
            browser.wait_for(selector)
            path = os.path.join(args.out, f"{name}.png")
            browser.screenshot(path)
            print(path)
    finally:
        browser.close()


if __name__ == "__main__":
    main()
