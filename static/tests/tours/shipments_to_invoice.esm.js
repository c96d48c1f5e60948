/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sci_shipments_to_invoice", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Service Contracts app",
            trigger:
                ".o_app[data-menu-xmlid='service_contract_invoicing.menu_service_contract_root']",
            run: "click",
        },
        {
            content: "Open Shipments to Invoice",
            trigger:
                ".o_menu_sections [data-menu-xmlid='service_contract_invoicing.menu_stock_picking_to_invoice']",
            run: "click",
        },
        {
            content: "Lines are grouped by customer: open the customer's group",
            trigger: ".o_list_view .o_group_header:contains('SCI Customer')",
            run: "click",
        },
        {
            content: "The partly delivered shipment's lines are listed",
            trigger: ".o_list_view .o_data_row:contains('SCITOUR-P1')",
        },
        {
            content: "Neither the undelivered backorder nor the return",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('SCITOUR-P1B'))):not(:has(.o_data_row:contains('SCITOUR-RET')))",
        },
        {
            content: "Select the line of the shipment with a return",
            trigger: ".o_list_view .o_data_row:contains('SCITOUR-P2') .o_list_record_selector input",
            run: "click",
        },
        {
            content: "Create Invoice",
            trigger: ".o_control_panel button[name='action_create_invoice']",
            run: "click",
        },
        {
            content: "The draft invoice has the line (3 delivered - 1 returned)",
            trigger:
                ".o_form_view div[name='invoice_line_ids'] .o_data_row:contains('SCI Widget') td[name='quantity']:contains('2.00')",
        },
        {
            content: "It is a draft of the customer",
            trigger: ".o_form_view .o_field_widget[name='partner_id'] input",
            run() {
                if (!this.anchor.value.includes("SCI Customer")) {
                    throw new Error(`Wrong customer: ${this.anchor.value}`);
                }
            },
        },
    ],
});
