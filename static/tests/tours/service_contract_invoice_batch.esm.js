/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("service_contract_invoice_batch", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Invoicing",
            trigger: ".o_app[data-menu-xmlid='account.menu_finance']",
            run: "click",
        },
        {
            content: "Open the Customers menu",
            trigger: ".o_menu_sections [data-menu-xmlid='account.menu_finance_receivables']",
            run: "click",
        },
        {
            content: "Open Create Contract Invoices",
            trigger:
                ".dropdown-item[data-menu-xmlid='service_contract_invoicing.menu_contract_invoice_create']",
            run: "click",
        },
        {
            content: "Filter on one customer",
            trigger: ".modal .o_field_widget[name='partner_ids'] input",
            run: "edit Tourbatch Alpha",
        },
        {
            content: "Pick the customer",
            trigger: ".o-autocomplete--dropdown-menu .dropdown-item:contains('Tourbatch Alpha Ltd')",
            run: "click",
        },
        {
            content: "The customer is in the filter",
            trigger: ".modal .o_field_widget[name='partner_ids'] .o_tag:contains('Tourbatch Alpha Ltd')",
        },
        {
            content: "Choose Preview",
            trigger:
                ".modal .o_field_widget[name='run_action'] .o_radio_item:has(label:contains('Preview')) input",
            run: "click",
        },
        {
            content: "Confirm the preview",
            trigger: ".modal-footer button[name='action_run']",
            run: "click",
        },
        {
            content: "Preview: nothing was created",
            trigger: ".modal .alert-info:contains('Preview only')",
        },
        {
            content: "The customer's contract would be invoiced",
            trigger:
                ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Tourbatch Alpha Ltd'):contains('Would be invoiced')",
        },
        {
            content: "The other customer is not in the preview",
            trigger:
                ".modal .o_field_widget[name='line_ids']:not(:contains('Tourbatch Beta Ltd'))",
        },
        {
            content: "Back to the filters",
            trigger: ".modal-footer button[name='action_back']",
            run: "click",
        },
        {
            content: "The filter is kept",
            trigger: ".modal .o_field_widget[name='partner_ids'] .o_tag:contains('Tourbatch Alpha Ltd')",
        },
        {
            content: "Choose Create Invoices",
            trigger:
                ".modal .o_field_widget[name='run_action'] .o_radio_item:has(label:contains('Create Invoices')) input",
            run: "click",
        },
        {
            content: "Confirm",
            trigger: ".modal-footer button[name='action_run']",
            run: "click",
        },
        {
            content: "The summary shows one invoice created",
            trigger: ".modal .o_field_widget[name='invoice_count']:contains('1')",
        },
        {
            content: "The contract is invoiced, on an invoice",
            trigger:
                ".modal .o_field_widget[name='line_ids'] .o_data_row:contains('Tourbatch Alpha Ltd'):contains('Invoiced')",
        },
        {
            content: "View Invoices",
            trigger: ".modal-footer button[name='action_view_invoices']",
            run: "click",
        },
        {
            content: "The invoice list shows the customer's invoice",
            trigger:
                "body:not(:has(.modal)) .o_list_view .o_data_row:contains('Tourbatch Alpha Ltd')",
        },
        {
            content: "Only that invoice",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tourbatch Beta Ltd')))",
        },
    ],
});
