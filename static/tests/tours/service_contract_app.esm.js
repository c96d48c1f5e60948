/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const SCI = "service_contract_invoicing";

/** Steps opening an entry of the app's Configuration menu. */
function openConfigurationEntry(content, menu) {
    return [
        {
            content: "Open Configuration",
            trigger: `.o_menu_sections [data-menu-xmlid='${SCI}.menu_service_contract_config']`,
            run: "click",
        },
        {
            content,
            trigger: `.dropdown-item[data-menu-xmlid='${SCI}.${menu}']`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("sci_app_menu", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Service Contracts app",
            trigger: `.o_app[data-menu-xmlid='${SCI}.menu_service_contract_root']`,
            run: "click",
        },
        {
            content: "The app opens on its contracts",
            trigger: ".o_breadcrumb .active:contains('Service Contracts')",
        },
        {
            content: "The contract list shows the amounts",
            trigger: ".o_list_view th[data-name='annual_amount']",
        },
        {
            content: "Create Contract Invoices is in the app",
            trigger: `.o_menu_sections [data-menu-xmlid='${SCI}.menu_contract_invoice_create']`,
        },
        {
            content: "Reporting (Service Ledger Entries, runs, prepaid revenue) is in the app",
            trigger: `.o_menu_sections [data-menu-xmlid='${SCI}.menu_service_contract_reporting']`,
        },
        {
            content: "Open the Sales Orders menu",
            trigger: `.o_menu_sections [data-menu-xmlid='${SCI}.menu_service_contract_sales']`,
            run: "click",
        },
        {
            content: "Open the sales orders",
            trigger: `.dropdown-item[data-menu-xmlid='${SCI}.menu_service_contract_sale_orders']`,
            run: "click",
        },
        {
            content: "The sales orders list opens",
            trigger: ".o_breadcrumb .active:contains('Sales Orders')",
        },
        ...openConfigurationEntry("Open the contract templates", "menu_service_contract_templates"),
        {
            content: "Still in the Service Contracts app",
            trigger: ".o_main_navbar .o_menu_brand:contains('Service Contracts')",
        },
        {
            content: "The contract templates list opens",
            trigger: ".o_breadcrumb .active:contains('Contract Templates')",
        },
        ...openConfigurationEntry("Open the Invoice Periods help", "menu_contract_invoice_period_help"),
        {
            content: "The help page is read-only and names each period",
            trigger:
                ".o_form_readonly .o_sci_period_table tbody tr:first-child td:contains('Month')",
        },
        {
            content: "Quarterly: four invoices a year",
            trigger: ".o_sci_period_table tbody tr:nth-child(3) td:contains('Quarter') + td:contains('4')",
        },
        {
            content: "Its title is the breadcrumb",
            trigger: ".o_breadcrumb .active:contains('Invoice Periods')",
        },
        ...openConfigurationEntry("Open the Settings", "menu_service_contract_settings"),
        {
            content: "The settings open on the app's own page",
            trigger: ".app_settings_block[data-key='service_contract_invoicing'] h2:contains('Contract Invoicing')",
        },
        {
            content: "The daily invoicing setting is there with its help",
            trigger: "#sci_invoicing_cron .text-muted:contains('once a day')",
        },
    ],
});
