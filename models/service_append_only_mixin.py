# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models
from odoo.exceptions import UserError

from .trusted_context import trusted_option


class ServiceAppendOnlyMixin(models.AbstractModel):
    """Rows that only the addon's own code writes, under a ``Trusted``
    context key (see trusted_context): never created, changed nor deleted by
    hand, by an administrator or over JSON-RPC (the service ledger, the
    contract change log)."""

    _name = "service.append.only.mixin"
    _description = "Append-only Rows of Service Contract Invoicing"

    # The context key under which the addon's code writes the rows.
    _sci_write_key = None

    @api.model_create_multi
    def create(self, vals_list):
        self._sci_check_append_only()
        return super().create(vals_list)

    def write(self, vals):
        self._sci_check_append_only()
        return super().write(vals)

    def unlink(self):
        self._sci_check_append_only()
        return super().unlink()

    def _sci_check_append_only(self):
        if not trusted_option(self.env, self._sci_write_key):
            raise UserError(self._sci_append_only_message())

    def _sci_append_only_message(self):
        """What the user is told instead, and what to do."""
        return self.env._("These rows are written by Service Contract Invoicing only.")
