# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The engine builds its invoices through OCA contract's hooks, so section and
note lines, followers, the invoice origin and OCA extension modules work on
engine invoices as they do on OCA's (contract_invoice_start_end_dates, from
PyPI, is installed in the test database by tools/test)."""

from datetime import date

from odoo.tests import tagged

from .common import ServiceContractCommon

SECTIONED_LINES = [
    {"display_type": "line_section", "name": "On-site"},
    {"name": "Maintenance", "price_unit": 100.0},
    {
        "display_type": "line_note",
        "name": "Visits within 4 hours",
        "note_invoicing_mode": "with_previous_line",
    },
    {"display_type": "line_section", "name": "Remote"},
    {
        "display_type": "line_note",
        "name": "Weekdays 8-18",
        "note_invoicing_mode": "with_next_line",
    },
    {"name": "Hotline", "price_unit": 40.0},
]


@tagged("post_install", "-at_install")
class TestOcaHooks(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.engine = cls.env["service.contract.invoicing"]
        cls.follower = cls.env["res.partner"].create({"name": "Account Manager"})
        cls.invoice_subtype = cls.env.ref(
            "contract.mail_message_subtype_invoice_created"
        )

    @classmethod
    def _sectioned_contract(cls, partner=None, **values):
        lines = []
        for vals in SECTIONED_LINES:
            if vals.get("display_type"):
                lines.append(dict(vals, uom_id=False))
            else:
                lines.append(dict(vals, product_id=cls.service.id))
        return cls._create_contract(partner=partner, lines=lines, **values)

    def _run(self, contracts, day, combine=False):
        result = self.engine.run(
            contracts, posting_date=day, invoice_to_date=day, combine=combine
        )
        self.assertFalse(result.failures)
        return result.moves

    def _layout(self, move):
        return [
            (line.display_type, line.name)
            for line in move.invoice_line_ids.sorted(
                lambda line: (line.sequence, line.id)
            )
        ]

    def test_sections_and_notes_in_contract_order(self):
        contract = self._sectioned_contract()
        move = self._run(contract, date(2026, 1, 5))
        self.assertEqual(len(move), 1)
        self.assertEqual(
            self._layout(move),
            [
                ("line_section", contract.display_name),
                ("line_section", "On-site"),
                ("product", "Maintenance\n01/01/2026 - 01/31/2026"),
                ("line_note", "Visits within 4 hours"),
                ("line_section", "Remote"),
                ("line_note", "Weekdays 8-18"),
                ("product", "Hotline\n01/01/2026 - 01/31/2026"),
            ],
        )
        self.assertEqual(move.amount_untaxed, 140.0)
        # Section and note lines are no contract periods.
        periods = move.invoice_line_ids.filtered("sci_period_start")
        self.assertEqual(periods.mapped("display_type"), ["product", "product"])

    def test_catch_up_keeps_each_line_under_its_section(self):
        contract = self._sectioned_contract()
        move = self._run(contract, date(2026, 2, 5))
        self.assertEqual(
            self._layout(move),
            [
                ("line_section", contract.display_name),
                ("line_section", "On-site"),
                ("product", "Maintenance\n01/01/2026 - 01/31/2026"),
                ("product", "Maintenance\n02/01/2026 - 02/28/2026"),
                ("line_note", "Visits within 4 hours"),
                ("line_section", "Remote"),
                ("line_note", "Weekdays 8-18"),
                ("product", "Hotline\n01/01/2026 - 01/31/2026"),
                ("product", "Hotline\n02/01/2026 - 02/28/2026"),
            ],
        )

    def test_combined_invoice_keeps_each_contracts_sections(self):
        first = self._sectioned_contract(combine_invoices=True, name="First")
        second = self._sectioned_contract(combine_invoices=True, name="Second")
        move = self._run(first | second, date(2026, 1, 5), combine=True)
        self.assertEqual(len(move), 1)
        period = "\n01/01/2026 - 01/31/2026"
        contract_layout = [
            ("line_section", "On-site"),
            ("product", "Maintenance" + period),
            ("line_note", "Visits within 4 hours"),
            ("line_section", "Remote"),
            ("line_note", "Weekdays 8-18"),
            ("product", "Hotline" + period),
        ]
        self.assertEqual(
            self._layout(move),
            [("line_section", first.display_name)]
            + contract_layout
            + [("line_section", second.display_name)]
            + contract_layout,
        )
        self.assertEqual(move.invoice_origin, "First, Second")
        self.assertEqual(move.amount_untaxed, 280.0)

    def test_followers_and_origin_as_oca_sets_them(self):
        contract = self._create_contract(name="Followed")
        other = self._create_contract(partner=self.customer_b, name="Other")
        contract.message_subscribe(
            partner_ids=self.follower.ids, subtype_ids=self.invoice_subtype.ids
        )
        # A follower of other subtypes is not subscribed to the invoices.
        bystander = self.env["res.partner"].create({"name": "Bystander"})
        contract.message_subscribe(
            partner_ids=bystander.ids,
            subtype_ids=self.env.ref("mail.mt_comment").ids,
        )
        moves = self._run(contract | other, date(2026, 1, 5))
        self.assertEqual(len(moves), 2)
        move = self._invoice_lines(contract).move_id
        other_move = self._invoice_lines(other).move_id
        self.assertIn(self.follower, move.message_partner_ids)
        self.assertNotIn(bystander, move.message_partner_ids)
        self.assertNotIn(self.follower, other_move.message_partner_ids)
        self.assertEqual(move.invoice_origin, "Followed")
        self.assertEqual(other_move.invoice_origin, "Other")
        for invoice, source in ((move, contract), (other_move, other)):
            origins = invoice.message_ids.filtered(
                lambda message: "by contract" in message.body
            )
            self.assertEqual(len(origins), 1)
            self.assertIn(source.display_name, origins.body)
            self.assertIn(f'data-oe-id="{source.id}"', origins.body)

    def test_combined_invoice_names_each_contract(self):
        first = self._create_contract(combine_invoices=True, name="First")
        second = self._create_contract(combine_invoices=True, name="Second")
        first.message_subscribe(
            partner_ids=self.follower.ids, subtype_ids=self.invoice_subtype.ids
        )
        move = self._run(first | second, date(2026, 1, 5), combine=True)
        self.assertEqual(len(move), 1)
        self.assertIn(self.follower, move.message_partner_ids)
        origins = move.message_ids.filtered(
            lambda message: "by contract" in message.body
        )
        self.assertEqual(len(origins), 2)
        for contract in first | second:
            self.assertEqual(
                len(
                    origins.filtered(
                        lambda message, c=contract: f'data-oe-id="{c.id}"'
                        in message.body
                    )
                ),
                1,
            )

    def test_oca_markers_get_each_invoiced_period(self):
        contract = self._create_contract(
            lines=[
                {
                    "product_id": self.service.id,
                    "price_unit": 100.0,
                    "name": "Maintenance #START# to #END# (#INVOICEMONTHNAME#)",
                }
            ]
        )
        move = self._run(contract, date(2026, 2, 5))
        self.assertEqual(
            self._layout(move),
            [
                ("line_section", contract.display_name),
                ("product", "Maintenance 01/01/2026 to 01/31/2026 (January)"),
                ("product", "Maintenance 02/01/2026 to 02/28/2026 (February)"),
            ],
        )

    def test_oca_extension_start_end_dates_catch_up(self):
        """contract_invoice_start_end_dates (OCA, PyPI) sets its dates in its
        override of contract.line._prepare_invoice_line: on engine invoices
        they are the invoiced periods, one line per period of a catch-up."""
        self.service.must_have_dates = True
        contract = self._create_contract(date_start="2026-01-01", quantity=2.0)
        move = self._run(contract, date(2026, 3, 5))
        lines = move.invoice_line_ids.filtered("contract_line_id").sorted("sequence")
        self.assertEqual(
            [
                (line.start_date, line.end_date, line.sci_period_start, line.quantity)
                for line in lines
            ],
            [
                (date(2026, 1, 1), date(2026, 1, 31), date(2026, 1, 1), 2.0),
                (date(2026, 2, 1), date(2026, 2, 28), date(2026, 2, 1), 2.0),
                (date(2026, 3, 1), date(2026, 3, 31), date(2026, 3, 1), 2.0),
            ],
        )
        self.assertEqual(lines.mapped("end_date"), lines.mapped("sci_period_end"))
        self.assertEqual(
            contract.contract_line_ids.last_date_invoiced, date(2026, 3, 31)
        )
        # The extension refuses to post a line of such a product without its
        # dates: the engine's invoice posts.
        move.action_post()
        self.assertEqual(move.state, "posted")
        # The next run invoices April only, with its dates.
        april = self._run(contract, date(2026, 4, 5)).invoice_line_ids.filtered(
            "contract_line_id"
        )
        self.assertEqual(
            (april.start_date, april.end_date),
            (date(2026, 4, 1), date(2026, 4, 30)),
        )

    def test_oca_extension_ignores_products_without_dates(self):
        contract = self._create_contract()
        line = self._run(contract, date(2026, 1, 5)).invoice_line_ids.filtered(
            "contract_line_id"
        )
        self.assertFalse(line.start_date)
        self.assertEqual(line.sci_period_start, date(2026, 1, 1))
