/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sci_shipments_to_invoice", {
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
            content: "Open Shipments to Invoice",
            trigger:
                ".dropdown-item[data-menu-xmlid='service_contract_invoicing.menu_stock_picking_to_invoice']",
            run: "click",
        },
        {
            content: "The To Invoice filter is on",
            trigger: ".o_searchview_facet .o_facet_value:contains('To Invoice')",
        },
        {
            content: "The partly delivered shipment is listed",
            trigger: ".o_list_view .o_data_row:contains('SCITOUR-P1')",
        },
        {
            content: "The shipment with a return is listed",
            trigger: ".o_list_view .o_data_row:contains('SCITOUR-P2')",
        },
        {
            content: "Neither the undelivered backorder nor the return",
            trigger:
                ".o_list_view:not(:has(.o_data_row:contains('SCITOUR-P1B'))):not(:has(.o_data_row:contains('SCITOUR-RET')))",
        },
        {
            content: "Open the first shipment",
            trigger: ".o_list_view .o_data_row:contains('SCITOUR-P1') td[name='name']",
            run: "click",
        },
        {
            content: "Its invoice status is To Invoice",
            trigger: ".o_form_view .o_field_widget[name='sci_invoice_status']:contains('To Invoice')",
        },
    ],
});
