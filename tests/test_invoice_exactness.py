# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The invoices the engine creates and posts are the invoices Odoo computes
itself: each test invoices service contracts with the engine (Create Contract
Invoices, posted at once) and builds the same invoice through Odoo's own path
(the invoice form, then Confirm), then compares every journal item, the
totals and the installments of both (assert_invoiced_as_odoo)."""

from datetime import date

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ServiceContractCommon

POSTING_DATE = date(2026, 3, 1)


@tagged("post_install", "-at_install")
@freeze_time("2026-03-01")
class TestInvoiceExactness(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Prices with more decimals than the currency, as companies set them:
        # the line amounts do not divide evenly and rounding matters.
        cls.env.ref("product.decimal_price").digits = 4
        cls.env.ref("product.decimal_product_uom").digits = 3
        cls.env.user.groups_id |= cls.env.ref("account.group_cash_rounding")
        cls.env.user.groups_id |= cls.env.ref("base.group_multi_currency")
        Tax = cls.env["account.tax"]
        sale = {"type_tax_use": "sale", "company_id": cls.env.company.id}
        cls.tax_7_7 = Tax.create({"name": "VAT 7.7%", "amount": 7.7, **sale})
        cls.tax_21 = Tax.create({"name": "VAT 21%", "amount": 21.0, **sale})
        cls.tax_21_included = Tax.create(
            {
                "name": "VAT 21% included",
                "amount": 21.0,
                "price_include_override": "tax_included",
                **sale,
            }
        )
        cls.tax_fixed = Tax.create(
            {
                "name": "Eco fee 0.50",
                "amount_type": "fixed",
                "amount": 0.5,
                "include_base_amount": True,
                "sequence": 1,
                **sale,
            }
        )
        cls.tax_21_after_fee = Tax.create(
            {"name": "VAT 21% on fee", "amount": 21.0, "sequence": 2, **sale}
        )
        cls.tax_group = Tax.create(
            {
                "name": "VAT 7.7% + 2.5%",
                "amount_type": "group",
                "children_tax_ids": [
                    Command.create(
                        {
                            "name": "VAT 7.7% (group)",
                            "amount": 7.7,
                            "type_tax_use": "none",
                            "company_id": cls.env.company.id,
                        }
                    ),
                    Command.create(
                        {
                            "name": "Levy 2.5%",
                            "amount": 2.5,
                            "type_tax_use": "none",
                            "company_id": cls.env.company.id,
                        }
                    ),
                ],
                **sale,
            }
        )
        cls.product_7_7 = cls._create_service("Support 7.7%", cls.tax_7_7)
        cls.product_included = cls._create_service(
            "Support 21% included", cls.tax_21_included
        )
        cls.product_two_taxes = cls._create_service(
            "Support with eco fee", cls.tax_fixed | cls.tax_21_after_fee
        )
        cls.product_group = cls._create_service("Support group tax", cls.tax_group)
        cls.mixed_lines = [
            {"product_id": cls.product_7_7.id, "price_unit": 33.333},
            {"product_id": cls.product_7_7.id, "price_unit": 33.333},
            {"product_id": cls.product_7_7.id, "price_unit": 33.333},
            {
                "product_id": cls.product_included.id,
                "price_unit": 19.99,
                "quantity": 1.5,
            },
            {
                "product_id": cls.product_two_taxes.id,
                "price_unit": 12.345,
                "quantity": 0.333,
                "discount": 12.5,
            },
            {"product_id": cls.product_group.id, "price_unit": 7.7777, "quantity": 3.0},
        ]
        cash_rounding = {
            "rounding": 0.05,
            "rounding_method": "HALF-UP",
            "profit_account_id": cls.company_data["default_account_revenue"].id,
            "loss_account_id": cls.company_data["default_account_expense"].id,
        }
        cls.rounding_add_line = cls.env["account.cash.rounding"].create(
            {"name": "0.05 line", "strategy": "add_invoice_line", **cash_rounding}
        )
        cls.rounding_biggest_tax = cls.env["account.cash.rounding"].create(
            {"name": "0.05 tax", "strategy": "biggest_tax", **cash_rounding}
        )
        cls.eur = cls.setup_other_currency(
            "EUR",
            rates=[("2026-01-01", 1.25), ("2026-03-01", 0.9137), ("2026-03-02", 2.0)],
        )

    @property
    def customer_form_view(self):
        return self.env.ref("contract.contract_contract_customer_form_view")

    @classmethod
    def _create_service(cls, name, taxes):
        return cls._create_product(
            name=name,
            type="service",
            lst_price=1.0,
            taxes_id=[Command.set(taxes.ids)],
        )

    def _contract(self, lines, **values):
        return self._create_contract(
            date_start="2026-03-01",
            lines=[dict({"quantity": 1.0}, **line) for line in lines],
            **values,
        )

    # === The comparison ===

    def assert_invoiced_as_odoo(self, contracts, combine=False, invoices=1):
        """Invoice ``contracts`` with the engine in one run (posted) and each
        of its invoices again through Odoo's form (posted); assert each pair
        is identical journal item by journal item, in totals and
        installments.

        :return: the engine's invoices"""
        result = self.env["service.contract.invoicing"].run(
            contracts, POSTING_DATE, POSTING_DATE, combine=combine, post=True
        )
        self.assertFalse(result.failures)
        moves = result.moves
        self.assertEqual(len(moves), invoices)
        self.assertEqual(set(moves.mapped("state")), {"posted"})
        self.assertEqual(moves.invoice_line_ids.contract_line_id.contract_id, contracts)
        pairs = []
        for move in moves:
            # Its contracts in the order given, as the engine combines them.
            odoo_move = self._odoo_invoice(
                contracts & move.invoice_line_ids.contract_line_id.contract_id
            )
            self.assertEqual(odoo_move.state, "posted")
            pairs.append((move, odoo_move))
        self.env.invalidate_all()  # all as stored
        for move, odoo_move in pairs:
            self.assertEqual(self._move_values(move), self._move_values(odoo_move))
            self.assertEqual(self._journal_items(move), self._journal_items(odoo_move))
            self.assertEqual(self._installments(move), self._installments(odoo_move))
        return moves

    def _odoo_invoice(self, contracts):
        """The invoice of ``contracts`` built as a user builds it in Odoo:
        the invoice form with the contract's terms and the same lines, each
        with the taxes and income account Odoo's fiscal position gives the
        product; a section line naming each contract."""
        first = contracts[0]
        form = Form(
            self.env["account.move"].with_context(default_move_type="out_invoice")
        )
        form.partner_id = first.invoice_partner_id
        form.invoice_date = POSTING_DATE
        form.journal_id = first.journal_id
        form.currency_id = first.currency_id
        if first.payment_term_id:
            form.invoice_payment_term_id = first.payment_term_id
        if first.fiscal_position_id:
            form.fiscal_position_id = first.fiscal_position_id
        if first.cash_rounding_id:
            form.invoice_cash_rounding_id = first.cash_rounding_id
        fiscal_position = form.fiscal_position_id
        for contract in contracts:
            with form.invoice_line_ids.new() as section:
                section.display_type = "line_section"
                section.name = contract.display_name
            for line in contract.contract_line_ids:
                product = line.product_id
                taxes = fiscal_position.map_tax(product.taxes_id)
                account = product.product_tmpl_id.get_product_accounts(
                    fiscal_pos=fiscal_position
                )["income"]
                with form.invoice_line_ids.new() as invoice_line:
                    # Each value set triggers Odoo's onchange of the whole
                    # invoice: only those the product did not give are set.
                    invoice_line.product_id = product
                    if invoice_line.product_uom_id != line.uom_id:
                        invoice_line.product_uom_id = line.uom_id
                    if line.quantity != 1.0:
                        invoice_line.quantity = line.quantity
                    invoice_line.price_unit = line.price_unit
                    if line.discount:
                        invoice_line.discount = line.discount
                    if {tax.id for tax in invoice_line.tax_ids} != set(taxes.ids):
                        invoice_line.tax_ids = taxes
                    if invoice_line.account_id != account:
                        invoice_line.account_id = account
        move = form.save()
        move.action_post()
        return move

    def _move_values(self, move):
        fields_ = [
            "move_type",
            "partner_id",
            "commercial_partner_id",
            "journal_id",
            "company_id",
            "currency_id",
            "invoice_date",
            "date",
            "invoice_date_due",
            "invoice_payment_term_id",
            "fiscal_position_id",
            "invoice_cash_rounding_id",
            "amount_untaxed",
            "amount_tax",
            "amount_total",
            "amount_residual",
            "amount_untaxed_signed",
            "amount_tax_signed",
            "amount_total_signed",
            "amount_residual_signed",
            "amount_total_in_currency_signed",
            "payment_state",
            "tax_totals",
        ]
        return {name: self._plain(move[name]) for name in fields_}

    def _journal_items(self, move):
        items = [
            (
                line.display_type,
                line.account_id.code,
                tuple(sorted(line.tax_ids.mapped("name"))),
                line.tax_line_id.name,
                line.tax_repartition_line_id.id,
                tuple(sorted(line.tax_tag_ids.ids)),
                line.tax_base_amount,
                line.debit,
                line.credit,
                line.balance,
                line.amount_currency,
                line.currency_id.name,
                line.partner_id.id,
                line.date_maturity,
                line.discount_date,
                line.discount_amount_currency,
                line.discount_balance,
                line.product_id.id,
                line.product_uom_id.id,
                line.quantity,
                line.price_unit,
                line.discount,
                line.price_subtotal,
                line.price_total,
                # Sections: the name is what the line shows.
                line.name if line.display_type == "line_section" else None,
            )
            for line in move.line_ids
        ]
        self.assertTrue(items)
        return sorted(items, key=repr)

    def _installments(self, move):
        return [
            {key: self._plain(value) for key, value in item.items() if key != "line"}
            for item in move._get_installments_data()
        ]

    def _plain(self, value):
        if hasattr(value, "_name"):
            return value.ids
        return value

    # === Taxes and rounding ===

    def test_taxes_rounded_per_line(self):
        """Price excluded and included taxes, two taxes on a line (a fixed
        amount affecting the next), a group tax; quantities 1.5 and 0.333, a
        discount. 3 x 33.333 at 7.7%: 2.57 of tax per line, 7.71 in all."""
        self.env.company.tax_calculation_rounding_method = "round_per_line"
        move = self.assert_invoiced_as_odoo(self._contract(self.mixed_lines))
        self.assertEqual(
            set(move.line_ids.tax_line_id.ids),
            set(
                (
                    self.tax_7_7
                    | self.tax_21_included
                    | self.tax_fixed
                    | self.tax_21_after_fee
                    | self.tax_group.children_tax_ids
                ).ids
            ),
        )
        self.assertEqual(self._tax_amount(move, self.tax_7_7), 7.71)

    def test_taxes_rounded_globally(self):
        """The same lines, taxes rounded globally: 99.999 x 7.7% = 7.70."""
        self.env.company.tax_calculation_rounding_method = "round_globally"
        move = self.assert_invoiced_as_odoo(self._contract(self.mixed_lines))
        self.assertEqual(self._tax_amount(move, self.tax_7_7), 7.70)

    def _tax_amount(self, move, tax):
        return -sum(
            move.line_ids.filtered(lambda line: line.tax_line_id == tax).mapped(
                "balance"
            )
        )

    # === Cash rounding ===

    def test_cash_rounding_added_line(self):
        contract = self._contract(
            self.mixed_lines, cash_rounding_id=self.rounding_add_line.id
        )
        move = self.assert_invoiced_as_odoo(contract)
        self.assertEqual(move.invoice_cash_rounding_id, self.rounding_add_line)
        self.assertTrue(
            move.line_ids.filtered(lambda line: line.display_type == "rounding")
        )
        self._assert_rounded(move.amount_total)

    def test_cash_rounding_biggest_tax(self):
        self.env.company.tax_calculation_rounding_method = "round_globally"
        contract = self._contract(
            self.mixed_lines, cash_rounding_id=self.rounding_biggest_tax.id
        )
        move = self.assert_invoiced_as_odoo(contract)
        self.assertEqual(move.invoice_cash_rounding_id, self.rounding_biggest_tax)
        self.assertFalse(
            move.line_ids.filtered(lambda line: line.display_type == "rounding")
        )
        self._assert_rounded(move.amount_total)

    def test_cash_rounding_splits_combined_invoices(self):
        """Contracts with different cash rounding methods are not combined;
        a contract that keeps OCA's rules invoices without one."""
        rounded = self._contract(
            self.mixed_lines[:1],
            combine_invoices=True,
            cash_rounding_id=self.rounding_add_line.id,
        )
        plain = self._contract(self.mixed_lines[:1], combine_invoices=True)
        result = self.env["service.contract.invoicing"].run(
            rounded | plain, POSTING_DATE, POSTING_DATE, combine=True
        )
        self.assertEqual(
            sorted(result.moves.mapped("invoice_cash_rounding_id.name")),
            ["0.05 line"],
        )
        self.assertEqual(len(result.moves), 2)
        oca = self._contract(
            self.mixed_lines[:1],
            is_service_contract=False,
            sign=False,
            cash_rounding_id=self.rounding_add_line.id,
        )
        self.assertNotIn("invoice_cash_rounding_id", oca._prepare_invoice(POSTING_DATE))

    def test_cash_rounding_locked(self):
        """Read-only on the form of a Locked contract, refused otherwise."""
        contract = self._contract(self.mixed_lines[:1])
        form = Form(contract, view=self.customer_form_view)
        with self.assertRaises(AssertionError):
            form.cash_rounding_id = self.rounding_add_line
        with self.assertRaisesRegex(UserError, "the cash rounding method"):
            contract.cash_rounding_id = self.rounding_add_line
        contract.action_open_changes()
        with Form(contract, view=self.customer_form_view) as form:
            form.cash_rounding_id = self.rounding_add_line
        self.assertEqual(contract.cash_rounding_id, self.rounding_add_line)

    def test_cash_rounding_shown_to_cash_rounding_users(self):
        def shown():
            arch = self.env["contract.contract"].get_view(
                self.customer_form_view.id, "form"
            )["arch"]
            return 'name="cash_rounding_id"' in arch

        self.assertTrue(shown())
        self.env.user.groups_id -= self.env.ref("account.group_cash_rounding")
        self.assertFalse(shown())

    def _assert_rounded(self, amount):
        cents = round(amount * 100)
        self.assertEqual(cents % 5, 0, f"{amount} is not rounded to 0.05")

    # === Payment terms ===

    def test_payment_term_early_discount(self):
        term = self.env["account.payment.term"].create(
            {
                "name": "2% within 10 days, net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": 10,
                "early_pay_discount_computation": "mixed",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 100.0, "nb_days": 30}
                    )
                ],
            }
        )
        contract = self._contract(self.mixed_lines, payment_term_id=term.id)
        move = self.assert_invoiced_as_odoo(contract)
        self.assertTrue(move.line_ids.filtered(lambda line: line.display_type == "epd"))
        self.assertEqual(self._installments(move)[0]["type"], "early_payment_discount")

    # === Fiscal position, currency, installments ===

    def test_one_run_several_invoices(self):
        """One run, the same lines on three invoices of different terms:
        - a fiscal position mapping a tax and the income account, with Odoo's
          30% advance end of following month terms;
        - EUR (rate 0.9137 on the posting date), 30% now and 70% in 30 days;
        - the company's currency and no terms."""
        revenue = self.company_data["default_account_revenue"]
        other_revenue = self.copy_account(revenue)
        fiscal_position = self.env["account.fiscal.position"].create(
            {
                "name": "Export",
                "tax_ids": [
                    Command.create(
                        {"tax_src_id": self.tax_7_7.id, "tax_dest_id": self.tax_21.id}
                    )
                ],
                "account_ids": [
                    Command.create(
                        {
                            "account_src_id": revenue.id,
                            "account_dest_id": other_revenue.id,
                        }
                    )
                ],
            }
        )
        term = self.env["account.payment.term"].create(
            {
                "name": "30% now, 70% in 30 days",
                "line_ids": [
                    Command.create(
                        {"value": "percent", "value_amount": 30.0, "nb_days": 0}
                    ),
                    Command.create(
                        {"value": "percent", "value_amount": 70.0, "nb_days": 30}
                    ),
                ],
            }
        )
        mapped = self._contract(
            self.mixed_lines,
            fiscal_position_id=fiscal_position.id,
            payment_term_id=self.pay_terms_b.id,
        )
        in_eur = self._contract(
            self.mixed_lines, manual_currency_id=self.eur.id, payment_term_id=term.id
        )
        self.assertEqual(in_eur.currency_id, self.eur)
        plain = self._contract(self.mixed_lines)
        moves = self.assert_invoiced_as_odoo(mapped | in_eur | plain, invoices=3)
        by_contract = {
            move.invoice_line_ids.contract_line_id.contract_id: move for move in moves
        }
        move = by_contract[mapped]
        line = move.invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_7_7
        )[0]
        self.assertEqual(line.tax_ids, self.tax_21)
        self.assertEqual(line.account_id, other_revenue)
        self.assertEqual(
            [item["date_maturity"] for item in self._installments(move)],
            [date(2026, 3, 1), date(2026, 4, 30)],
        )
        move = by_contract[in_eur]
        self.assertEqual(move.currency_id, self.eur)
        line = move.invoice_line_ids.filtered("contract_line_id")[0]
        self.assertEqual(
            line.balance,
            self.env.company.currency_id.round(line.amount_currency / 0.9137),
        )
        self.assertEqual(
            [item["date_maturity"] for item in self._installments(move)],
            [date(2026, 3, 1), date(2026, 3, 31)],
        )
        line = by_contract[plain].invoice_line_ids.filtered(
            lambda line: line.product_id == self.product_7_7
        )[0]
        self.assertEqual(line.tax_ids, self.tax_7_7)

    # === Combined invoice ===

    def test_combined_invoice_of_two_contracts(self):
        first = self._contract(
            self.mixed_lines[:3], name="First contract", combine_invoices=True
        )
        second = self._contract(
            self.mixed_lines[3:], name="Second contract", combine_invoices=True
        )
        move = self.assert_invoiced_as_odoo(first | second, combine=True)
        self.assertEqual(
            move.invoice_line_ids.filtered(
                lambda line: line.display_type == "line_section"
            ).mapped("name"),
            [first.display_name, second.display_name],
        )
