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
    "application": True,
    "installable": True,
    "depends": ["contract", "sale_management", "sale_stock"],
    "data": [
        "security/service_contract_invoicing_security.xml",
        "security/ir.model.access.csv",
        "data/service_contract_cron.xml",
        "views/service_contract_menus.xml",
        "views/contract_contract.xml",
        "views/res_config_settings.xml",
        "views/stock_lot.xml",
        "wizards/contract_invoice_create.xml",
        "views/account_move.xml",
        "views/stock_picking.xml",
        "wizards/shipment_line_select.xml",
        "views/service_ledger_entry.xml",
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
