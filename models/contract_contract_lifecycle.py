# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
# Service contracts: sign, open, lock, cancel (status writes and the checks
# of who may do them).

from markupsafe import Markup
from psycopg2.errors import LockNotAvailable

from odoo import fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from .trusted_context import Trusted


class ContractContract(models.Model):
    _inherit = "contract.contract"

    # === Status actions ===

    def _sci_missing_for_signing(self):
        """What invoicing needs and this contract lacks, as readable labels."""
        self.ensure_one()
        missing = []
        if not self.partner_id:
            missing.append(self.env._("a customer"))
        lines = self.contract_line_ids.filtered(
            lambda line: not line.display_type and not line.is_canceled
        )
        if not lines:
            missing.append(self.env._("at least one contract line"))
        if not self.invoice_period:
            missing.append(self.env._("an invoice period"))
        if not self.date_start:
            missing.append(self.env._("a start date"))
        for line in lines:
            if not line._sci_has_income_account():
                missing.append(
                    self.env._(
                        "an income account for %(product)s (on the product, its "
                        "category, or the journal)",
                        product=line.product_id.display_name or line.name,
                    )
                )
        return missing

    def _sci_check_manager(self):
        if not self.env.user.has_group(
            "service_contract_invoicing.group_service_contract_manager"
        ):
            raise AccessError(
                self.env._(
                    "Only a Service Contract Manager can sign, open, lock or "
                    "cancel contracts (%(contracts)s).",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )
        # And only contracts of the manager's companies (record rules).
        self.check_access("write")

    def _sci_check_invoicing_user(self):
        """Invoicing a service contract (one contract, a batch, OCA's paths
        into the engine) is for Service Contract Users of the contract's
        company; the engine then writes the invoiced dates as superuser."""
        if not self.env.su and not self.env.user.has_group(
            "service_contract_invoicing.group_service_contract_user"
        ):
            raise AccessError(
                self.env._(
                    "Only a Service Contract User can invoice service contracts "
                    "(%(contracts)s).",
                    contracts=", ".join(self.mapped("display_name")),
                )
            )
        self.check_access("read")

    def _sci_check_service(self):
        """Sign, open, lock and cancel belong to service contracts only."""
        for contract in self - self._sci_service_contracts():
            raise UserError(
                self.env._(
                    "Contract %(contract)s is not a service contract: it follows "
                    "OCA's rules and is not signed, locked or cancelled. Tick "
                    "Service Contract while it is a quote to use them.",
                    contract=contract.display_name,
                )
            )

    def action_sign(self):
        self._sci_check_manager()
        self._sci_check_service()
        for contract in self:
            if contract.contract_state != "draft":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is not a quote and cannot be signed.",
                        contract=contract.display_name,
                    )
                )
            missing = contract._sci_missing_for_signing()
            if missing:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s cannot be signed: it needs %(what)s.",
                        contract=contract.display_name,
                        what="; ".join(missing),
                    )
                )
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write(
            {
                "contract_state": "signed",
                "change_status": "locked",
                "signed_date": fields.Date.context_today(self),
            }
        )
        return True

    def action_cancel_contract(self):
        self._sci_check_manager()
        self._sci_check_service()
        for contract in self:
            if contract.contract_state == "cancelled":
                continue
            if not (contract.cancel_reason or "").strip():
                raise UserError(
                    self.env._(
                        "Contract %(contract)s: fill in the Cancellation Reason "
                        "before cancelling it.",
                        contract=contract.display_name,
                    )
                )
            contract.message_post(
                body=Markup("%s<br/>%s")
                % (self.env._("Contract cancelled."), contract.cancel_reason)
            )
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"contract_state": "cancelled"})
        self._sci_shrink_on_cancel()
        return True

    def _sci_lock_rows_nowait(self):
        """Row-lock these contracts, failing at once if another transaction
        holds them: two users opening/locking the same contract get a clear
        error instead of a silent overwrite."""
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        "SELECT id FROM contract_contract WHERE id IN %s "
                        "FOR UPDATE NOWAIT",
                        tuple(self.ids),
                    )
                )
        except LockNotAvailable as error:
            raise UserError(
                self.env._(
                    "%(contracts)s is being changed by another user right now. "
                    "Reload the contract and try again.",
                    contracts=", ".join(self.mapped("display_name")),
                )
            ) from error
        # Read what the database holds now, not what the form showed.
        self.invalidate_recordset(["change_status", "contract_state"])

    def _sci_set_change_status(self, new_status):
        self._sci_check_manager()
        self._sci_check_service()
        self.flush_recordset()
        self._sci_lock_rows_nowait()
        for contract in self:
            if contract.contract_state != "signed":
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is not signed: only signed "
                        "contracts are opened and locked.",
                        contract=contract.display_name,
                    )
                )
            if contract.change_status == new_status:
                raise UserError(
                    self.env._(
                        "Contract %(contract)s is already %(status)s, changed by "
                        "%(user)s. Reload the contract.",
                        contract=contract.display_name,
                        status=dict(
                            self._fields["change_status"]._description_selection(
                                self.env
                            )
                        )[new_status],
                        user=contract.write_uid.name,
                    )
                )
        self.with_context(
            sci_skip_lock_check=Trusted(), sci_status_write=Trusted()
        ).write({"change_status": new_status})
        body = (
            self.env._(
                "Contract opened for changes by %(user)s.", user=self.env.user.name
            )
            if new_status == "open"
            else self.env._("Contract locked by %(user)s.", user=self.env.user.name)
        )
        for contract in self:
            contract.message_post(body=body)
        return True

    def action_open_changes(self):
        return self._sci_set_change_status("open")

    def action_lock(self):
        return self._sci_set_change_status("locked")
