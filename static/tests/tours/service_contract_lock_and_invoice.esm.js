/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const LINES = ".o_form_view .o_field_widget[name='contract_line_fixed_ids']";

registry.category("web_tour.tours").add("service_contract_lock_and_invoice", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Service Contracts app",
            trigger:
                ".o_app[data-menu-xmlid='service_contract_invoicing.menu_service_contract_root']",
            run: "click",
        },
        {
            content: "Open the tour customer's contract",
            trigger: ".o_list_view .o_data_row:contains('Tourlock Customer Ltd') td.o_data_cell",
            run: "click",
        },
        {
            content: "The form says the contract is Locked",
            trigger: ".o_form_view .alert:contains('This contract is Locked')",
        },
        {
            content: "Locked: the customer cannot be changed",
            trigger: ".o_form_view .o_field_widget[name='partner_id'].o_readonly_modifier",
        },
        {
            content: "Locked: the start date cannot be changed",
            trigger: ".o_form_view .o_field_widget[name='date_start'].o_readonly_modifier",
        },
        {
            content: "Locked: the lines are read-only (no Add a line)",
            trigger: `${LINES}.o_readonly_modifier:not(:has(.o_field_x2many_list_row_add))`,
        },
        {
            content: "Open the contract for changes",
            trigger: ".o_form_view .o_form_statusbar button[name='action_open_changes']",
            run: "click",
        },
        {
            content: "The contract is Open for changes",
            trigger: ".o_form_view .ribbon:contains('Open')",
        },
        {
            content: "Open: the customer can be changed",
            trigger: ".o_form_view .o_field_widget[name='partner_id']:not(.o_readonly_modifier) input",
        },
        {
            content: "Open: edit the line's price",
            trigger: `${LINES} .o_data_row td[name='price_unit']`,
            run: "click",
        },
        {
            content: "Type the new price",
            trigger: `${LINES} .o_data_row .o_field_widget[name='price_unit'] input`,
            run: "edit 120",
        },
        {
            content: "Save",
            trigger: ".o_form_view .o_form_button_save",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_form_view .o_form_saved",
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
            content: "Locked again: the lines are read-only",
            trigger: `${LINES}.o_readonly_modifier`,
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
