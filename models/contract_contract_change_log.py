# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""contract.contract: the Contract Change Log of service contracts.

Kept apart from contract_contract.py: create/write/unlink here wrap every
other override of the addon, so whatever code changes a service contract
(a user, a status action, a price update, a credit memo) is logged the same
way, after the change has passed every check."""

from contextvars import ContextVar

from odoo import api, fields, models

from .service_contract_change_log import in_logged_write, is_logged_field, logged_write

# Contracts or lines being created, and contracts being deleted, by this
# process right now: what a create writes (the lines of a new contract, the
# values the create's inverses and defaults set) is no change of an existing
# contract; the lines deleted with a contract go with its log. Context
# variables, not context keys, so that no client can switch the log off.
CREATING = ContextVar("sci_change_log_creating", default=False)
DELETING_CONTRACT_IDS = ContextVar("sci_deleting_contract_ids", default=frozenset())

# What the log never records: bookkeeping written by invoicing and the
# chatter, and the one2many of the lines (logged line by line).
IGNORED_CONTRACT_FIELDS = {
    "contract_line_ids",
    "contract_line_fixed_ids",
    "signed_date",
    "annual_amount_target",
    "message_main_attachment_id",
}
# Status actions: (field, new value) -> kind of change.
STATUS_KINDS = {
    ("contract_state", "signed"): "sign",
    ("contract_state", "cancelled"): "cancel",
    ("change_status", "open"): "open",
    ("change_status", "locked"): "lock",
}


class ContractContract(models.Model):
    _inherit = "contract.contract"

    sci_change_log_count = fields.Integer(
        string="Change Log Rows",
        compute="_compute_sci_change_log_count",
        groups="service_contract_invoicing.group_service_contract_user",
    )

    def _compute_sci_change_log_count(self):
        counts = dict(
            self.env["service.contract.change.log"]._read_group(
                [("contract_id", "in", self.ids)], ["contract_id"], ["__count"]
            )
        )
        for contract in self:
            contract.sci_change_log_count = counts.get(contract, 0)

    def action_view_sci_change_log(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "service_contract_invoicing.service_contract_change_log_action"
        )
        action["domain"] = [("contract_id", "=", self.id)]
        action["context"] = {}
        return action

    # === What is logged ===

    @api.model
    def _sci_change_log_fields(self, field_names):
        """The fields of ``field_names`` the change log records: stored
        fields a user or code sets, not the lines nor bookkeeping."""
        return [
            name
            for name in field_names
            if name in self._fields
            and is_logged_field(self._fields[name])
            and name not in IGNORED_CONTRACT_FIELDS
        ]

    def _sci_change_log_candidates(self, vals):
        """The contracts of this write that are (or become) service
        contracts."""
        becomes_service = bool(vals.get("is_service_contract"))
        return self.filtered(
            lambda c: c.contract_type == "sale"
            and (c.is_service_contract or becomes_service)
        )

    def _sci_change_log_kind(self, field_name, new_value, vals):
        kind = STATUS_KINDS.get((field_name, new_value), "header")
        if field_name == "change_status" and "contract_state" in vals:
            # Signing locks the contract: one row, Signed.
            return None
        return kind

    # === CRUD ===

    @api.model_create_multi
    def create(self, vals_list):
        token = CREATING.set(True)
        try:
            return super().create(vals_list)
        finally:
            CREATING.reset(token)

    def write(self, vals):
        names = self._sci_change_log_fields(vals)
        candidates = (
            self._sci_change_log_candidates(vals)
            if names and not in_logged_write(self) and not CREATING.get()
            else self.browse()
        )
        if not candidates:
            return super().write(vals)
        Log = self.env["service.contract.change.log"]
        old = {
            (contract.id, name): Log._sci_value_text(contract, name)
            for contract in candidates
            for name in names
        }
        with logged_write(self):
            res = super().write(vals)
        rows = []
        for contract in candidates._sci_service_contracts():
            for name in names:
                new_text = Log._sci_value_text(contract, name)
                if new_text == old[contract.id, name]:
                    continue
                kind = contract._sci_change_log_kind(name, contract[name], vals)
                if not kind:
                    continue
                rows.append(
                    {
                        "contract_id": contract.id,
                        "change_kind": kind,
                        "field_id": Log._sci_field(self._name, name).id,
                        "field_label": self._fields[name]._description_string(self.env),
                        "old_value": old[contract.id, name],
                        "new_value": new_text,
                    }
                )
        Log._sci_log(rows)
        return res

    def unlink(self):
        token = DELETING_CONTRACT_IDS.set(
            DELETING_CONTRACT_IDS.get() | frozenset(self.ids)
        )
        try:
            return super().unlink()
        finally:
            DELETING_CONTRACT_IDS.reset(token)
