from . import test_install
from . import test_shipment_invoicing
