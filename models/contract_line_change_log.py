# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""contract.line: the Contract Change Log rows of service contract lines
(added, changed, removed); see contract_contract_change_log.py."""

from odoo import api, models

from .contract_contract_change_log import CREATING, DELETING_CONTRACT_IDS
from .service_contract_change_log import in_logged_write, is_logged_field, logged_write

# Invoicing moves these forward by itself: not a change of the contract.
IGNORED_LINE_FIELDS = {
    "last_date_invoiced",
    "sequence",
}


class ContractLine(models.Model):
    _inherit = "contract.line"

    def _sci_change_log_lines(self):
        """The lines of service contracts among these."""
        return self.filtered(lambda line: line.contract_id._sci_service_contracts())

    def _sci_change_log_description(self):
        """The line as the log names it: product, quantity, price."""
        self.ensure_one()
        if self.display_type:
            return self.name or ""
        return self.env._(
            "%(name)s, %(quantity)s x %(price)s",
            name=self.product_id.display_name or self.name or "",
            quantity=self.quantity,
            price=self.price_unit,
        )

    @api.model
    def _sci_change_log_fields(self, field_names):
        return [
            name
            for name in field_names
            if name in self._fields
            and is_logged_field(self._fields[name])
            and name not in IGNORED_LINE_FIELDS
        ]

    @api.model_create_multi
    def create(self, vals_list):
        creating = CREATING.get()
        token = CREATING.set(True)
        try:
            lines = super().create(vals_list)
        finally:
            CREATING.reset(token)
        if not creating:
            self.env["service.contract.change.log"]._sci_log(
                [
                    {
                        "contract_id": line.contract_id.id,
                        "contract_line_id": line.id,
                        "line_description": line._sci_change_log_description(),
                        "change_kind": "line_added",
                        "new_value": line._sci_change_log_description(),
                    }
                    for line in lines._sci_change_log_lines()
                ]
            )
        return lines

    def write(self, vals):
        names = self._sci_change_log_fields(vals)
        lines = (
            self._sci_change_log_lines()
            if names and not in_logged_write(self) and not CREATING.get()
            else self.browse()
        )
        if not lines:
            return super().write(vals)
        Log = self.env["service.contract.change.log"]
        old = {
            (line.id, name): Log._sci_value_text(line, name)
            for line in lines
            for name in names
        }
        with logged_write(self):
            res = super().write(vals)
        rows = []
        for line in lines:
            for name in names:
                new_text = Log._sci_value_text(line, name)
                if new_text == old[line.id, name]:
                    continue
                rows.append(
                    {
                        "contract_id": line.contract_id.id,
                        "contract_line_id": line.id,
                        "line_description": line._sci_change_log_description(),
                        "change_kind": "line_changed",
                        "field_id": Log._sci_field(self._name, name).id,
                        "field_label": self._fields[name]._description_string(self.env),
                        "old_value": old[line.id, name],
                        "new_value": new_text,
                    }
                )
        Log._sci_log(rows)
        return res

    def unlink(self):
        deleting = DELETING_CONTRACT_IDS.get()
        rows = [
            {
                "contract_id": line.contract_id.id,
                "line_description": line._sci_change_log_description(),
                "change_kind": "line_removed",
                "old_value": line._sci_change_log_description(),
            }
            for line in self._sci_change_log_lines()
            if line.contract_id.id not in deleting
        ]
        res = super().unlink()
        self.env["service.contract.change.log"]._sci_log(rows)
        return res
