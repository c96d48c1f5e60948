from . import contract_invoice_create
