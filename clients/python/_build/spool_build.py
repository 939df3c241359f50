"""A minimal PEP 517 build backend (standard library only) for the spool client.

pip runs builds in an isolated environment and first installs `build-system.requires` into it
from an index; with this in-tree backend that list is empty, so `pip install ./clients/python`
works without network access. It builds a pure-Python wheel of the `spool_client` package
(PEP 427), an sdist of this directory, and editable installs (PEP 660, a `.pth` file).
Name, version and summary come from pyproject.toml's [project] table.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "spool_client"


def _project() -> dict[str, str]:
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    table = text.split("[project]", 1)[1].split("\n[", 1)[0]
    fields = {}
    for key in ("name", "version", "description", "requires-python"):
        m = re.search(rf'^{re.escape(key)}\s*=\s*"([^"]*)"', table, re.M)
        if m:
            fields[key] = m.group(1)
    return fields


def _dist_name() -> str:
    return re.sub(r"[-_.]+", "_", _project()["name"])


def _metadata() -> str:
    p = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {p['name']}",
        f"Version: {p['version']}",
        f"Summary: {p.get('description', '')}",
        "License: MIT",
        f"Requires-Python: {p.get('requires-python', '>=3.9')}",
        "Provides-Extra: flask",
        "Requires-Dist: flask>=2.2; extra == \"flask\"",
        "Description-Content-Type: text/markdown",
    ]
    readme = os.path.join(ROOT, "README.md")
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    return "\n".join(lines) + "\n\n" + body


def _record_line(path: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def _write_wheel(wheel_directory: str, files: dict[str, bytes]) -> str:
    name, version = _dist_name(), _project()["version"]
    dist_info = f"{name}-{version}.dist-info"
    files = dict(files)
    files[f"{dist_info}/METADATA"] = _metadata().encode()
    files[f"{dist_info}/WHEEL"] = (
        "Wheel-Version: 1.0\nGenerator: spool_build\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    ).encode()
    record_path = f"{dist_info}/RECORD"
    record = "\n".join([_record_line(p, d) for p, d in files.items()] + [f"{record_path},,", ""])
    files[record_path] = record.encode()
    filename = f"{name}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as zf:
        for path, data in files.items():
            zf.writestr(path, data)
    return filename


def _package_files() -> dict[str, bytes]:
    files = {}
    src = os.path.join(ROOT, PACKAGE)
    for name in sorted(os.listdir(src)):
        if name.endswith(".py") or name == "py.typed":
            with open(os.path.join(src, name), "rb") as f:
                files[f"{PACKAGE}/{name}"] = f.read()
    return files


# ── PEP 517 hooks ─────────────────────────────────────────────────────────────────────────


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def get_requires_for_build_editable(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, _package_files())


def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _write_wheel(wheel_directory, {f"_{PACKAGE}_editable.pth": (ROOT + "\n").encode()})


def build_sdist(sdist_directory, config_settings=None):
    name, version = _dist_name(), _project()["version"]
    base = f"{name}-{version}"
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz") as tar:
        for entry in ("pyproject.toml", "README.md", "_build", PACKAGE, "tests"):
            path = os.path.join(ROOT, entry)
            if os.path.exists(path):
                tar.add(path, arcname=f"{base}/{entry}", filter=_skip_cache)
        info = tarfile.TarInfo(f"{base}/PKG-INFO")
        data = _metadata().encode()
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return filename


def _skip_cache(info: tarfile.TarInfo):
    return None if "__pycache__" in info.name else info
