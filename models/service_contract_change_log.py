# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Contract Change Log (Business Central): one read-only row per change of a
service contract's header field, per line added, changed or removed, and per
status action (Sign, Open, Lock, Cancel).

Rows are written by contract.contract / contract.line create, write and unlink
themselves (see contract_contract.py and contract_line.py), so any code that
changes a service contract, now or later, is logged. Nobody creates, changes
or deletes a row by hand, administrators included.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from odoo import api, fields, models

from .trusted_context import Trusted

# The option of the addon's own logging (_sci_log), as the ledger's: a
# Trusted value, which no JSON-RPC client can make.
LOG_WRITE_KEY = "sci_change_log_write"
# (model, id) of the records whose write is being logged: the writes an
# inverse or an override makes inside it (Unit Price -> Specific Price,
# Invoice Period -> recurrence) are part of the change already logged.
_IN_LOGGED_WRITE = ContextVar("sci_change_log_in_write", default=frozenset())

CHANGE_KINDS = [
    ("header", "Header Changed"),
    ("line_added", "Line Added"),
    ("line_changed", "Line Changed"),
    ("line_removed", "Line Removed"),
    ("sign", "Signed"),
    ("open", "Opened"),
    ("lock", "Locked"),
    ("cancel", "Cancelled"),
]


def is_logged_field(field):
    """Whether the change log records changes of ``field``: what a user or
    code sets (stored, or computed with an inverse like OCA's Unit Price),
    not one2many fields (their records log themselves), related fields nor
    the ORM's own columns."""
    return (
        field.type != "one2many"
        and not field.related
        and (field.store or bool(field.inverse))
        and field.name not in models.MAGIC_COLUMNS
    )


def in_logged_write(records):
    """Whether a write of ``records`` happens inside a logged write of them."""
    keys = _IN_LOGGED_WRITE.get()
    return any((records._name, record_id) in keys for record_id in records.ids)


@contextmanager
def logged_write(records):
    """Mark the writes of ``records`` in this block as logged already."""
    token = _IN_LOGGED_WRITE.set(
        _IN_LOGGED_WRITE.get()
        | {(records._name, record_id) for record_id in records.ids}
    )
    try:
        yield
    finally:
        _IN_LOGGED_WRITE.reset(token)


class ServiceContractChangeLog(models.Model):
    _name = "service.contract.change.log"
    _inherit = ["service.append.only.mixin"]
    _sci_write_key = LOG_WRITE_KEY
    _description = "Contract Change Log"
    _order = "change_date desc, id desc"
    _rec_name = "contract_id"

    contract_id = fields.Many2one(
        comodel_name="contract.contract",
        string="Contract",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        related="contract_id.partner_id", string="Customer", store=True
    )
    company_id = fields.Many2one(
        related="contract_id.company_id", store=True, index=True
    )
    contract_line_id = fields.Many2one(
        comodel_name="contract.line",
        string="Contract Line",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    line_description = fields.Char(
        readonly=True,
        help="The contract line's product and description at the time of the "
        "change (kept when the line is removed).",
    )
    change_kind = fields.Selection(
        selection=CHANGE_KINDS, string="Type of Change", required=True, readonly=True
    )
    field_id = fields.Many2one(
        comodel_name="ir.model.fields",
        string="Field",
        readonly=True,
        ondelete="set null",
    )
    field_label = fields.Char(string="Field Name", readonly=True)
    old_value = fields.Char(readonly=True)
    new_value = fields.Char(readonly=True)
    user_id = fields.Many2one(
        comodel_name="res.users", string="Changed by", required=True, readonly=True
    )
    change_date = fields.Datetime(
        string="Date and Time", required=True, readonly=True, index=True
    )

    # === Append only (service.append.only.mixin) ===

    def _sci_append_only_message(self):
        return self.env._(
            "The contract change log is written when service contracts "
            "change; its rows cannot be created, changed or deleted."
        )

    @api.model
    def _sci_log(self, vals_list):
        """Create change log rows: the only way rows are written."""
        if not vals_list:
            return self.browse()
        now = fields.Datetime.now()
        user = self.env.user
        for vals in vals_list:
            vals.setdefault("change_date", now)
            vals.setdefault("user_id", user.id)
        # The log writes itself whoever changes the contract: users have read
        # access only (and the ACL refuses them create).
        return self.sudo().with_context(**{LOG_WRITE_KEY: Trusted()}).create(vals_list)

    @api.model
    def _sci_value_text(self, record, field_name):
        """``record[field_name]`` as a user reads it, for old/new values."""
        field = record._fields[field_name]
        value = record[field_name]
        if field.type in ("many2one", "many2many", "one2many"):
            # The names of what is linked, whoever may read it.
            return ", ".join(value.sudo().mapped("display_name")) or ""
        if field.type == "selection":
            return dict(field._description_selection(self.env)).get(value, "") or ""
        if field.type == "boolean":
            return self.env._("Yes") if value else self.env._("No")
        if field.type == "date":
            return fields.Date.to_string(value) if value else ""
        if field.type == "datetime":
            return fields.Datetime.to_string(value) if value else ""
        if value is False or value is None:
            return ""
        return str(value)

    @api.model
    def _sci_field(self, model_name, field_name):
        return self.env["ir.model.fields"].sudo()._get(model_name, field_name)
