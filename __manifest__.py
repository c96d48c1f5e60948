# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Service Contract Invoicing",
    "summary": "Invoice service contracts periodically in batch, and invoice "
    "shipped-but-not-invoiced delivery lines",
    "version": "18.0.1.0.0",
    "category": "Accounting/Accounting",
    "website": "https://github.com/service-contract-invoicing/service_contract_invoicing",
    "author": "Service Contract Invoicing contributors",
    "license": "AGPL-3",
    "development_status": "Beta",
    "maintainers": ["service-contract-invoicing"],
    "application": True,
    "installable": True,
    "depends": ["contract", "sale_stock", "queue_job"],
    "pre_init_hook": "pre_init_hook",
    "data": [
        "security/service_contract_invoicing_security.xml",
        "security/ir.model.access.csv",
        "data/service_contract_cron.xml",
        "data/contract_revenue_schedule_cron.xml",
        "data/contract_invoicing_run_data.xml",
        "views/service_contract_menus.xml",
        "views/contract_contract.xml",
        "views/res_config_settings.xml",
        "views/stock_lot.xml",
        "wizards/contract_invoice_create.xml",
        "views/account_move.xml",
        "views/service_shipment_to_invoice.xml",
        "views/stock_picking.xml",
        "wizards/shipment_line_select.xml",
        "views/service_ledger_entry.xml",
        "views/contract_revenue_schedule.xml",
        "wizards/contract_revenue_post.xml",
        "views/contract_invoicing_run.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "service_contract_invoicing/static/tests/tours/*.esm.js",
        ],
    },
    "demo": [
        "demo/res_partner_demo.xml",
        "demo/product_demo.xml",
        "demo/contract_demo.xml",
        "demo/sale_order_demo.xml",
    ],
}
