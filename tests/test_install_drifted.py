# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Install on a database where OCA already invoices contracts whose periods
OCA moved to another day of the month (started on 29, 30 or 31 January: from
the 28th after February): each keeps the period OCA would invoice next, billed
once at its full price, and its next invoice date."""

from datetime import date

from freezegun import freeze_time

from odoo.tests import tagged

from odoo.addons.service_contract_invoicing.hooks import post_init_hook

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestInstallDriftedContracts(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # OCA's contracts (not service contracts, Quote, Open: what the
        # install finds), invoiced by OCA's own code for every period whose
        # invoice date is on or before 31 October 2026.
        cls.contracts = {}
        for key, start, period, invoicing, price in [
            ("m31", "2026-01-31", "month", "pre-paid", 100.0),
            ("m30", "2026-01-30", "month", "pre-paid", 100.0),
            ("m29", "2026-01-29", "month", "pre-paid", 100.0),
            ("m31_arrears", "2026-01-31", "month", "post-paid", 100.0),
            ("q30", "2025-11-30", "quarter", "pre-paid", 300.0),
            ("q31_arrears", "2026-01-31", "quarter", "post-paid", 300.0),
        ]:
            contract = cls._create_contract(
                date_start=start,
                invoice_period=period,
                invoicing_type=invoicing,
                price=price,
                # set as OCA's form sets it
                recurring_rule_type="monthly" if period == "month" else "quarterly",
                is_service_contract=False,
                sign=False,
            )
            while contract.recurring_next_date <= date(2026, 10, 31):
                contract._recurring_create_invoice(contract.recurring_next_date)
            cls.contracts[key] = contract

    def _run(self, day):
        contracts = self.env["contract.contract"].union(*self.contracts.values())
        result = self.env["service.contract.invoicing"].run(
            contracts, posting_date=day, invoice_to_date=day
        )
        self.assertFalse(result.failures)
        return result

    def _billed(self, key, since):
        """(period start, period end, amount) of the contract's invoice lines
        dated on or after ``since``."""
        return [
            (line.sci_period_start, line.sci_period_end, line.price_subtotal)
            for line in self._invoice_lines(self.contracts[key])
            if line.move_id.invoice_date >= since
        ]

    def test_install_keeps_oca_periods_of_drifted_contracts(self):
        c = self.contracts
        # What OCA left: periods on the 28th (monthly), the 28th and the 30th
        # (quarterly), and their next invoice dates.
        oca_state = {
            "m31": (date(2026, 11, 27), date(2026, 10, 28)),
            "m30": (date(2026, 11, 27), date(2026, 10, 28)),
            "m29": (date(2026, 11, 27), date(2026, 10, 28)),
            # in arrears, OCA invoices the day after the period
            "m31_arrears": (date(2026, 10, 27), date(2026, 10, 28)),
            "q30": (date(2026, 11, 27), date(2026, 8, 28)),
            "q31_arrears": (date(2026, 10, 29), date(2026, 10, 30)),
        }
        for key, (last_invoiced, last_invoice_date) in oca_state.items():
            line = c[key].contract_line_ids
            self.assertEqual(line.last_date_invoiced, last_invoiced, key)
            self.assertEqual(
                max(self._invoice_lines(c[key]).move_id.mapped("invoice_date")),
                last_invoice_date,
                key,
            )
        next_dates = {
            "m31": date(2026, 11, 28),
            "m30": date(2026, 11, 28),
            "m29": date(2026, 11, 28),
            "m31_arrears": date(2026, 11, 28),
            "q30": date(2026, 11, 28),
            "q31_arrears": date(2027, 1, 30),
        }
        for key, next_date in next_dates.items():
            self.assertEqual(c[key].recurring_next_date, next_date, key)

        with freeze_time("2026-11-20"):
            post_init_hook(self.env)

        # Mapped onto OCA's next period: same dates, never moved back.
        for key, next_date in next_dates.items():
            self.assertTrue(c[key].is_service_contract, key)
            self.assertEqual(c[key].contract_state, "signed", key)
            self.assertEqual(c[key].recurring_next_date, next_date, key)
        self.assertEqual(
            (c["m31"].next_period_date_start, c["m31"].next_period_date_end),
            (date(2026, 11, 28), date(2026, 12, 27)),
        )
        self.assertEqual(
            (
                c["m31_arrears"].next_period_date_start,
                c["m31_arrears"].next_period_date_end,
            ),
            (date(2026, 10, 28), date(2026, 11, 27)),
        )
        self.assertEqual(
            (c["q30"].next_period_date_start, c["q30"].next_period_date_end),
            (date(2026, 11, 28), date(2027, 2, 27)),
        )

        # Nothing is due before OCA's next invoice date.
        self.assertFalse(self._run(date(2026, 11, 27)).moves)
        # The run of 30 November bills each period due once, at full price.
        result = self._run(date(2026, 11, 30))
        self.assertEqual(len(result.moves), 5)
        since = date(2026, 11, 28)
        for key in ("m31", "m30", "m29"):
            self.assertEqual(
                self._billed(key, since),
                [(date(2026, 11, 28), date(2026, 12, 27), 100.0)],
                key,
            )
        self.assertEqual(
            self._billed("m31_arrears", since),
            [(date(2026, 10, 28), date(2026, 11, 27), 100.0)],
        )
        self.assertEqual(
            self._billed("q30", since),
            [(date(2026, 11, 28), date(2027, 2, 27), 300.0)],
        )
        self.assertFalse(self._billed("q31_arrears", since))
        # In arrears, later periods follow Business Central's rule: invoiced
        # on their last day.
        self.assertEqual(c["m31_arrears"].recurring_next_date, date(2026, 12, 27))

        # Catch-up to 31 January 2027: the following periods, on OCA's days.
        self._run(date(2027, 1, 31))
        since = date(2027, 1, 31)
        for key in ("m31", "m30", "m29"):
            self.assertEqual(
                self._billed(key, since),
                [
                    (date(2026, 12, 28), date(2027, 1, 27), 100.0),
                    (date(2027, 1, 28), date(2027, 2, 27), 100.0),
                ],
                key,
            )
        self.assertEqual(
            self._billed("m31_arrears", since),
            [
                (date(2026, 11, 28), date(2026, 12, 27), 100.0),
                (date(2026, 12, 28), date(2027, 1, 27), 100.0),
            ],
        )
        self.assertFalse(self._billed("q30", since))
        self.assertEqual(
            self._billed("q31_arrears", since),
            [(date(2026, 10, 30), date(2027, 1, 29), 300.0)],
        )
        self.assertEqual(c["q30"].recurring_next_date, date(2027, 2, 28))
        self.assertEqual(c["q31_arrears"].recurring_next_date, date(2027, 4, 29))
