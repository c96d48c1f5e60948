from . import contract_invoice_create
from . import shipment_line_select
from . import contract_manually_create_invoice
