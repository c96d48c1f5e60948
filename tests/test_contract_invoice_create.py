# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import ServiceContractCommon


@tagged("post_install", "-at_install")
class TestContractInvoiceCreate(ServiceContractCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tag = cls.env["contract.tag"].create({"name": "Premium"})
        cls.salesman = cls.env["res.users"].create(
            {"name": "Seller", "login": "sci_seller"}
        )
        cls._cancel_other_contracts()

    def _wizard(self, **values):
        with Form(self.env["contract.invoice.create"]) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def _run(self, **values):
        wizard = self._wizard(**values)
        wizard.action_run()
        return wizard

    def _row_counts(self):
        counts = {}
        for table in (
            "account_move",
            "account_move_line",
            "contract_contract",
            "contract_line",
        ):
            self.env.cr.execute(f"SELECT count(*) FROM {table}")  # noqa: S608
            counts[table] = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            "SELECT sum(extract(epoch FROM last_date_invoiced)) FROM contract_line"
        )
        counts["last_dates"] = self.env.cr.fetchone()[0]
        return counts

    def test_filters_each_narrow_the_set(self):
        a = self._create_contract(date_start="2026-01-01")
        b = self._create_contract(partner=self.customer_b, date_start="2026-01-01")
        c = self._create_contract(partner=self.customer_b, date_start="2026-01-01")
        c.action_open_changes()
        c.write({"tag_ids": [(4, self.tag.id)], "user_id": self.salesman.id})
        c.action_lock()
        common = {"posting_date": date(2026, 1, 5), "invoice_to_date": date(2026, 1, 5)}
        cases = [
            ({"partner_ids": self.customer}, a),
            ({"contract_ids": b}, b),
            ({"tag_ids": self.tag}, c),
            ({"user_ids": self.salesman}, c),
            ({}, a | b | c),
        ]
        for filters, expected in cases:
            with self.subTest(filters=filters):
                values = dict(common, run_action="preview")
                wizard = self._wizard(**values)
                for name, records in filters.items():
                    wizard[name] = records
                wizard.action_run()
                self.assertEqual(wizard.line_ids.contract_id, expected)
                self.assertEqual(wizard.invoiced_contract_count, len(expected))

    def test_company_filter_only_allowed_companies(self):
        other = self.setup_other_company()["company"]
        mine = self._create_contract(date_start="2026-01-01")
        theirs = self._create_contract(
            date_start="2026-01-01",
            company_id=other.id,
            journal_id=self.env["account.journal"]
            .search([("type", "=", "sale"), ("company_id", "=", other.id)], limit=1)
            .id,
        )
        Wizard = self.env["contract.invoice.create"].with_context(
            allowed_company_ids=self.env.company.ids
        )
        wizard = Wizard.new({})
        field_domain = wizard._fields["company_ids"].get_domain_list(wizard)
        self.assertNotIn(other, Wizard.env["res.company"].search(field_domain))
        wizard = Wizard.create(
            {
                "posting_date": "2026-01-02",
                "invoice_to_date": "2026-01-02",
                "company_ids": [],
                "run_action": "preview",
            }
        )
        wizard.action_run()
        self.assertEqual(wizard.line_ids.contract_id, mine)
        self.assertNotIn(theirs, wizard.line_ids.contract_id)

    def test_posting_date_and_invoice_to_date(self):
        due = self._create_contract(date_start="2026-02-10")
        not_due = self._create_contract(
            partner=self.customer_b, date_start="2026-02-11"
        )
        wizard = self._run(
            posting_date=date(2026, 2, 12), invoice_to_date=date(2026, 2, 10)
        )
        self.assertEqual(
            wizard.move_ids.invoice_line_ids.contract_line_id.contract_id, due
        )
        self.assertEqual(wizard.move_ids.invoice_date, date(2026, 2, 12))
        self.assertEqual(wizard.move_ids.state, "draft")
        self.assertFalse(self._invoice_lines(not_due))
        self.assertEqual(due.recurring_next_date, date(2026, 3, 10))
        self.assertEqual(wizard.invoice_count, 1)
        self.assertEqual(wizard.total_amount, 100.0)

    def test_catch_up_every_period_once(self):
        contract = self._create_contract(
            date_start="2025-11-15", invoice_period="two_months"
        )
        self._run(posting_date=date(2026, 3, 20), invoice_to_date=date(2026, 3, 20))
        self.assertEqual(
            self._periods(contract),
            [
                ("2025-11-15", "2026-01-14"),
                ("2026-01-15", "2026-03-14"),
                ("2026-03-15", "2026-05-14"),
            ],
        )
        # Nothing left: an empty result saying why, not an error.
        wizard = self._run(
            posting_date=date(2026, 3, 20), invoice_to_date=date(2026, 3, 20)
        )
        self.assertFalse(wizard.move_ids)
        self.assertIn("no customer contract matches", wizard.result_message)
        self.assertEqual(len(self._invoice_lines(contract)), 3)

    def test_combine_groups_exactly_compatible_contracts(self):
        a1 = self._create_contract(date_start="2026-01-01", combine_invoices=True)
        a2 = self._create_contract(date_start="2026-01-01", combine_invoices=True)
        a3 = self._create_contract(date_start="2026-01-01", combine_invoices=False)
        other_terms = self.env.ref("account.account_payment_term_30days")
        a4 = self._create_contract(
            date_start="2026-01-01",
            combine_invoices=True,
            payment_term_id=other_terms.id,
        )
        b1 = self._create_contract(
            partner=self.customer_b, date_start="2026-01-01", combine_invoices=True
        )
        wizard = self._run(
            posting_date=date(2026, 1, 2), invoice_to_date=date(2026, 1, 2)
        )
        self.assertEqual(len(wizard.move_ids), 4)
        move = self._invoice_lines(a1).move_id
        self.assertEqual(move, self._invoice_lines(a2).move_id)
        self.assertEqual(
            move.invoice_line_ids.filtered(
                lambda line: line.display_type == "line_section"
            ).mapped("name"),
            [a1.display_name, a2.display_name],
        )
        for contract in (a3, a4, b1):
            self.assertNotEqual(self._invoice_lines(contract).move_id, move)
            self.assertEqual(
                self._invoice_lines(
                    contract
                ).move_id.invoice_line_ids.contract_line_id.contract_id,
                contract,
            )
        self.assertEqual(move.amount_untaxed, 200.0)

    def test_preview_changes_nothing(self):
        self._create_contract(date_start="2026-01-01")
        self._create_contract(
            partner=self.customer_b, date_start="2026-01-01"
        ).action_open_changes()
        self.env.flush_all()
        before = self._row_counts()
        wizard = self._run(
            posting_date=date(2026, 3, 1),
            invoice_to_date=date(2026, 3, 1),
            run_action="preview",
        )
        self.env.flush_all()
        self.assertEqual(self._row_counts(), before)
        due = wizard.line_ids.filtered(lambda line: line.status == "due")
        self.assertEqual(len(due), 3)
        self.assertEqual(sum(due.mapped("amount")), 300.0)
        skipped = wizard.line_ids.filtered(lambda line: line.status == "skipped")
        self.assertEqual(skipped.reason, "change status is Open")
        self.assertFalse(wizard.move_ids)

    def test_failing_contract_does_not_stop_the_others(self):
        good = self._create_contract(date_start="2026-01-01")
        product = self.env["product.product"].create(
            {"name": "Unaccounted", "type": "service"}
        )
        product.categ_id.property_account_income_categ_id = False
        bad = self._create_contract(partner=self.customer_b, date_start="2026-01-01")
        bad.action_open_changes()
        bad.contract_line_ids.product_id = product
        bad.journal_id.default_account_id = False
        bad.action_lock()
        wizard = self._run(
            posting_date=date(2026, 1, 2), invoice_to_date=date(2026, 1, 2)
        )
        self.assertEqual(
            wizard.move_ids.invoice_line_ids.contract_line_id.contract_id, good
        )
        failed = wizard.line_ids.filtered(lambda line: line.status == "failed")
        self.assertEqual(failed.contract_id, bad)
        self.assertIn("no income account for Unaccounted", failed.reason)
        self.assertEqual(bad.recurring_next_date, date(2026, 1, 1))
        self.assertEqual(good.recurring_next_date, date(2026, 2, 1))

    def test_blocked_customer_fails_others_invoiced(self):
        good = self._create_contract(date_start="2026-01-01")
        blocked = self._create_contract(
            partner=self.customer_b, date_start="2026-01-01"
        )
        self.customer_b.write(
            {"invoice_warn": "block", "invoice_warn_msg": "Unpaid invoices"}
        )
        wizard = self._run(
            posting_date=date(2026, 1, 2), invoice_to_date=date(2026, 1, 2)
        )
        invoiced = wizard.move_ids.invoice_line_ids.contract_line_id.contract_id
        self.assertEqual(invoiced, good)
        failed = wizard.line_ids.filtered(lambda line: line.status == "failed")
        self.assertEqual(failed.contract_id, blocked)
        self.assertIn("blocked for invoicing (Unpaid invoices)", failed.reason)

    def test_bad_input(self):
        self._create_contract(date_start="2026-01-01")
        wizard = self._run(
            posting_date=date(2026, 1, 2),
            invoice_to_date=date(2026, 1, 2),
            partner_ids=self.customer_b,
        )
        self.assertFalse(wizard.move_ids)
        self.assertIn("no customer contract matches", wizard.result_message)
        with self.assertRaisesRegex(UserError, "Tick the confirmation box"):
            self._run(posting_date=date(2026, 3, 2), invoice_to_date=date(2026, 1, 2))
        self.env.company.fiscalyear_lock_date = date(2026, 2, 28)
        with self.assertRaisesRegex(UserError, "inside a locked accounting period"):
            self._run(posting_date=date(2026, 2, 15), invoice_to_date=date(2026, 2, 15))
        self.assertFalse(
            self.env["account.move.line"].search([("contract_line_id", "!=", False)])
        )
        wizard = self._run(
            posting_date=date(2026, 3, 2),
            invoice_to_date=date(2026, 1, 2),
            confirm_early_invoice_to_date=True,
        )
        self.assertEqual(len(wizard.move_ids), 1)

    def test_post_invoices_option(self):
        self._create_contract(date_start="2026-01-01")
        wizard = self._run(
            posting_date=date(2026, 1, 2),
            invoice_to_date=date(2026, 1, 2),
            post_invoices=True,
        )
        self.assertEqual(wizard.move_ids.state, "posted")

    def test_contract_list_action_preselects_contracts(self):
        contracts = self._create_contract(
            date_start="2026-01-01"
        ) | self._create_contract(partner=self.customer_b, date_start="2026-01-01")
        wizard = (
            self.env["contract.invoice.create"]
            .with_context(
                active_model="contract.contract", active_ids=contracts[:1].ids
            )
            .create({})
        )
        self.assertEqual(wizard.contract_ids, contracts[:1])

    def test_scheduled_action_honours_lead_time(self):
        soon = self._create_contract(date_start="2026-04-04")
        later = self._create_contract(partner=self.customer_b, date_start="2026-04-08")
        self.env["ir.config_parameter"].set_param(
            "service_contract_invoicing.invoice_lead_days", "5"
        )
        with freeze_time("2026-04-01"):
            self.env["service.contract.invoicing"]._cron_create_invoices()
        self.assertEqual(self._periods(soon), [("2026-04-04", "2026-05-03")])
        self.assertFalse(self._invoice_lines(later))
        self.assertEqual(
            self._invoice_lines(soon).move_id.invoice_date, date(2026, 4, 1)
        )
        cron = self.env.ref(
            "service_contract_invoicing.service_contract_invoicing_cron"
        )
        # The one scheduled action that invoices contracts is active.
        self.assertTrue(cron.active)

    def test_queries_per_contract_bounded(self):
        """The engine's queries do not grow with each contract; OCA's steps
        after creating an invoice (a chatter message naming the contract, the
        contract's followers subscribed), which OCA's own invoicing pays
        too, take a few queries per invoice."""
        engine = self.env["service.contract.invoicing"]
        engine_class = type(engine)
        after_create = engine_class._after_create_moves
        chatter = []

        def counted_after_create(self, moves):
            before = self.env.cr.sql_log_count
            after_create(self, moves)
            chatter.append(self.env.cr.sql_log_count - before)

        def count_queries(n, start):
            contracts = self.env["contract.contract"]
            for index in range(n):
                contracts |= self._create_contract(
                    date_start=start, name=f"Q{start}{index}"
                )
            self.env.flush_all()
            self.env.invalidate_all()
            chatter.clear()
            before = self.env.cr.sql_log_count
            with patch.object(
                engine_class, "_after_create_moves", counted_after_create
            ):
                engine.run(
                    contracts.browse(contracts.ids),
                    posting_date=date(2026, 6, 1),
                    invoice_to_date=date(2026, 6, 1),
                )
            self.env.flush_all()
            total = self.env.cr.sql_log_count - before
            return total - sum(chatter), sum(chatter)

        small, small_chatter = count_queries(5, "2026-05-01")
        large, large_chatter = count_queries(25, "2026-05-02")
        per_contract = (large - small) / 20
        self.assertLess(per_contract, 3, f"{small} queries for 5, {large} for 25")
        per_invoice = (large_chatter - small_chatter) / 20
        self.assertLess(
            per_invoice,
            10,
            f"{small_chatter} chatter queries for 5, {large_chatter} for 25",
        )
