/* Copyright 2026 Service Contract Invoicing contributors
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */
import {checkNamesReadable} from "./list_names.esm";
import {registry} from "@web/core/registry";
import {stepUtils} from "@web_tour/tour_service/tour_utils";

const RESULT = ".modal .o_field_widget[name='line_ids']";
const CUSTOMER = "Acme Corporation International";
const CONTRACTS = ["Acme - Maintenance Agreement 2026", "Acme - Preventive Maintenance Warehouses"];

/** The Status and Reason columns are inside the dialog and wide enough to read. */
function checkColumnsVisible() {
    const dialog = document.querySelector(".modal .modal-content").getBoundingClientRect();
    for (const name of ["status", "contract_id", "partner_id", "reason"]) {
        const header = document.querySelector(`${RESULT} th[data-name='${name}']`);
        if (!header) {
            throw new Error(`column ${name} is missing`);
        }
        const box = header.getBoundingClientRect();
        if (box.left < dialog.left - 1 || box.right > dialog.right + 1 || box.width < 70) {
            throw new Error(
                `column ${name} is cut off: ${box.left}-${box.right} (${box.width}px) in a dialog ${dialog.left}-${dialog.right}`
            );
        }
    }
}

registry.category("web_tour.tours").add("service_contract_invoice_batch", {
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Service Contracts app",
            trigger:
                ".o_app[data-menu-xmlid='service_contract_invoicing.menu_service_contract_root']",
            run: "click",
        },
        {
            content: "Open Create Contract Invoices",
            trigger:
                ".o_menu_sections [data-menu-xmlid='service_contract_invoicing.menu_contract_invoice_create']",
            run: "click",
        },
        {
            content: "Filter on one customer",
            trigger: ".modal .o_field_widget[name='partner_ids'] input",
            run: "edit Acme Corporation",
        },
        {
            content: "Pick the customer",
            trigger: `.o-autocomplete--dropdown-menu .dropdown-item:contains('${CUSTOMER}')`,
            run: "click",
        },
        {
            content: "The customer is in the filter",
            trigger: `.modal .o_field_widget[name='partner_ids'] .o_tag:contains('${CUSTOMER}')`,
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
            content: "The customer's contract would be invoiced, its line without a date prefix",
            trigger: `${RESULT} .o_data_row:contains('${CUSTOMER}'):contains('Would be invoiced') td[name='contract_line_name']:contains('Maintenance'):not(:contains('-'))`,
        },
        {
            content: "The customer column is named Customer",
            trigger: `${RESULT} th[data-name='partner_id']:contains('Customer')`,
        },
        {
            content: "Status, Contract, Customer and Reason are readable",
            trigger: `${RESULT} th[data-name='reason']`,
            run: checkColumnsVisible,
        },
        {
            content: "The contracts' and the customer's names are read in full",
            trigger: `${RESULT} .o_data_row:contains('${CONTRACTS[1]}')`,
            run: () => checkNamesReadable(RESULT, ["contract_id", "partner_id"], [...CONTRACTS, CUSTOMER]),
        },
        {
            content: "The other customer is not in the preview",
            trigger: `${RESULT}:not(:contains('Tourbatch Beta Ltd'))`,
        },
        {
            content: "Create Invoices straight from the preview",
            trigger: ".modal-footer button[name='action_create_from_preview']",
            run: "click",
        },
        {
            content: "The summary shows two invoices created, one a contract",
            trigger: ".modal .o_field_widget[name='invoice_count']:contains('2')",
        },
        {
            content: "The contract is invoiced, on an invoice",
            trigger: `${RESULT} .o_data_row:contains('${CUSTOMER}'):contains('Invoiced') td[name='move_id']:contains('Draft Invoice')`,
        },
        {
            content: "The contracts', the customer's and the invoices' names are read in full",
            trigger: `${RESULT} .o_data_row:contains('${CONTRACTS[1]}'):contains('Invoiced')`,
            run: () =>
                checkNamesReadable(
                    RESULT,
                    ["contract_id", "partner_id", "move_id"],
                    [...CONTRACTS, CUSTOMER, "Draft Invoice (SC-ACME-01)", "Draft Invoice (SC-ACME-02)"]
                ),
        },
        {
            content: "View Invoices",
            trigger: ".modal-footer button[name='action_view_invoices']",
            run: "click",
        },
        {
            content: "The invoice list shows the customer's invoices",
            trigger:
                `body:not(:has(.modal)) .o_list_view .o_data_row:contains('${CUSTOMER}')`,
        },
        {
            content: "Only those invoices",
            trigger: ".o_list_view:not(:has(.o_data_row:contains('Tourbatch Beta Ltd')))",
        },
        {
            content: "The breadcrumb names the run's invoices",
            trigger: ".o_breadcrumb .active:contains('Contract Invoices')",
        },
        {
            content: "and nothing else (not the screen the wizard came from)",
            trigger: ".o_breadcrumb:not(:has(.breadcrumb-item))",
        },
    ],
});
