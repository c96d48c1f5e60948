# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Options that only the addon's own server code can give.

Odoo's context comes from the client: over JSON-RPC any logged-in user puts
any key in it. An option that changes what is invoiced, when, at which date or
which check applies is therefore never read from a plain context key. Where the
addon must pass such an option through a method of Odoo or OCA that it extends
(``write``, ``button_cancel``, OCA's ``_get_period_to_invoice``...), it puts a
:class:`Trusted` value in the context: JSON carries no Python instance, so no
client can make one, and a plain value under the same key is ignored.
"""


class Trusted:
    """A context value set by server code, never by a client."""

    __slots__ = ("value",)

    def __init__(self, value=True):
        self.value = value

    def __repr__(self):
        return f"Trusted({self.value!r})"


def trusted_option(env, key, default=None):
    """The value the addon's own code gave ``key`` in ``env``'s context, or
    ``default`` when the key is absent or was set by a client."""
    value = env.context.get(key)
    return value.value if isinstance(value, Trusted) else default
