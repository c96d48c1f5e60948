"""OCA's oca-checks-odoo-module, for an addon that is a repository root.

The hook finds each file's module by walking up to its __manifest__.py, but
stops below the git top folder, so it never finds a manifest at the root and
then checks nothing, silently. Files without a module are given to the root's
manifest here; everything else is the hook itself (same arguments, output and
exit status).
"""

import os
import sys

from oca_pre_commit_hooks import checks_odoo_module, cli

ROOT_MANIFEST = os.path.realpath(
    os.path.join(os.path.dirname(__file__), "..", "__manifest__.py")
)
_lookup_manifest_paths = checks_odoo_module.lookup_manifest_paths


def lookup_manifest_paths(filenames_or_modules):
    found = _lookup_manifest_paths(filenames_or_modules)
    orphans = found.pop(None, set())
    if orphans:
        found[ROOT_MANIFEST] |= orphans
    return found


if __name__ == "__main__":
    checks_odoo_module.lookup_manifest_paths = lookup_manifest_paths
    sys.exit(cli.main())
