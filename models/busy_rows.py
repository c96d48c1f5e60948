# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The rows an invoice invoices (shipment moves, delivered order lines),
locked while it is posted, and the message when another user holds them
(see ``account.move._sci_lock_invoiced_sources``)."""

from odoo.tools import SQL


def lock_rows(records):
    """Lock the rows of ``records`` until the end of the transaction, in id
    order, waiting for a transaction that holds them."""
    if records.ids:
        records.env.cr.execute(
            SQL(
                "SELECT id FROM %s WHERE id IN %s ORDER BY id FOR UPDATE",
                SQL.identifier(records._table),
                tuple(records.ids),
            )
        )


def busy_message(env, what):
    """Why an invoice of ``what`` (the words naming the row: shipment and
    product, order and service) cannot be posted now: another transaction
    invoiced it since this one began."""
    return env._(
        "%(what)s is being invoiced by another user right now: post again in "
        "a moment.",
        what=what,
    )
