from . import contract_invoicing_test_report
