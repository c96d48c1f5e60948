# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Service contracts: the bridge from OCA's invoicing entry points to the
# engine (service.contract.invoicing).
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import format_date

from .trusted_context import Trusted, trusted_option

_logger = logging.getLogger(__name__)


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Invoicing ===

    def _sci_shows_contract_lines(self):
        """Whether this contract's invoices show a line per contract line
        (Contract Lines on Invoice); OCA's other contracts always do."""
        self.ensure_one()
        return self.sci_contract_lines_on_invoice or not self._sci_service_contracts()

    def _compute_sci_has_period_gaps(self):
        gaps = self.env["service.contract.invoicing"]._period_gaps(
            self.contract_line_ids
        )
        with_gaps = {line.contract_id for line, __, __ in gaps}
        for contract in self:
            contract.sci_has_period_gaps = contract in with_gaps

    def _search_sci_has_period_gaps(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("Operation not supported"))
        gaps = self.env["service.contract.invoicing"]._period_gaps_all()
        ids = list({line.contract_id.id for line, __, __ in gaps})
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    def _sci_not_invoiceable_reason(self):
        """Why the engine never invoices this contract by period, or '' when
        it does."""
        self.ensure_one()
        if not self._sci_service_contracts():
            return self.env._("not a service contract (invoiced with OCA's rules)")
        if self.contract_state == "cancelled":
            return self.env._("cancelled")
        if self.contract_state != "signed":
            return self.env._("not signed")
        if self.change_status == "open":
            return self.env._("change status is Open")
        if self.invoice_period == "none":
            return self.env._("invoice period is None")
        return ""

    @api.model
    def _sci_invoiceable_domain(self):
        """The contracts the engine invoices (see _sci_not_invoiceable_reason)."""
        return self._sci_service_domain() + [
            ("contract_state", "=", "signed"),
            ("change_status", "=", "locked"),
            ("invoice_period", "!=", "none"),
        ]

    @api.model
    def _sci_oca_rules_domain(self):
        """The contracts that keep OCA's rules: every one but service contracts."""
        return ["!", "&", *self._sci_service_domain()]

    @api.model
    def _get_contracts_to_invoice_domain(self, date_ref=None):
        # OCA's cron and manual wizard: contracts with OCA's rules as OCA
        # selects them, and the service contracts the engine would invoice.
        # With sci_oca_rules_only (scheduled actions), only the former: the
        # engine selects service contracts itself.
        domain = super()._get_contracts_to_invoice_domain(date_ref)
        if trusted_option(self.env, "sci_oca_rules_only"):
            return expression.AND([domain, self._sci_oca_rules_domain()])
        return expression.AND(
            [
                domain,
                expression.OR(
                    [self._sci_oca_rules_domain(), self._sci_invoiceable_domain()]
                ),
            ]
        )

    @api.model
    def _cron_recurring_create(self, date_ref=False, create_type="invoice"):
        # OCA's scheduled action, should someone activate it again: service
        # contracts are invoiced by the engine exactly as Create Contract
        # Invoices does (it skips what another run holds or already invoiced),
        # then OCA invoices the other contracts with its own rules.
        if create_type == "invoice" and not trusted_option(
            self.env, "sci_oca_rules_only"
        ):
            self.env["service.contract.invoicing"]._cron_create_invoices(
                invoice_oca_contracts=False
            )
        return super(
            ContractContract, self.with_context(sci_oca_rules_only=Trusted())
        )._cron_recurring_create(date_ref, create_type)

    @api.model
    def _sci_cron_invoice_oca_contracts(self):
        """Run OCA's own invoicing for the contracts that keep OCA's rules
        (called by Create Contract Invoices' scheduled action, the only active
        one)."""
        return self.with_context(
            sci_oca_rules_only=Trusted()
        ).cron_recurring_create_invoice()

    def _recurring_create_invoice(self, date_ref=False):
        # OCA's invoicing entry for a batch of contracts: service contracts go
        # through the engine (posting date and invoice-to date: date_ref or
        # today); the others keep OCA's code and rules.
        service = self._sci_service_contracts()
        moves = self.env["account.move"]
        if self - service:
            moves |= super(ContractContract, self - service)._recurring_create_invoice(
                date_ref
            )
        if service:
            service._sci_check_invoicing_user()
            day = self.env["service.contract.invoicing"]._to_date(
                date_ref
            ) or fields.Date.context_today(self)
            result = self.env["service.contract.invoicing"].run(
                service, posting_date=day, invoice_to_date=day, combine=True
            )
            for contract, message in result.failures:
                _logger.warning(
                    "Contract %s not invoiced: %s", contract.display_name, message
                )
            moves |= result.moves
        return moves

    def _add_contract_origin(self, invoices):
        # Within the engine's steps after creating a batch of invoices: the
        # message naming the contract on each invoice, as OCA's, logged for
        # the whole batch at once instead of one message_post per invoice
        # (a seventh of the time of a run). Invoices have no follower yet at
        # this point: message_post would notify nobody either.
        if not trusted_option(self.env, "sci_invoices_by_contract"):
            return super()._add_contract_origin(invoices)
        bodies = defaultdict(list)
        for contract in self:
            link = contract._get_html_link(title=contract.display_name)
            for move in invoices & contract._get_related_invoices():
                bodies[move.id].append(
                    Markup("%s %s %s.")
                    % (move._creation_message(), self.env._("by contract"), link)
                )
        # A combined invoice gets one message per contract, as with OCA.
        for index in range(max(map(len, bodies.values()), default=0)):
            round_bodies = {
                move_id: texts[index]
                for move_id, texts in bodies.items()
                if len(texts) > index
            }
            invoices.browse(list(round_bodies))._message_log_batch(round_bodies)

    def _prepare_invoice(self, date_invoice, journal=None):
        # A service contract's invoices round their total as the contract
        # says (Odoo's cash rounding, which OCA's contract does not know).
        vals = super()._prepare_invoice(date_invoice, journal=journal)
        if self._sci_service_contracts() and self.cash_rounding_id:
            vals["invoice_cash_rounding_id"] = self.cash_rounding_id.id
        return vals

    def _get_related_invoices(self):
        # Within the engine's steps after creating invoices (OCA's
        # _add_contract_origin, _invoice_followers), which only act on the
        # invoices just created, those are given: no search of every invoice
        # line of each contract.
        invoices_by_contract = trusted_option(self.env, "sci_invoices_by_contract")
        if invoices_by_contract and self.id in invoices_by_contract:
            return self.env["account.move"].browse(invoices_by_contract[self.id])
        return super()._get_related_invoices()

    def recurring_create_invoice(self):
        # OCA's Create invoices button (hidden on service contracts) and its
        # manual wizard: a service contract is invoiced as Create Service
        # Invoice does; the wizard's invoice date is the posting date.
        self.ensure_one()
        if not self._sci_service_contracts():
            return super().recurring_create_invoice()
        posting_date = trusted_option(self.env, "sci_posting_date")
        if posting_date:
            return self._sci_create_service_invoice(posting_date, posting_date)
        today = fields.Date.context_today(self)
        return self._sci_create_service_invoice(today, today)

    def _sci_create_service_invoice(self, posting_date, invoice_to_date):
        """Invoice this service contract for every period due up to
        invoice_to_date, dated posting_date; raise UserError saying why when
        nothing can be invoiced."""
        self.ensure_one()
        self._sci_check_invoicing_user()
        reason = self._sci_not_invoiceable_reason()
        if reason:
            raise UserError(
                self.env._(
                    "Contract %(contract)s cannot be invoiced: %(reason)s.",
                    contract=self.display_name,
                    reason=reason,
                )
            )
        if not self.recurring_next_date or self.recurring_next_date > invoice_to_date:
            raise UserError(
                self.env._(
                    "Contract %(contract)s is not due: its next invoice date "
                    "%(date)s is after the working date %(today)s.",
                    contract=self.display_name,
                    date=format_date(self.env, self.recurring_next_date)
                    or self.env._("(none)"),
                    today=format_date(self.env, invoice_to_date),
                )
            )
        result = self.env["service.contract.invoicing"].run(
            self, posting_date=posting_date, invoice_to_date=invoice_to_date
        )
        if result.failures:
            raise UserError(result.failures[0][1])
        if not result.moves:
            raise UserError(
                self.env._(
                    "Contract %(contract)s: nothing was invoiced (%(reason)s).",
                    contract=self.display_name,
                    reason="; ".join(reason for __, reason in result.skipped)
                    or self.env._("no period due"),
                )
            )
        for move in result.moves:
            # A Service Contract User invoices contracts they can only read.
            self.sudo().message_post(
                body=Markup(self.env._("Service invoice created: %(link)s"))
                % {"link": move._get_html_link(title=move.name or move.display_name)}
            )
        return result.moves

    def action_create_service_invoice(self):
        """Create Service Invoice: invoice this contract for every period whose
        invoice date is reached, i.e. on or before the working date (Business
        Central: in arrears, once the period's last day is reached)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        moves = self._sci_create_service_invoice(today, today)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        action.update(
            {
                "views": [(self.env.ref("account.view_move_form").id, "form")],
                "res_id": moves[:1].id,
                "domain": [("id", "in", moves.ids)],
            }
        )
        return action
