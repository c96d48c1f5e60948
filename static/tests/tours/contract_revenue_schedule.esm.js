/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

function endOfMonth() {
    const today = new Date();
    const end = new Date(today.getFullYear(), today.getMonth() + 1, 0);
    const pad = (number) => String(number).padStart(2, "0");
    return `${pad(end.getMonth() + 1)}/${pad(end.getDate())}/${end.getFullYear()}`;
}

// Steps that wait for the server allow for a busy test machine.
registry.category("web_tour.tours").add("sci_contract_revenue_schedule", {
    steps: () => [
        {
            content: "The yearly prepaid contract defers its revenue",
            timeout: 30000,
            trigger: ".o_form_view .o_field_widget[name='sci_defer_revenue'] input:checked",
        },
        {
            content: "Create Service Invoice",
            trigger: ".o_form_view .o_form_statusbar button[name='action_create_service_invoice']",
            run: "click",
        },
        {
            content: "The draft invoice opens",
            timeout: 30000,
            trigger: ".o_breadcrumb .active:contains('Draft Invoice')",
        },
        {
            content: "Post the invoice",
            trigger: ".o_form_view .o_form_statusbar button[name='action_post']",
            run: "click",
        },
        {
            content: "The invoice is posted",
            timeout: 30000,
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
        stepUtils.showAppsMenuItem(),
        {
            content: "Open Service Contracts",
            trigger: ".o_app[data-menu-xmlid='service_contract_invoicing.menu_service_contract_root']",
            run: "click",
        },
        {
            content: "Open Periodic Activities, beside Create Contract Invoices",
            trigger:
                ".o_menu_sections [data-menu-xmlid='service_contract_invoicing.menu_service_contract_periodic']",
            run: "click",
        },
        {
            content: "Open Post Prepaid Contract Entries",
            trigger:
                ".dropdown-item[data-menu-xmlid='service_contract_invoicing.menu_contract_revenue_post']",
            run: "click",
        },
        {
            content: "Post until the end of this month",
            trigger: ".modal .o_field_widget[name='until_date'] input",
            run: `edit ${endOfMonth()}`,
        },
        {
            content: "Leave the date field",
            trigger: ".modal .modal-body p.text-muted",
            run: "click",
        },
        {
            content: "Something to recognise",
            trigger: ".modal .o_field_widget[name='pending_count']:not(:contains('0'))",
        },
        {
            content: "Post",
            trigger: ".modal .modal-footer button[name='action_post']",
            run: "click",
        },
        {
            content: "The recognition entry is posted",
            timeout: 30000,
            trigger: ".o_breadcrumb .active:contains('Prepaid contract revenue')",
        },
        {
            content: "Open the Prepaid Revenue menu again",
            trigger:
                ".o_menu_sections [data-menu-xmlid='service_contract_invoicing.menu_service_contract_reporting']",
            run: "click",
        },
        {
            content: "Open the Deferred Revenue Schedule",
            trigger:
                ".dropdown-item[data-menu-xmlid='service_contract_invoicing.menu_contract_revenue_schedule']",
            run: "click",
        },
        {
            content: "A month of the tour contract is recognised",
            timeout: 30000,
            trigger:
                ".o_list_view .o_data_row:contains('Tourdefer Customer Ltd') td[name='state']:contains('Recognised')",
        },
        {
            content: "Later months are not recognised yet",
            trigger:
                ".o_list_view .o_data_row:contains('Tourdefer Customer Ltd') td[name='state']:contains('Not Recognised')",
        },
        {
            content: "Switch to the pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the year's amount",
            trigger: ".o_pivot .o_pivot_cell_value:contains('1,200.00')",
        },
    ],
});
