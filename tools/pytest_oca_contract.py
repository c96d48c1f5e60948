# Copyright 2026 Service Contract Invoicing contributors
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""pytest plugin: OCA contract's own tests, run by tools/test with the addon
installed, minus those deselected here, each with the reason. The README lists
them ("OCA's tests that do not apply")."""

OCA_TESTS = "odoo.addons.contract.tests."

# test id (module.Class.method under odoo.addons.contract.tests) -> reason
DESELECTED = {}


def _test_id(item):
    module = getattr(item.module, "__name__", "")
    if not module.startswith(OCA_TESTS) or item.cls is None:
        return None
    return f"{module[len(OCA_TESTS) :]}.{item.cls.__name__}.{item.name}"


def pytest_collection_modifyitems(config, items):
    kept, deselected = [], []
    for item in items:
        (deselected if _test_id(item) in DESELECTED else kept).append(item)
    if deselected:
        config.hook.pytest_deselected(items=deselected)
        items[:] = kept


def pytest_terminal_summary(terminalreporter):
    ids = [test_id for test_id in DESELECTED]
    if ids:
        terminalreporter.write_sep("-", f"{len(ids)} OCA contract tests deselected")
        for test_id in ids:
            terminalreporter.write_line(f"{test_id}: {DESELECTED[test_id]}")
