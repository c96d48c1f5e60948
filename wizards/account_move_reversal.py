# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

from odoo import models


class AccountMoveReversal(models.TransientModel):
    _inherit = "account.move.reversal"

    def reverse_moves(self, is_modify=False):
        # Reverse and create invoice: the credit note cancels the invoice,
        # the new draft replaces it. Its contract lines take over the
        # periods of the lines they copy, so that each period stays invoiced
        # once (the database index) and its ledger entry has its period.
        originals = self.move_ids.filtered(lambda move: move.move_type == "out_invoice")
        action = super().reverse_moves(is_modify=is_modify)
        if is_modify and originals:
            new_moves = self.new_move_ids.filtered(
                lambda move: move.move_type == "out_invoice"
            )
            originals.invoice_line_ids._sci_move_periods_to(new_moves.invoice_line_ids)
        return action
