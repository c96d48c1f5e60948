from . import account_move
from . import account_move_line
from . import stock_move
from . import stock_picking
