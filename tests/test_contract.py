# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestContract(ServiceContractCommon):
    def _expected_starts(self, start, months, count):
        return [start + relativedelta(months=months * k) for k in range(count)]

    def test_invoice_periods_never_drift(self):
        """From the 31st and from 29 February, every invoice period gives
        period starts anchored on the start date over two years."""
        for start in (date(2024, 1, 31), date(2024, 2, 29), date(2025, 8, 31)):
            for period, months in (
                ("month", 1),
                ("two_months", 2),
                ("quarter", 3),
                ("half_year", 6),
                ("year", 12),
            ):
                with self.subTest(start=start, period=period):
                    contract = self._create_contract(
                        date_start=start, invoice_period=period
                    )
                    line = contract.contract_line_ids
                    count = 24 // months
                    starts = self._expected_starts(start, months, count + 1)
                    periods = line._sci_due_periods(starts[count - 1])
                    self.assertEqual([p[0] for p in periods], starts[:count])
                    self.assertEqual(
                        [p[1] for p in periods],
                        [s - relativedelta(days=1) for s in starts[1:]],
                    )
                    # prepaid: invoiced on the period start
                    self.assertEqual([p[2] for p in periods], starts[:count])

    def test_invoice_period_maps_to_oca_recurrence(self):
        contract = self._create_contract(invoice_period="quarter", sign=False)
        self.assertEqual(contract.recurring_rule_type, "quarterly")
        self.assertEqual(contract.recurring_interval, 1)
        contract.invoice_period = "two_months"
        self.assertEqual(
            (contract.recurring_rule_type, contract.recurring_interval),
            ("monthly", 2),
        )
        contract.write({"recurring_rule_type": "yearly", "recurring_interval": 1})
        self.assertEqual(contract.invoice_period, "year")
        contract.write({"recurring_rule_type": "weekly"})
        self.assertEqual(contract.invoice_period, "custom")

    def test_prepaid_and_in_arrears_periods_and_amounts(self):
        prepaid = self._create_contract(
            date_start="2026-01-31", price=123.45, quantity=2
        )
        arrears = self._create_contract(
            partner=self.customer_b,
            date_start="2026-01-31",
            invoicing_type="post-paid",
            price=123.45,
            quantity=2,
        )
        self.assertEqual(prepaid.recurring_next_date, date(2026, 1, 31))
        # in arrears: invoiced on the period's last day (Business Central)
        self.assertEqual(arrears.recurring_next_date, date(2026, 2, 27))
        self.assertEqual(prepaid.next_period_date_end, date(2026, 2, 27))
        engine = self.env["service.contract.invoicing"]
        result = engine.run(
            prepaid | arrears,
            posting_date=date(2026, 3, 2),
            invoice_to_date=date(2026, 3, 2),
        )
        self.assertFalse(result.failures)
        self.assertEqual(
            self._periods(prepaid),
            [("2026-01-31", "2026-02-27"), ("2026-02-28", "2026-03-30")],
        )
        self.assertEqual(self._periods(arrears), [("2026-01-31", "2026-02-27")])
        prepaid_move = self._invoice_lines(prepaid).move_id
        self.assertEqual(prepaid_move.amount_untaxed, 493.80)
        # 15% tax rounded per line (Odoo's default): 2 x 37.04
        self.assertEqual(prepaid_move.amount_tax, 74.08)
        self.assertEqual(prepaid_move.amount_total, 567.88)
        self.assertEqual(prepaid_move.invoice_date, date(2026, 3, 2))
        self.assertIn("02/28/2026 - 03/30/2026", self._invoice_lines(prepaid)[1].name)
        self.assertEqual(prepaid.recurring_next_date, date(2026, 3, 31))
        self.assertEqual(arrears.recurring_next_date, date(2026, 3, 30))

    def test_sign_requires_what_invoicing_needs(self):
        contract = self._create_contract(sign=False, lines=[])
        self.assertEqual(contract.contract_state, "draft")
        with self.assertRaisesRegex(UserError, "at least one contract line"):
            contract.action_sign()
        contract.write(
            {
                "contract_line_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Support",
                            "product_id": self.service.id,
                            "uom_id": self.service.uom_id.id,
                            "price_unit": 10,
                        },
                    )
                ]
            }
        )
        contract.action_sign()
        self.assertEqual(contract.contract_state, "signed")
        self.assertEqual(contract.change_status, "locked")

    def test_sign_requires_income_account(self):
        product = self.env["product.product"].create(
            {"name": "No account", "type": "service"}
        )
        product.categ_id.property_account_income_categ_id = False
        self.sale_journal.default_account_id = False
        contract = self._create_contract(
            sign=False,
            lines=[
                {"product_id": product.id, "price_unit": 5, "uom_id": product.uom_id.id}
            ],
        )
        with self.assertRaisesRegex(UserError, "income account for No account"):
            contract.action_sign()

    def test_locked_refuses_changes_open_edit_lock_logged(self):
        contract = self._create_contract()
        line = contract.contract_line_ids
        with self.assertRaisesRegex(UserError, "is Locked"):
            line.price_unit = 150
        with self.assertRaisesRegex(UserError, "is Locked"):
            contract.invoice_period = "year"
        messages_before = len(contract.message_ids)
        contract.action_open_changes()
        self.assertEqual(contract.change_status, "open")
        line.price_unit = 150
        with Form(contract) as form:
            form.invoice_period = "quarter"
        self.assertEqual(contract.recurring_rule_type, "quarterly")
        contract.action_lock()
        self.assertEqual(contract.change_status, "locked")
        self.assertEqual(line.price_unit, 150)
        bodies = contract.message_ids[: len(contract.message_ids) - messages_before]
        texts = " ".join(bodies.mapped("body"))
        self.assertIn("opened for changes by", texts)
        self.assertIn("locked by", texts)
        with self.assertRaisesRegex(UserError, "already Locked"):
            contract.action_lock()

    @freeze_time("2026-03-15")
    def test_open_contract_skipped_by_form_action_and_oca_cron(self):
        contract = self._create_contract(date_start="2026-01-01")
        contract.action_open_changes()
        with self.assertRaisesRegex(UserError, "change status is Open"):
            contract.action_create_service_invoice()
        self.env["contract.contract"].cron_recurring_create_invoice()
        self.assertFalse(self._invoice_lines(contract))
        # OCA's own button path refuses it too, as Create Service Invoice does
        with self.assertRaisesRegex(UserError, "change status is Open"):
            contract.recurring_create_invoice()
        contract.action_lock()
        self.env["contract.contract"].cron_recurring_create_invoice()
        self.assertEqual(self._periods(contract)[0], ("2026-01-01", "2026-01-31"))

    def test_form_action_refuses_before_next_date_accepts_on_it(self):
        contract = self._create_contract(date_start="2026-05-10")
        with freeze_time("2026-05-09"):
            with self.assertRaisesRegex(UserError, "after the working date"):
                contract.action_create_service_invoice()
        with freeze_time("2026-05-10"):
            action = contract.action_create_service_invoice()
        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(move.state, "draft")
        self.assertEqual(move.invoice_date, date(2026, 5, 10))
        self.assertEqual(self._periods(contract), [("2026-05-10", "2026-06-09")])
        self.assertEqual(contract.recurring_next_date, date(2026, 6, 10))

    def test_catch_up_three_periods_each_once(self):
        contract = self._create_contract(date_start="2026-01-01")
        with freeze_time("2026-03-20"):
            contract.action_create_service_invoice()
            self.assertEqual(
                self._periods(contract),
                [
                    ("2026-01-01", "2026-01-31"),
                    ("2026-02-01", "2026-02-28"),
                    ("2026-03-01", "2026-03-31"),
                ],
            )
            with self.assertRaisesRegex(UserError, "after the working date"):
                contract.action_create_service_invoice()
        self.assertEqual(len(self._invoice_lines(contract).move_id), 1)
        self.assertEqual(contract.recurring_next_date, date(2026, 4, 1))

    def test_refused_states(self):
        draft = self._create_contract(sign=False)
        with freeze_time("2026-06-01"):
            with self.assertRaisesRegex(UserError, "not signed"):
                draft.action_create_service_invoice()
        cancelled = self._create_contract()
        with self.assertRaisesRegex(UserError, "Cancellation Reason"):
            cancelled.action_cancel_contract()
        cancelled.cancel_reason = "Customer left"
        cancelled.action_cancel_contract()
        self.assertEqual(cancelled.contract_state, "cancelled")
        with freeze_time("2026-06-01"):
            with self.assertRaisesRegex(UserError, "cancelled"):
                cancelled.action_create_service_invoice()

    def test_bad_input_refused_at_save(self):
        with self.assertRaisesRegex(ValidationError, "End Date"):
            self._create_contract(date_end="2025-01-01", sign=False)
        with self.assertRaisesRegex(ValidationError, "Quantity"):
            self._create_contract(quantity=-1, sign=False)
        with self.assertRaisesRegex(ValidationError, "Unit Price"):
            self._create_contract(price=-5, sign=False)
        contract = self._create_contract(invoice_period="none", sign=False)
        self.assertFalse(contract.recurring_next_date)
        with self.assertRaisesRegex(ValidationError, "Invoice Period is None"):
            contract.recurring_next_date = "2026-02-01"
        other_company = self.setup_other_company()["company"]
        with self.assertRaisesRegex(ValidationError, "Journal"):
            self._create_contract(company_id=other_company.id, sign=False)

    def test_amounts(self):
        contract = self._create_contract(
            invoice_period="quarter", price=100.0, quantity=3
        )
        self.assertEqual(contract.amount_per_period, 300.0)
        self.assertEqual(contract.annual_amount, 1200.0)

    def test_service_item_contracts(self):
        product = self._create_product(
            name="Boiler", is_storable=True, tracking="serial"
        )
        lot = self.env["stock.lot"].create({"name": "SN-1", "product_id": product.id})
        contract = self._create_contract(
            lines=[
                {
                    "product_id": self.service.id,
                    "price_unit": 10,
                    "lot_id": lot.id,
                }
            ]
        )
        self.assertEqual(lot.service_contract_count, 1)
        # Serial numbers only, and only the customer's own items.
        batch_product = self._create_product(
            name="Oil", is_storable=True, tracking="lot"
        )
        batch = self.env["stock.lot"].create(
            {"name": "LOT-1", "product_id": batch_product.id}
        )
        with self.assertRaisesRegex(ValidationError, "is not a serial number"):
            self._create_contract(
                sign=False,
                lines=[
                    {"product_id": self.service.id, "price_unit": 1, "lot_id": batch.id}
                ],
            )
        other = self.env["stock.lot"].create({"name": "SN-2", "product_id": product.id})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.env.company.id)], limit=1
        )
        self.env["stock.quant"]._update_available_quantity(
            product, warehouse.lot_stock_id, 1, lot_id=other
        )
        picking = self.env["stock.picking"].create(
            {
                "partner_id": self.customer_b.id,
                "picking_type_id": warehouse.out_type_id.id,
                "move_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "Boiler",
                            "product_id": product.id,
                            "product_uom_qty": 1,
                            "product_uom": product.uom_id.id,
                            "location_id": warehouse.lot_stock_id.id,
                            "location_dest_id": self.env.ref(
                                "stock.stock_location_customers"
                            ).id,
                        },
                    )
                ],
            }
        )
        picking.action_confirm()
        picking.move_ids.move_line_ids.lot_id = other
        picking.move_ids.picked = True
        picking.button_validate()
        self.assertEqual(other.last_delivery_partner_id, self.customer_b)
        with self.assertRaisesRegex(ValidationError, "last delivered to Second"):
            self._create_contract(
                sign=False,
                lines=[
                    {"product_id": self.service.id, "price_unit": 1, "lot_id": other.id}
                ],
            )
        action = lot.action_view_service_contracts()
        self.assertEqual(
            self.env["contract.contract"].search(action["domain"]), contract
        )

    def test_spread_annual_amount_rounding_to_last_line(self):
        contract = self._create_contract(
            sign=False,
            invoice_period="month",
            lines=[
                {"product_id": self.service.id, "price_unit": 10.0},
                {"product_id": self.service.id, "price_unit": 10.0},
                {"product_id": self.service.id, "price_unit": 10.0},
            ],
        )
        contract.annual_amount_target = 1000.0
        contract.action_spread_annual_amount()
        # 1000 / 12 = 83.33 per period; thirds of 27.78, last line 27.77
        self.assertEqual(
            contract.contract_line_ids.mapped("price_unit"), [27.78, 27.78, 27.77]
        )
        self.assertEqual(contract.amount_per_period, 83.33)
        self.assertIn(
            "rounding difference over a year: 0.04", contract.message_ids[0].body
        )
        contract.action_sign()
        contract.annual_amount_target = 2000.0
        with self.assertRaisesRegex(UserError, "is Locked"):
            contract.action_spread_annual_amount()
