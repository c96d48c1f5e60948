"""PEP 517 build backend: OCA's whool, for an addon that is a repository root.

whool puts every file under git control into ``odoo/addons/<folder name>/``
of the wheel. This repository's root is the addon, so a plain whool build
would ship the developer tooling too (``tools/``, ``Makefile``, ``.ci/``, the
lint configurations), and a clone in a folder with another name would become
an addon of that name.

This backend copies the addon's files (``git ls-files`` in a checkout, every
file otherwise), less the ``exclude`` patterns of ``[tool.whool-root-addon]``
in ``pyproject.toml``, into a folder named after the addon, with a
``PKG-INFO`` holding the name and the version whool gives the checkout
(manifest version and git history), and lets whool build from that copy, as
it builds from an sdist. The sdist it writes is a plain whool sdist (addon
files, ``PKG-INFO``, a ``pyproject.toml`` naming whool's own backend).
"""

import fnmatch
import os
import re
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from email.generator import Generator
from pathlib import Path

import whool.buildapi
from manifestoo_core.metadata import (
    addon_name_to_distribution_name,
    metadata_from_addon_dir,
)
from manifestoo_core.odoo_series import OdooSeries

try:
    import tomllib
except ImportError:  # Python < 3.11
    import tomli as tomllib

CONFIG_TABLE = "whool-root-addon"


def _config(source):
    with open(source / "pyproject.toml", "rb") as f:
        pyproject = tomllib.load(f)
    config = pyproject.get("tool", {}).get(CONFIG_TABLE, {})
    if not config.get("addon"):
        raise RuntimeError(f"pyproject.toml: [tool.{CONFIG_TABLE}] addon is not set")
    return config, pyproject.get("tool", {}).get("whool", {})


def _files(source, exclude):
    """The addon's files, relative to source, less the excluded ones."""
    try:
        names = subprocess.check_output(
            ["git", "ls-files", "-z"], cwd=source, stderr=subprocess.DEVNULL
        ).decode()
        names = [n for n in names.split("\0") if n]
    except (OSError, subprocess.CalledProcessError):
        names = [
            os.path.relpath(os.path.join(d, f), source)
            for d, dirs, files in os.walk(source)
            for f in files
            if "__pycache__" not in d.split(os.sep)
        ]
    return sorted(
        n
        for n in names
        if not any(fnmatch.fnmatch(n.split("/")[0], p) for p in exclude)
        and os.path.isfile(source / n)
    )


def _metadata(source, addon, whool_options):
    """whool's metadata of the checkout, under the addon's own name."""
    if (source / "PKG-INFO").is_file():  # an sdist: name and version are known
        return metadata_from_addon_dir(
            source, whool_options, precomputed_metadata_file=source / "PKG-INFO"
        )
    meta = metadata_from_addon_dir(source, whool_options)
    series = OdooSeries(".".join(meta["Version"].split(".")[:2]))
    del meta["Name"]
    meta["Name"] = addon_name_to_distribution_name(addon, series)
    return meta


@contextmanager
def _staged(for_sdist=False):
    """Yields a folder named after the addon holding the files to package."""
    source = Path.cwd()
    config, whool_options = _config(source)
    addon = config["addon"]
    exclude = config.get("exclude", [])
    with tempfile.TemporaryDirectory() as tmp:
        stage = Path(tmp) / addon
        stage.mkdir()
        for name in _files(source, exclude):
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source / name, stage / name)
        # whool reads its options there, and leaves it out of the wheel.
        pyproject = (source / "pyproject.toml").read_text(encoding="utf-8")
        if for_sdist:
            pyproject = _plain_whool(pyproject)
        (stage / "pyproject.toml").write_text(pyproject, encoding="utf-8")
        with open(stage / "PKG-INFO", "w", encoding="utf-8") as f:
            meta = _metadata(source, addon, whool_options)
            Generator(f, mangle_from_=False, maxheaderlen=0).flatten(meta)
        cwd = os.getcwd()
        os.chdir(stage)
        try:
            yield stage
        finally:
            os.chdir(cwd)


def _plain_whool(pyproject):
    """pyproject.toml for the sdist: whool's own backend, no backend-path."""
    pyproject = re.sub(r"(?m)^backend-path\s*=.*\n", "", pyproject)
    return re.sub(
        r"(?m)^build-backend\s*=.*$", 'build-backend = "whool.buildapi"', pyproject
    )


def _abs(directory):
    return os.path.abspath(directory)


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    wheel_directory = _abs(wheel_directory)
    with _staged():
        return whool.buildapi.build_wheel(wheel_directory, config_settings)


def build_sdist(sdist_directory, config_settings=None):
    sdist_directory = _abs(sdist_directory)
    with _staged(for_sdist=True):
        return whool.buildapi.build_sdist(sdist_directory, config_settings)


def prepare_metadata_for_build_wheel(metadata_directory, config_settings=None):
    metadata_directory = _abs(metadata_directory)
    with _staged():
        return whool.buildapi.prepare_metadata_for_build_wheel(
            metadata_directory, config_settings
        )


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    """whool's editable install: a link to the checkout, named after its folder."""
    source = Path.cwd()
    addon = _config(source)[0]["addon"]
    if source.name != addon:
        raise RuntimeError(
            f"an editable install links the checkout as an addon named after its "
            f"folder ({source.name}): clone it into a folder named {addon}, or "
            f"install the wheel (pip install .)"
        )
    return whool.buildapi.build_editable(wheel_directory, config_settings)


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel
