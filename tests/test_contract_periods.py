# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestContractPeriods(ServiceContractCommon):
    """Business Central's period rules on service contracts: in arrears on
    the period's last day, calendar-aligned periods with a pro rata first
    period, hand-edited next invoice dates; OCA's arithmetic elsewhere."""

    def _run(self, contracts, day):
        result = self.env["service.contract.invoicing"].run(
            contracts, posting_date=day, invoice_to_date=day
        )
        self.assertFalse(result.failures)
        return result

    def _amounts(self, contract):
        return [line.price_subtotal for line in self._invoice_lines(contract)]

    # === In arrears: invoiced on the period's last day ===

    def test_in_arrears_month_end_run_includes_the_month(self):
        contract = self._create_contract(
            date_start="2026-01-01", invoicing_type="post-paid"
        )
        self.assertEqual(contract.recurring_next_date, date(2026, 1, 31))
        self.assertEqual(contract.next_period_date_start, date(2026, 1, 1))
        self.assertEqual(contract.next_period_date_end, date(2026, 1, 31))
        result = self._run(contract, date(2026, 1, 31))
        self.assertEqual(len(result.moves), 1)
        self.assertEqual(result.moves.invoice_date, date(2026, 1, 31))
        self.assertEqual(self._periods(contract), [("2026-01-01", "2026-01-31")])
        self.assertEqual(contract.recurring_next_date, date(2026, 2, 28))
        self.assertEqual(contract.next_period_date_start, date(2026, 2, 1))

    def test_form_action_invoices_once_the_next_date_is_reached(self):
        """Create Service Invoice: due when the next invoice date is on or
        before the working date (in arrears: the period's last day)."""
        contract = self._create_contract(
            date_start="2026-01-01", invoicing_type="post-paid"
        )
        with freeze_time("2026-01-30"):
            with self.assertRaisesRegex(
                UserError, "01/31/2026 is after the working date 01/30/2026"
            ):
                contract.action_create_service_invoice()
        with freeze_time("2026-01-31"):
            action = contract.action_create_service_invoice()
        move = self.env["account.move"].browse(action["res_id"])
        self.assertEqual(move.invoice_date, date(2026, 1, 31))
        self.assertEqual(self._periods(contract), [("2026-01-01", "2026-01-31")])
        self.assertEqual(contract.recurring_next_date, date(2026, 2, 28))
        prepaid = self._create_contract(
            partner=self.customer_b, date_start="2026-02-01"
        )
        with freeze_time("2026-02-01"):
            prepaid.action_create_service_invoice()
        self.assertEqual(self._periods(prepaid), [("2026-02-01", "2026-02-28")])

    # === Calendar-aligned periods, first one pro rata ===

    def test_aligned_monthly_from_17_march(self):
        for invoicing_type, first_date in (
            ("post-paid", date(2026, 3, 31)),
            ("pre-paid", date(2026, 3, 17)),
        ):
            with self.subTest(invoicing_type=invoicing_type):
                contract = self._create_contract(
                    partner=self.env["res.partner"].create(
                        {"name": f"Aligned {invoicing_type}"}
                    ),
                    date_start="2026-03-17",
                    invoicing_type=invoicing_type,
                    price=123.45,
                    align_to_calendar=True,
                )
                self.assertEqual(contract.recurring_next_date, first_date)
                self.assertEqual(contract.next_period_date_end, date(2026, 3, 31))
                self._run(contract, date(2026, 3, 31))
                # 123.45 x 15/31 = 59.733...
                self.assertEqual(
                    self._periods(contract), [("2026-03-17", "2026-03-31")]
                )
                self.assertEqual(self._amounts(contract), [59.73])
                self.assertEqual(contract.next_period_date_start, date(2026, 4, 1))
                self.assertEqual(contract.next_period_date_end, date(2026, 4, 30))
                self._run(contract, date(2026, 4, 30))
                self.assertEqual(
                    self._periods(contract),
                    [("2026-03-17", "2026-03-31"), ("2026-04-01", "2026-04-30")],
                )
                self.assertEqual(self._amounts(contract), [59.73, 123.45])
                self.assertEqual(len(self._invoice_lines(contract).move_id), 2)

    def test_aligned_two_months_quarter_half_year_year(self):
        # invoice period: (first period end, days in it / days of its
        # calendar period, second period)
        cases = {
            "two_months": ("2026-04-30", 45, 61, ("2026-05-01", "2026-06-30")),
            "quarter": ("2026-03-31", 15, 90, ("2026-04-01", "2026-06-30")),
            "half_year": ("2026-06-30", 106, 181, ("2026-07-01", "2026-12-31")),
            "year": ("2026-12-31", 290, 365, ("2027-01-01", "2027-12-31")),
        }
        for period, (first_end, days, period_days, second) in cases.items():
            with self.subTest(period=period):
                contract = self._create_contract(
                    partner=self.env["res.partner"].create({"name": period}),
                    date_start="2026-03-17",
                    invoice_period=period,
                    invoicing_type="post-paid",
                    price=1000.0,
                    align_to_calendar=True,
                )
                self.assertEqual(
                    contract.recurring_next_date, date.fromisoformat(first_end)
                )
                self._run(contract, date.fromisoformat(second[1]))
                self.assertEqual(
                    self._periods(contract), [("2026-03-17", first_end), second]
                )
                self.assertEqual(
                    self._amounts(contract),
                    [round(1000.0 * days / period_days, 2), 1000.0],
                )

    def test_multi_line_proration_exact_to_the_cent(self):
        """Each line's 15/31 share is rounded, the last line takes the
        remainder, so the invoice is round(period amount x 15/31)."""
        contract = self._create_contract(
            date_start="2026-03-17",
            invoicing_type="post-paid",
            align_to_calendar=True,
            lines=[
                {"product_id": self.service.id, "price_unit": 10.10, "sequence": 1},
                {
                    "product_id": self.service.id,
                    "price_unit": 5.05,
                    "quantity": 2,
                    "sequence": 2,
                },
                {"product_id": self.service.id, "price_unit": 10.10, "sequence": 3},
            ],
        )
        self.assertEqual(contract.amount_per_period, 30.30)
        self._run(contract, date(2026, 3, 31))
        lines = self._invoice_lines(contract).sorted(
            lambda line: line.contract_line_id.sequence
        )
        # 30.30 x 15/31 = 14.661...; each line 10.10 x 15/31 = 4.887...
        self.assertEqual(lines.mapped("price_subtotal"), [4.89, 4.89, 4.88])
        self.assertEqual(lines.move_id.amount_untaxed, 14.66)
        # Business Central's presentation: quantity 1 at the pro rata amount,
        # the fraction in the label (docs/contract_money_rules.md)
        self.assertEqual((lines[1].quantity, lines[1].price_unit), (1.0, 4.89))
        self.assertIn("Pro rata 15/31 of 2.00 x 5.05", lines[1].name)
        self._run(contract, date(2026, 4, 30))
        april = self._invoice_lines(contract).filtered(
            lambda line: line.sci_period_start == date(2026, 4, 1)
        )
        self.assertEqual(april.move_id.amount_untaxed, 30.30)
        self.assertEqual(sorted(april.mapped("quantity")), [1.0, 1.0, 2.0])

    def test_leap_year(self):
        with freeze_time("2024-02-29"):
            aligned = self._create_contract(
                date_start="2024-02-10",
                invoicing_type="post-paid",
                price=290.0,
                align_to_calendar=True,
            )
            self.assertEqual(aligned.recurring_next_date, date(2024, 2, 29))
            aligned.action_create_service_invoice()
            # 20 of February's 29 days
            self.assertEqual(self._periods(aligned), [("2024-02-10", "2024-02-29")])
            self.assertEqual(self._amounts(aligned), [200.0])
        self.assertEqual(aligned.recurring_next_date, date(2024, 3, 31))
        quarter = self._create_contract(
            partner=self.customer_b,
            date_start="2024-02-29",
            invoice_period="quarter",
            invoicing_type="post-paid",
            price=910.0,
            align_to_calendar=True,
        )
        self._run(quarter, date(2024, 3, 31))
        # 32 of the 91 days of January-March 2024
        self.assertEqual(self._amounts(quarter), [320.0])
        anchored = self._create_contract(
            partner=self.env["res.partner"].create({"name": "Anchored"}),
            date_start="2024-02-29",
            invoice_period="year",
        )
        periods = anchored.contract_line_ids._sci_due_periods(date(2026, 3, 1))
        self.assertEqual(
            [(p[0], p[1]) for p in periods],
            [
                (date(2024, 2, 29), date(2025, 2, 27)),
                (date(2025, 2, 28), date(2026, 2, 27)),
                (date(2026, 2, 28), date(2027, 2, 27)),
            ],
        )

    def test_proration_of_an_empty_period_refused(self):
        contract = self._create_contract(
            date_start="2026-03-17", align_to_calendar=True
        )
        line = contract.contract_line_ids
        for last in (date(2026, 3, 16), date(2026, 3, 1)):
            with self.assertRaisesRegex(UserError, "has no days"):
                line._get_quantity_to_invoice(date(2026, 3, 17), last, last)
        self.assertAlmostEqual(
            line._get_quantity_to_invoice(
                date(2026, 3, 17), date(2026, 3, 17), date(2026, 3, 17)
            ),
            1 / 31,
        )

    def test_alignment_change_on_locked_contract_refused(self):
        contract = self._create_contract(date_start="2026-03-17")
        self.assertEqual(contract.recurring_next_date, date(2026, 3, 17))
        with self.assertRaisesRegex(UserError, "Align Periods to the Calendar"):
            contract.align_to_calendar = True
        contract.action_open_changes()
        contract.align_to_calendar = True
        contract.action_lock()
        self.assertEqual(contract.next_period_date_end, date(2026, 3, 31))
        self.assertEqual(contract.contract_line_ids.next_period_date_end.day, 31)

    # === Next invoice date edited by hand ===

    def test_hand_edited_next_date_honoured(self):
        contract = self._create_contract(
            date_start="2026-01-01", invoicing_type="post-paid"
        )
        self._run(contract, date(2026, 1, 31))
        contract.action_open_changes()
        contract.recurring_next_date = "2026-03-15"
        self.assertEqual(
            contract.contract_line_ids.recurring_next_date, date(2026, 3, 15)
        )
        # the next period starts the day after the last invoiced one
        self.assertEqual(contract.next_period_date_start, date(2026, 2, 1))
        self.assertEqual(contract.next_period_date_end, date(2026, 3, 15))
        contract.action_lock()
        result = self._run(contract, date(2026, 2, 28))
        self.assertFalse(result.moves)
        self._run(contract, date(2026, 3, 15))
        self.assertEqual(
            self._periods(contract),
            [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-03-15")],
        )
        # then back on the contract's periods
        self.assertEqual(contract.next_period_date_start, date(2026, 3, 16))
        self.assertEqual(contract.next_period_date_end, date(2026, 3, 31))
        self.assertEqual(contract.recurring_next_date, date(2026, 3, 31))

    def test_hand_edited_prepaid_next_date_postpones_invoicing(self):
        contract = self._create_contract(date_start="2026-01-01")
        self._run(contract, date(2026, 1, 1))
        contract.action_open_changes()
        contract.recurring_next_date = "2026-03-01"
        contract.action_lock()
        self.assertFalse(self._run(contract, date(2026, 2, 28)).moves)
        self._run(contract, date(2026, 3, 1))
        self.assertEqual(
            self._periods(contract),
            [("2026-01-01", "2026-01-31"), ("2026-02-01", "2026-03-31")],
        )
        self.assertEqual(contract.recurring_next_date, date(2026, 4, 1))

    def test_hand_edited_next_date_before_invoiced_period_refused(self):
        contract = self._create_contract(
            date_start="2026-01-01", invoicing_type="post-paid"
        )
        self._run(contract, date(2026, 1, 31))
        contract.action_open_changes()
        for day in ("2026-01-20", "2026-01-31"):
            with (
                self.assertRaisesRegex(
                    ValidationError,
                    f"Contract {contract.display_name}: the next invoice date "
                    f"{day} is not after the end of the last invoiced period "
                    "\\(2026-01-31\\)",
                ),
                self.env.cr.savepoint(),
            ):
                contract.recurring_next_date = day
        self.assertEqual(contract.recurring_next_date, date(2026, 2, 28))

    def test_open_contract_next_period_starts_after_last_invoiced(self):
        contract = self._create_contract(
            date_start="2026-01-01", invoicing_type="post-paid"
        )
        self._run(contract, date(2026, 1, 31))
        contract.action_open_changes()
        contract.invoice_period = "quarter"
        self.assertEqual(contract.next_period_date_start, date(2026, 2, 1))
        self.assertEqual(contract.next_period_date_end, date(2026, 3, 31))
        self.assertEqual(contract.recurring_next_date, date(2026, 3, 31))
        contract.align_to_calendar = True
        contract.date_start = "2025-12-15"
        self.assertEqual(contract.next_period_date_start, date(2026, 2, 1))
        self.assertEqual(contract.recurring_next_date, date(2026, 3, 31))

    # === Everything else keeps OCA's arithmetic ===

    def _oca_next(self, record):
        """OCA's own computation for record's next period, from its fields."""
        offset = record._get_default_recurring_invoicing_offset(
            record.recurring_invoicing_type, record.recurring_rule_type
        )
        start = record.next_period_date_start
        end = record.get_next_period_date_end(
            start,
            record.recurring_rule_type,
            record.recurring_interval,
            max_date_end=record.date_end,
        )
        next_date = record.get_next_invoice_date(
            start,
            record.recurring_invoicing_type,
            offset,
            record.recurring_rule_type,
            record.recurring_interval,
            max_date_end=record.date_end,
        )
        return start, end, next_date

    def _state(self, record):
        return (
            record.next_period_date_start,
            record.next_period_date_end,
            record.recurring_next_date,
        )

    def test_supplier_non_service_and_template_keep_oca_periods(self):
        values = {
            "date_start": "2024-01-31",
            "invoicing_type": "post-paid",
            "sign": False,
        }
        service = self._create_contract(**values)
        # the alignment option is ignored where OCA's arithmetic applies
        non_service = self._create_contract(
            partner=self.customer_b,
            is_service_contract=False,
            align_to_calendar=True,
            **values,
        )
        supplier = self._create_contract(
            partner=self.env["res.partner"].create({"name": "Supplier"}),
            contract_type="purchase",
            journal_id=self.company_data["default_journal_purchase"].id,
            align_to_calendar=True,
            **values,
        )
        for contract in (service, non_service, supplier):
            contract.contract_line_ids.last_date_invoiced = "2024-02-28"
        # OCA: 29 Feb + 1 month - 1 day, invoiced the day after
        oca = (date(2024, 2, 29), date(2024, 3, 28), date(2024, 3, 29))
        for contract in (non_service, supplier):
            line = contract.contract_line_ids
            with self.subTest(contract=contract.contract_type):
                self.assertEqual(self._oca_next(line), oca)
                self.assertEqual(self._state(line), oca)
                self.assertEqual(
                    line._get_period_to_invoice(
                        line.last_date_invoiced, line.recurring_next_date
                    ),
                    oca,
                )
                self.assertEqual(line.recurring_invoicing_offset, 1)
                self.assertEqual(line._get_quantity_to_invoice(*oca), line.quantity)
                self.assertEqual(contract.recurring_next_date, date(2024, 3, 29))
        # the same contract as a service contract: anchored on 31 January,
        # invoiced on the period's last day
        self.assertEqual(
            self._state(service.contract_line_ids),
            (date(2024, 2, 29), date(2024, 3, 30), date(2024, 3, 30)),
        )
        # a hand-edited date on a non-service contract: OCA derives the period
        non_service.contract_line_ids.recurring_next_date = "2024-05-10"
        self.assertEqual(
            non_service.contract_line_ids.next_period_date_end, date(2024, 5, 9)
        )
        template = self.env["contract.template"].create(
            {
                "name": "Template",
                "contract_type": "sale",
                "date_start": "2024-01-31",
                "recurring_rule_type": "monthly",
                "recurring_invoicing_type": "post-paid",
                "contract_line_ids": [
                    Command.create(
                        {
                            "product_id": self.service.id,
                            "name": "Maintenance",
                            "uom_id": self.service.uom_id.id,
                        }
                    )
                ],
            }
        )
        self.assertEqual(self._state(template), self._oca_next(template))
        self.assertEqual(
            self._state(template),
            (date(2024, 1, 31), date(2024, 2, 28), date(2024, 2, 29)),
        )
        # OCA: a template line takes the template's next date and derives
        # its period end from it with OCA's own offset
        line = template.contract_line_ids
        offset = line._get_default_recurring_invoicing_offset(
            line.recurring_invoicing_type, line.recurring_rule_type
        )
        self.assertEqual(line.recurring_invoicing_offset, offset)
        self.assertEqual(line.recurring_next_date, template.recurring_next_date)
        self.assertEqual(
            line.next_period_date_end,
            line.get_next_period_date_end(
                line.next_period_date_start,
                line.recurring_rule_type,
                line.recurring_interval,
                max_date_end=line.date_end,
                next_invoice_date=line.recurring_next_date,
                recurring_invoicing_type=line.recurring_invoicing_type,
                recurring_invoicing_offset=offset,
            ),
        )
