# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contracts a database holds before service_contract_invoicing is installed.

tools/test runs this script in ``odoo shell`` after installing OCA contract and
sale_stock, before installing the addon; tests/test_one_owner.py checks what
the install made of these contracts and that the next scheduled run invoices
them. Created as OCA alone creates them and invoices them (its own code):

- ``running_prepaid``: monthly, pre-paid, started a month ago, its first
  period invoiced by OCA, next invoice date today;
- ``running_postpaid``: monthly, in arrears, started a month ago, first period
  due today;
- ``finished``: ended two months ago, fully invoiced;
- ``supplier``: a supplier contract due today.
"""

from dateutil.relativedelta import relativedelta

from odoo import Command, fields

env = env  # noqa: F821 - provided by odoo shell
today = fields.Date.context_today(env.user)
company = env.ref("base.main_company")
partner = env["res.partner"].create({"name": "Pre-install Customer"})
vendor = env["res.partner"].create({"name": "Pre-install Vendor"})
product = env["product.product"].create(
    {"name": "Pre-install Service", "type": "service", "list_price": 50.0}
)


def contract(name, contract_type, start, invoicing="pre-paid", end=False):
    return env["contract.contract"].create(
        {
            "name": name,
            "partner_id": (partner if contract_type == "sale" else vendor).id,
            "contract_type": contract_type,
            "company_id": company.id,
            "contract_line_ids": [
                Command.create(
                    {
                        "name": "Monthly service",
                        "product_id": product.id,
                        "uom_id": product.uom_id.id,
                        "price_unit": 50.0,
                        "automatic_price": False,
                        "date_start": start,
                        "date_end": end,
                        "recurring_rule_type": "monthly",
                        "recurring_interval": 1,
                        "recurring_invoicing_type": invoicing,
                    }
                )
            ],
        }
    )


month_ago = today - relativedelta(months=1)
records = {
    "running_prepaid": contract("Pre-install running pre-paid", "sale", month_ago),
    "running_postpaid": contract(
        "Pre-install running in arrears", "sale", month_ago, invoicing="post-paid"
    ),
    "finished": contract(
        "Pre-install finished",
        "sale",
        today - relativedelta(months=3),
        end=today - relativedelta(months=2, days=1),
    ),
    "supplier": contract("Pre-install supplier", "purchase", today),
}
# OCA invoices what is due before today, as its scheduled action did.
records["running_prepaid"]._recurring_create_invoice()
for __ in range(2):
    records["finished"]._recurring_create_invoice()
env["ir.model.data"]._update_xmlids(
    [
        {"xml_id": f"sci_preinstall.{key}", "record": record, "noupdate": True}
        for key, record in records.items()
    ]
)
for key, record in records.items():
    print(key, record.id, record.recurring_next_date)
env.cr.commit()
