"""Checks the addon's wheel: what it holds and what it declares.

Usage: python tools/check_wheel.py <wheel>, with a Python that imports Odoo;
python tools/check_wheel.py --installed <wheel>, with the Python of the
environment the wheel was installed in (pip install --no-deps).

Fails (exit 1, one line per problem) when the wheel holds anything outside
odoo/addons/<addon>/ and its .dist-info, any developer tooling (dot files,
tools/, Makefile, pyproject.toml), misses a file the manifest loads, or does
not require Odoo 18.0 and, as odoo-addon-<name>==18.0.*, each addon of the
manifest's depends that is not one of Odoo's own addons. With --installed:
fails when a requirement of the wheel is not met by what that Python sees
(the requirements of its requirements, Odoo's own, are not looked at).
"""

import ast
import email.parser
import os
import sys
import zipfile

ADDON = "service_contract_invoicing"
TOOLING = {"tools", "Makefile", "pyproject.toml", "PKG-INFO"}


def odoo_core_addons_paths():
    import odoo

    package = os.path.dirname(odoo.__file__)
    return [
        os.path.join(os.path.dirname(package), "addons"),
        os.path.join(package, "addons"),
    ]


def main(wheel):
    problems = []
    prefix = f"odoo/addons/{ADDON}/"
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        dist_info = [n for n in names if n.split("/")[0].endswith(".dist-info")]
        metadata_name = next(n for n in dist_info if n.endswith("/METADATA"))
        metadata = email.parser.HeaderParser().parsestr(zf.read(metadata_name).decode())
        manifest = ast.literal_eval(zf.read(prefix + "__manifest__.py").decode())
    addon_files = {n[len(prefix) :] for n in names if n.startswith(prefix)}
    for name in sorted(set(names) - set(dist_info)):
        if not name.startswith(prefix):
            problems.append(f"outside {prefix}: {name}")
    for name in sorted(addon_files):
        top = name.split("/")[0]
        if top.startswith(".") or top in TOOLING:
            problems.append(f"developer tooling shipped: {prefix}{name}")
    for key in ("data", "demo"):
        for name in manifest.get(key, []):
            if name not in addon_files:
                problems.append(f"missing: {prefix}{name} (manifest {key})")
    if metadata["Name"] != f"odoo-addon-{ADDON}":
        problems.append(f"name {metadata['Name']}, expected odoo-addon-{ADDON}")
    requires = metadata.get_all("Requires-Dist") or []
    if "odoo==18.0.*" not in requires:
        problems.append(f"does not require odoo==18.0.* ({requires})")
    core = odoo_core_addons_paths()
    for depend in manifest.get("depends", []):
        if any(os.path.isdir(os.path.join(p, depend)) for p in core):
            continue
        if f"odoo-addon-{depend}==18.0.*" not in requires:
            problems.append(f"does not require odoo-addon-{depend}==18.0.*")
    for problem in problems:
        print(f"{os.path.basename(wheel)}: {problem}", file=sys.stderr)
    if problems:
        return 1
    print(
        f"{os.path.basename(wheel)}: {len(addon_files)} files in {prefix}, "
        f"requires {', '.join(requires)}"
    )
    return 0


def check_installed(wheel):
    """The wheel's requirements, met by the installed distributions."""
    from importlib import metadata

    from packaging.requirements import Requirement

    name = f"odoo-addon-{ADDON}"
    problems = []
    for line in metadata.requires(name) or []:
        requirement = Requirement(line)
        try:
            version = metadata.version(requirement.name)
        except metadata.PackageNotFoundError:
            version = None
            if requirement.name == "odoo":  # not installed with pip
                import odoo.release

                version = odoo.release.version
        if version is None:
            problems.append(f"{line}: not installed")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{line}: {requirement.name} {version} is installed")
    for problem in problems:
        print(
            f"{os.path.basename(wheel)} installed: requirement not met: {problem}",
            file=sys.stderr,
        )
    return 1 if problems else 0


if __name__ == "__main__":
    if sys.argv[1] == "--installed":
        sys.exit(check_installed(sys.argv[2]))
    sys.exit(main(*sys.argv[1:]))
