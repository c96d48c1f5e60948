/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sci_service_ledger", {
    steps: () => [
        {
            content: "Open the invoice's ledger entries",
            trigger: ".o_form_view button[name='action_view_sci_ledger_entries']",
            run: "click",
        },
        {
            content: "The shipment line is in the ledger",
            trigger:
                ".o_list_view .o_data_row:contains('SCI Widget') td[name='amount']:contains('200.00')",
        },
        {
            content: "Switch to the pivot view",
            trigger: ".o_switch_view.o_pivot",
            run: "click",
        },
        {
            content: "The pivot shows the amount",
            trigger: ".o_pivot .o_pivot_cell_value:contains('200.00')",
        },
        {
            content: "Switch to the graph view",
            trigger: ".o_switch_view.o_graph",
            run: "click",
        },
        {
            content: "The graph is drawn",
            trigger: ".o_graph_renderer canvas",
        },
        {
            content: "Back to the list",
            trigger: ".o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Open the entry",
            trigger: ".o_list_view .o_data_row:contains('SCI Widget') td[name='ref']",
            run: "click",
        },
        {
            content: "The entry's form shows what created it",
            trigger: ".o_form_view .o_field_widget[name='event']:contains('Invoice Posted')",
        },
    ],
});

registry.category("web_tour.tours").add("sci_service_ledger_contract", {
    steps: () => [
        {
            content: "The contract shows what it invoiced this year",
            trigger: ".o_form_view .o_field_widget[name='sci_invoiced_this_year']",
        },
        {
            content: "Open the contract's ledger entries",
            trigger: ".o_form_view button[name='action_view_sci_ledger_entries']",
            run: "click",
        },
        {
            content: "The consumed shipment is in the ledger",
            trigger:
                ".o_list_view .o_data_row:contains('SCI Gadget') td[name='entry_type']:contains('Consumption')",
        },
    ],
});
