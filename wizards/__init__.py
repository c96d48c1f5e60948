from . import contract_invoice_create
from . import shipment_line_select
from . import account_move_reversal
