# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rights matrix of the README, cell by cell, over real JSON-RPC: each
role authenticates and calls the public methods the web client calls
(``/web/dataset/call_kw``), on records of company A. A cell is allowed when the
call had its effect on company A's record, refused when it had none; a refused
call always answers with an access or user error in words, never a server
error."""

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import call_kw

ROLES = (
    "service_user",
    "service_manager",
    "billing",
    "accountant",
    "sales",
    "other_company",
    "portal",
)
ROLE_GROUPS = {
    "service_user": "service_contract_invoicing.group_service_contract_user",
    "service_manager": "service_contract_invoicing.group_service_contract_manager",
    "billing": "account.group_account_invoice",
    "accountant": "account.group_account_manager",
    "sales": "sales_team.group_sale_salesman",
    "other_company": "service_contract_invoicing.group_service_contract_manager",
    "portal": "base.group_portal",
}
MANAGERS = {"service_manager", "accountant"}
SERVICE_USERS = MANAGERS | {"service_user"}
# action -> roles allowed. The invoice actions (cancel, reset, delete a
# contract invoice) are allowed to whoever Odoo lets do the same to an
# ordinary invoice: their cells compare both.
MATRIX = {
    "create_quote": MANAGERS,
    "edit_quote": MANAGERS,
    "sign": MANAGERS,
    "open": MANAGERS,
    "lock": MANAGERS,
    "cancel_contract": MANAGERS,
    "invoice_one_contract": SERVICE_USERS,
    "create_contract_invoices": SERVICE_USERS,
    "see_runs": SERVICE_USERS,
    "get_shipment_lines": SERVICE_USERS,
    "consume_and_undo": MANAGERS,
    "update_prices": MANAGERS,
    "create_credit_memo": MANAGERS,
    "post_prepaid_entries": MANAGERS,
    "settings": set(),
}
INVOICE_ACTIONS = ("cancel_invoice", "reset_invoice", "delete_invoice")
# What a refused call may answer: an error in words.
REFUSALS = {
    "odoo.exceptions.AccessError",
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.AccessDenied",
}


@tagged("post_install", "-at_install")
class TestRightsMatrix(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "SCI Matrix B"})
        cls.users = {}
        for role in ROLES:
            company = cls.company_b if role == "other_company" else cls.company
            cls.users[role] = new_test_user(
                cls.env,
                f"sci_matrix_{role}",
                groups=ROLE_GROUPS[role],
                company_id=company.id,
                company_ids=[Command.set(company.ids)],
            )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Matrix Customer", "is_company": True}
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Matrix Service", "type": "service", "list_price": 30.0}
        )
        cls.goods = cls.env["product.product"].create(
            {
                "name": "Matrix Goods",
                "type": "consu",
                "invoice_policy": "delivery",
                "list_price": 10.0,
            }
        )
        cls.journal = cls.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", cls.company.id)], limit=1
        )
        cls.today = fields.Date.context_today(cls.env["res.users"])
        cls.month_start = cls.today.replace(day=1)
        cls.invoicing_run = cls.env["contract.invoicing.run"].create(
            {"trigger": "wizard", "company_id": cls.company.id}
        )
        cls.picking = cls._delivered_picking()
        # Prepaid revenue deferred, recognised month by month.
        deferred = cls.env["account.account"].create(
            {
                "name": "Matrix Deferred Revenue",
                "code": "MXDEF",
                "account_type": "liability_current",
                "company_ids": [Command.set(cls.company.ids)],
            }
        )
        cls.company.write(
            {
                "sci_defer_prepaid_revenue": True,
                "sci_deferred_revenue_account_id": deferred.id,
            }
        )

    # === Fixtures (as superuser) ===

    @classmethod
    def _delivered_picking(cls):
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.goods.id,
                            "product_uom_qty": 2.0,
                            "price_unit": 10.0,
                            "tax_id": False,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        picking = order.picking_ids
        picking.move_ids.write({"quantity": 2.0, "picked": True})
        picking.button_validate()
        return picking

    def _contract(self, sign=True, open_=False, **values):
        contract = self.env["contract.contract"].create(
            {
                "name": "Matrix Contract",
                "partner_id": self.customer.id,
                "contract_type": "sale",
                "is_service_contract": True,
                "journal_id": self.journal.id,
                "date_start": self.month_start,
                "invoice_period": "month",
                **values,
                "cancel_reason": "Matrix",
                "contract_line_ids": [
                    Command.create(
                        {
                            "name": "Matrix line",
                            "product_id": self.product.id,
                            "uom_id": self.product.uom_id.id,
                            "price_unit": 30.0,
                            "automatic_price": False,
                        }
                    )
                ],
            }
        )
        if sign:
            contract.action_sign()
        if open_:
            contract.action_open_changes()
        return contract

    def _invoice(self, contract_invoice, state):
        """A contract invoice (or an ordinary one) in ``state``."""
        if contract_invoice:
            move = self._contract()._sci_create_service_invoice(self.today, self.today)
        else:
            move = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.customer.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": self.product.id, "price_unit": 30}
                        )
                    ],
                }
            )
        if state in ("posted", "cancel"):
            move.action_post()
        if state == "cancel":
            move.button_cancel()
        return move

    # === JSON-RPC ===

    def _call(self, model, method, args, kwargs=None):
        """Calls ``model.method`` as the authenticated user: (result, error
        class name or None)."""
        reply = call_kw(self, model, method, args, kwargs)
        self.env.invalidate_all()
        if "error" in reply:
            return None, reply["error"]["data"]["name"]
        return reply.get("result"), None

    def _calls(self, *calls):
        """Runs the calls in order, stopping at the first error."""
        result, error = None, None
        for call in calls:
            result, error = self._call(*call)
            if error:
                break
        return result, error

    # === Cells: (effect on company A's record, error) ===

    def _cell_create_quote(self):
        __, error = self._call(
            "contract.contract",
            "create",
            [
                {
                    "name": "Matrix Quote",
                    "partner_id": self.customer.id,
                    "contract_type": "sale",
                    "is_service_contract": True,
                    "company_id": self.company.id,
                    "journal_id": self.journal.id,
                }
            ],
        )
        created = self.env["contract.contract"].search_count(
            [("name", "=", "Matrix Quote")]
        )
        self.env["contract.contract"].search([("name", "=", "Matrix Quote")]).unlink()
        return bool(created), error

    def _cell_edit_quote(self):
        quote = self._contract(sign=False)
        __, error = self._call(
            "contract.contract", "write", [quote.ids, {"name": "Matrix Edited"}]
        )
        return quote.name == "Matrix Edited", error

    def _cell_sign(self):
        quote = self._contract(sign=False)
        __, error = self._call("contract.contract", "action_sign", [quote.ids])
        return quote.contract_state == "signed", error

    def _cell_open(self):
        contract = self._contract()
        __, error = self._call(
            "contract.contract", "action_open_changes", [contract.ids]
        )
        return contract.change_status == "open", error

    def _cell_lock(self):
        contract = self._contract(open_=True)
        __, error = self._call("contract.contract", "action_lock", [contract.ids])
        return contract.change_status == "locked", error

    def _cell_cancel_contract(self):
        contract = self._contract()
        __, error = self._call(
            "contract.contract", "action_cancel_contract", [contract.ids]
        )
        return contract.contract_state == "cancelled", error

    def _cell_invoice_one_contract(self):
        contract = self._contract()
        __, error = self._call(
            "contract.contract", "action_create_service_invoice", [contract.ids]
        )
        return bool(contract.contract_line_ids.last_date_invoiced), error

    def _cell_create_contract_invoices(self):
        contract = self._contract()
        today = fields.Date.to_string(self.today)
        wizard_id, error = self._call(
            "contract.invoice.create",
            "create",
            [
                {
                    "posting_date": today,
                    "invoice_to_date": today,
                    "contract_ids": [Command.set(contract.ids)],
                }
            ],
        )
        if not error:
            __, error = self._call("contract.invoice.create", "action_run", [wizard_id])
        return bool(contract.contract_line_ids.last_date_invoiced), error

    def _cell_see_runs(self):
        result, error = self._call(
            "contract.invoicing.run",
            "web_search_read",
            [],
            {"domain": [], "specification": {"name": {}}},
        )
        ids = [row["id"] for row in result["records"]] if result else []
        return self.invoicing_run.id in ids, error

    def _cell_get_shipment_lines(self):
        invoice = self.env["account.move"].create(
            {"move_type": "out_invoice", "partner_id": self.customer.id}
        )
        model = "service.shipment.line.select"
        context = {"default_invoice_id": invoice.id}
        action, error = self._call(
            "account.move", "action_sci_get_shipment_lines", [invoice.ids]
        )
        if not error:
            wizard_id, error = self._call(model, "create", [{}], {"context": context})
        if not error:
            __, error = self._calls(
                (model, "action_select_all", [wizard_id]),
                (model, "action_confirm", [wizard_id]),
            )
        effect = self.picking.move_ids in invoice.invoice_line_ids.sci_stock_move_ids
        invoice.unlink()
        return effect, error

    def _cell_consume_and_undo(self):
        contract = self._contract()
        self.picking.contract_id = contract
        result, error = self._call(
            "stock.picking", "action_mark_consumed", [self.picking.ids]
        )
        consumed = self.picking.sci_is_consumed
        if not error:
            __, error = self._call(
                "stock.picking", "action_undo_consumption", [self.picking.ids]
            )
        effect = consumed and not self.picking.sci_is_consumed
        self.picking.contract_id = False
        return effect, error

    def _cell_post_prepaid_entries(self):
        # A yearly prepaid contract started last month, invoiced and posted:
        # last month's revenue is due for recognition.
        contract = self._contract(
            invoice_period="year",
            date_start=fields.Date.subtract(self.month_start, months=1),
        )
        self.env["service.contract.invoicing"].run(
            contract, self.today, self.today, post=True
        )
        # Last month's and this month's revenue, recognised at this month's
        # end (an entry is dated the last day of its month, not before the
        # invoice's).
        month_end = fields.Date.end_of(self.today, "month")
        rows = self.env["contract.revenue.schedule"].search(
            [("contract_id", "=", contract.id), ("date", "<=", month_end)]
        )
        self.assertEqual(rows.mapped("state"), ["pending", "pending"])
        model = "contract.revenue.post"
        wizard_id, error = self._call(
            model, "create", [{"until_date": fields.Date.to_string(month_end)}]
        )
        if not error:
            __, error = self._call(model, "action_post", [wizard_id])
        return "pending" not in rows.mapped("state"), error

    def _cell_update_prices(self):
        contract = self._contract(
            sci_price_update_period=12, sci_next_price_update_date=self.today
        )
        model = "contract.price.update"
        wizard_id, error = self._call(
            model,
            "create",
            [
                {
                    "update_to_date": fields.Date.to_string(self.today),
                    "percent": 10.0,
                    "contract_ids": [Command.set(contract.ids)],
                }
            ],
        )
        if not error:
            __, error = self._call(model, "action_update_prices", [wizard_id])
        return contract.contract_line_ids.price_unit == 33.0, error

    def _cell_create_credit_memo(self):
        # A monthly contract invoiced for this month, then a line ended
        # before the month's end by its manager: what follows is credited.
        contract = self._contract()
        self.env["service.contract.invoicing"].run(
            contract, self.today, self.today, post=True
        )
        contract.action_open_changes()
        contract.contract_line_ids.date_end = self.month_start
        credit_notes = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", contract.name)]
        )
        __, error = self._call(
            "contract.contract", "action_create_credit_memo", [contract.ids]
        )
        after = self.env["account.move"].search_count(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", contract.name)]
        )
        self.env["account.move"].search(
            [("move_type", "=", "out_refund"), ("invoice_origin", "=", contract.name)]
        ).unlink()
        return after > credit_notes, error

    def _cell_settings(self):
        settings_id, error = self._call(
            "res.config.settings", "create", [{"sci_invoice_lead_days": 9}]
        )
        if not error:
            __, error = self._call("res.config.settings", "execute", [settings_id])
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("service_contract_invoicing.invoice_lead_days")
        )
        return value == "9", error

    def _invoice_cell(self, action, contract_invoice):
        state = {"cancel_invoice": "posted", "reset_invoice": "cancel"}.get(
            action, "draft"
        )
        move = self._invoice(contract_invoice, state)
        method = {
            "cancel_invoice": "button_cancel",
            "reset_invoice": "button_draft",
            "delete_invoice": "unlink",
        }[action]
        __, error = self._call("account.move", method, [move.ids])
        if action == "delete_invoice":
            return not move.exists(), error
        done = move.state == ("cancel" if action == "cancel_invoice" else "draft")
        if done and contract_invoice and action == "cancel_invoice":
            # The period was given back to the contract.
            done = not move.invoice_line_ids.contract_line_id.last_date_invoiced
        return done, error

    # === The matrix ===

    def test_rights_matrix(self):
        observed, expected, bad_errors = {}, {}, []
        for role in ROLES:
            user = self.users[role]
            self.authenticate(user.login, user.login)
            for action, allowed_roles in MATRIX.items():
                effect, error = getattr(self, f"_cell_{action}")()
                observed[role, action] = effect
                expected[role, action] = role in allowed_roles
                # Refused: an error in words; a user of another company may
                # also just find nothing of company A's.
                if not effect and error not in REFUSALS and role != "other_company":
                    bad_errors.append((role, action, error))
            for action in INVOICE_ACTIONS:
                odoo_effect, odoo_error = self._invoice_cell(action, False)
                effect, error = self._invoice_cell(action, True)
                observed[role, action] = effect
                # As Odoo allows the same on an ordinary invoice.
                expected[role, action] = odoo_effect
                if not effect and error not in REFUSALS:
                    bad_errors.append((role, action, error))
        mismatches = [
            (role, action, observed[role, action])
            for role, action in expected
            if observed[role, action] != expected[role, action]
        ]
        self.assertEqual(mismatches, [])
        self.assertEqual(bad_errors, [])
        self.assertEqual(
            len(observed), len(ROLES) * (len(MATRIX) + len(INVOICE_ACTIONS))
        )
        # Odoo lets Billing users (and those who include them) cancel, reset
        # and delete invoices: so they may for contract invoices.
        for role in ("billing", "service_user", "service_manager", "accountant"):
            for action in INVOICE_ACTIONS:
                self.assertTrue(observed[role, action], (role, action))
        # The matrix as docs/rights.md states it, for the record.
        self.assertFalse(observed["portal", "delete_invoice"])
        self.assertFalse(observed["sales", "cancel_invoice"])
        self.assertFalse(observed["other_company", "cancel_invoice"])
