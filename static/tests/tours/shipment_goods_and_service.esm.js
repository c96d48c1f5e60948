/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sci_shipment_goods_and_service", {
    steps: () => [
        {
            content: "Open Get Shipment Lines",
            trigger: ".o_form_view button[name='action_sci_get_shipment_lines']",
            run: "click",
        },
        {
            content: "Tick the delivery line of the goods order",
            trigger:
                ".modal .o_data_row:contains('SCITOUR-P2') td[name='is_selected'] input",
            run: "click",
        },
        {
            content: "The delivery line is ticked",
            trigger:
                ".modal .o_data_row:contains('SCITOUR-P2') td[name='is_selected'] input:checked",
        },
        {
            content: "Tick the delivered service of the service order",
            trigger:
                ".modal .o_data_row:contains('SCI Field Labour') td[name='is_selected'] input",
            run: "click",
        },
        {
            content: "The service line shows its unit and price",
            trigger:
                ".modal .o_data_row:contains('SCI Field Labour') td[name='price_unit']:contains('55.00')",
        },
        {
            content: "Add to the invoice",
            trigger: ".modal-footer button[name='action_confirm']",
            run: "click",
        },
        {
            content: "The goods line is on the invoice",
            trigger:
                "div[name='invoice_line_ids'] .o_data_row:contains('SCI Widget') td[name='quantity']:contains('2.00')",
        },
        {
            content: "The service line is on the invoice (4 hours delivered)",
            trigger:
                "div[name='invoice_line_ids'] .o_data_row:contains('SCI Field Labour') td[name='quantity']:contains('4.00')",
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
        {
            content: "The invoice shows the delivery it invoices",
            trigger: ".o_form_view button[name='action_view_sci_pickings']",
        },
    ],
});
