# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields


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
    running.with_context(sci_skip_lock_check=True, tracking_disable=True).write(
        {
            "is_service_contract": True,
            "contract_state": "signed",
            "change_status": "locked",
            "signed_date": fields.Date.context_today(Contract),
        }
    )


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
