from . import contract_recurring_mixin
from . import account_move_line
from . import contract_contract
from . import contract_line
from . import res_config_settings
from . import service_contract_invoicing
from . import stock_lot
