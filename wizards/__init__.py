from . import service_contract_filter_mixin
from . import contract_invoice_create
from . import contract_revenue_post
from . import shipment_line_select
from . import account_move_reversal
from . import contract_manually_create_invoice
from . import contract_price_update
from . import contract_invoicing_forecast
