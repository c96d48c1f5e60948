# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Splitting an amount exactly: one rule for every share the addon computes
(a contract line's part of the invoice line carrying its contract's amount,
an annual amount spread over lines, a deferral over months, a credit over a
schedule)."""


def split_amount(total, weights, currency):
    """``total`` split in proportion of ``weights`` (numbers or fractions),
    each part rounded to ``currency``, the difference on the last part: the
    parts add up to ``total`` exactly. Equal parts when the weights add up to
    zero."""
    if not weights:
        return []
    weight_total = sum(weights)
    if not weight_total:
        weights, weight_total = [1] * len(weights), len(weights)
    parts = [
        currency.round(float(total * weight / weight_total)) for weight in weights[:-1]
    ]
    return parts + [currency.round(total - sum(parts))]
