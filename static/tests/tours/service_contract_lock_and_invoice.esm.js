/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("service_contract_lock_and_invoice", {
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
            content: "Open Customer Contracts",
            trigger: ".dropdown-item[data-menu-xmlid='contract.menu_contract_contract_customer']",
            run: "click",
        },
        {
            content: "Open the tour customer's contract",
            trigger: ".o_list_view .o_data_row:contains('Tourlock Customer Ltd') td.o_data_cell",
            run: "click",
        },
        {
            content: "The contract is Open for changes",
            trigger: ".o_form_view .ribbon:contains('Open')",
        },
        {
            content: "Create Service Invoice on an Open contract",
            trigger: ".o_form_view .o_form_statusbar button[name='action_create_service_invoice']",
            run: "click",
        },
        {
            content: "The error says the change status is Open",
            trigger: ".modal:contains('change status is Open') .modal-footer .btn-primary",
            run: "click",
        },
        {
            content: "Lock the contract",
            trigger: ".o_form_view .o_form_statusbar button[name='action_lock']",
            run: "click",
        },
        {
            content: "Locked: the Open ribbon is gone and Open is offered",
            trigger: ".o_form_view:not(:has(.ribbon:contains('Open'))) .o_form_statusbar button[name='action_open_changes']",
        },
        {
            content: "Create Service Invoice on the Locked contract",
            trigger: ".o_form_view .o_form_statusbar button[name='action_create_service_invoice']",
            run: "click",
        },
        {
            content: "The draft invoice opens",
            trigger: ".o_breadcrumb .active:contains('Draft Invoice')",
        },
        {
            content: "It is the tour customer's invoice",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input:value(Tourlock Customer Ltd)",
        },
    ],
});
