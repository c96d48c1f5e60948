/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sci_get_shipment_lines", {
    steps: () => [
        {
            content: "Open Get Shipment Lines",
            trigger: ".o_form_view button[name='action_sci_get_shipment_lines']",
            run: "click",
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
            content: "Add to the invoice",
            trigger: ".modal-footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The line is on the invoice",
            trigger:
                "div[name='invoice_line_ids'] .o_data_row:contains('SCI Gadget') td[name='quantity']:contains('3.00')",
        },
    ],
});
