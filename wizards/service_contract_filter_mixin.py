# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models


class ServiceContractFilterMixin(models.AbstractModel):
    """The filters of the batch wizards on service contracts (Create Contract
    Invoices, Update Contract Prices): customers, contracts and tags."""

    _name = "service.contract.filter.mixin"
    _description = "Service Contract Filters"

    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        help="Only contracts of these customers (and their contacts).",
    )
    contract_ids = fields.Many2many(
        comodel_name="contract.contract",
        string="Contracts",
        domain="[('contract_type', '=', 'sale'), ('is_service_contract', '=', True)]",
    )
    tag_ids = fields.Many2many(comodel_name="contract.tag", string="Contract Tags")

    def _sci_filter_domain(self):
        """The domain of the filters set (none: every contract)."""
        self.ensure_one()
        domain = []
        if self.partner_ids:
            domain.append(("partner_id", "child_of", self.partner_ids.ids))
        if self.contract_ids:
            domain.append(("id", "in", self.contract_ids.ids))
        if self.tag_ids:
            domain.append(("tag_ids", "in", self.tag_ids.ids))
        return domain
