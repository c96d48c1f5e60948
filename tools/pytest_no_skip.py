"""pytest plugin: a skipped test fails the run.

Odoo skips every browser tour when Chromium or websocket-client is missing and
still reports no failure; here a skip is a failure, never a pass.
"""

_skipped = []


def pytest_runtest_logreport(report):
    if report.skipped:
        _skipped.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped and exitstatus == 0:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter):
    if _skipped:
        terminalreporter.write_line(
            f"FAILED: {len(_skipped)} test(s) skipped; skips count as failures here",
            red=True,
        )
