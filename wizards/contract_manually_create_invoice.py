# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import models

from ..models.trusted_context import Trusted


class ContractManuallyCreateInvoice(models.TransientModel):
    _inherit = "contract.manually.create.invoice"

    def _create_invoices(self):
        # OCA's manual wizard invoices each contract with
        # recurring_create_invoice(): a service contract goes through the
        # engine, dated on the wizard's invoice date, for every period due up
        # to it.
        return super(
            ContractManuallyCreateInvoice,
            self.with_context(sci_posting_date=Trusted(self.invoice_date)),
        )._create_invoices()
