/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {checkNamesReadable} from "./list_names.esm";
import {registry} from "@web/core/registry";

const LINES = ".modal .o_field_widget[name='line_ids']";
const COLUMNS = ["sale_order_id", "picking_id", "product_id"];
const NAMES = [
    "S00041",
    "S00042",
    "WH/OUT/07041",
    "WH/OUT/07042",
    "[HW-ROUTER-24] SCI Widget",
    "[HW-UPS-1500] SCI Gadget",
];

registry.category("web_tour.tours").add("sci_get_shipment_lines", {
    steps: () => [
        {
            content: "Open Get Shipment Lines",
            trigger: ".o_form_view button[name='action_sci_get_shipment_lines']",
            run: "click",
        },
        {
            content: "The orders', deliveries' and products' names are read in full",
            trigger: `${LINES} .o_data_row:contains('SCI Gadget')`,
            run: () => checkNamesReadable(LINES, COLUMNS, NAMES),
        },
        {
            content: "Tick the line of the second order's delivery",
            trigger:
                ".modal .o_data_row:contains('WH/OUT/07042') td[name='is_selected'] input",
            run: "click",
        },
        {
            content: "The line of the second order is ticked",
            trigger:
                ".modal .o_data_row:contains('WH/OUT/07042') td[name='is_selected'] input:checked",
        },
        {
            content: "Tick the gadget line",
            trigger:
                ".modal .o_data_row:contains('SCI Gadget') td[name='is_selected'] input",
            run: "click",
        },
        {
            content: "Edit the gadget quantity",
            trigger: ".modal .o_data_row:contains('SCI Gadget') td[name='quantity']",
            run: "click",
        },
        {
            content: "Lower it to 3",
            trigger: ".modal .o_selected_row td[name='quantity'] input",
            run: "edit 3",
        },
        {
            content: "and in the edited row",
            trigger: `${LINES} .o_selected_row:contains('SCI Gadget') td[name='quantity'] input`,
            run: () => checkNamesReadable(LINES, COLUMNS, NAMES),
        },
        {
            content: "Add to the invoice",
            trigger: ".modal-footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The line is on the invoice",
            trigger:
                "div[name='invoice_line_ids'] .o_data_row:contains('SCI Gadget') td[name='quantity']:contains('3.00')",
        },
        {
            content: "The second order's line too (2 = 3 delivered - 1 returned)",
            trigger:
                "div[name='invoice_line_ids'] .o_data_row:contains('SCI Widget') td[name='quantity']:contains('2.00')",
        },
        {
            content: "Post the invoice",
            trigger: ".o_form_view button[name='action_post']",
            run: "click",
        },
        {
            content: "The invoice is posted",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Posted')",
        },
    ],
});
