from . import test_install
from . import test_contract
from . import test_contract_invoice_create
from . import test_overlapping_runs
from . import test_shipment_invoicing
from . import test_tours
from . import test_security
from . import test_service_ledger
