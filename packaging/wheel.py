#!/usr/bin/env python3
"""Builds the duvo-bridge wheel: the Python client in clients/python plus the `duvo` binary, with the standard library.

The binary goes in as a script (`duvo_bridge-VERSION.data/scripts/duvo`, mode 0755), the way ruff's wheels carry
theirs: pip then puts `duvo` in the environment's scripts folder (a venv's `bin/`, `~/.local/bin`, ...), which is on
PATH, and `duvo_bridge` finds it there by default (see clients/python/duvo_bridge/_binary.py).

Metadata (name, summary, Python requirement, classifiers) is read from clients/python/pyproject.toml; the version is
the binary's own (`duvo --version`), passed in by packaging/build, so there is one version for every artifact.

The platform tag is `linux_<arch>`, not `manylinux_*`: the binary links the system's libcurl (libcurl.so.4, through
FoundationNetworking), which no manylinux policy allows, so a manylinux tag would promise more than the wheel keeps.
pip installs `linux_<arch>` wheels on any Linux of that architecture; the README lists what the binary needs (glibc
version, libcurl4). PyPI refuses `linux_*` uploads: this wheel is for installing from the file.

Usage: wheel.py --binary PATH --version V --out DIR [--license LICENSE]
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import os
import platform
import re
import sys
import time
import zipfile
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python < 3.11
    sys.exit("packaging/wheel.py needs Python 3.11+ (tomllib) to read clients/python/pyproject.toml")

REPO_ROOT = Path(__file__).resolve().parent.parent
CLIENT = REPO_ROOT / "clients" / "python"
PACKAGE = "duvo_bridge"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", type=Path, required=True, help="the duvo executable to carry")
    parser.add_argument("--version", required=True, help="the version, as `duvo --version` prints it")
    parser.add_argument("--out", type=Path, required=True, help="where to write the wheel")
    parser.add_argument("--license", type=Path, default=REPO_ROOT / "LICENSE")
    args = parser.parse_args()
    if not re.fullmatch(r"\d+(\.\d+)*([a-z0-9.+-]*)", args.version):
        sys.exit(f"wheel.py: {args.version!r} is not a version")
    path = build(args.binary, args.version, args.out, args.license)
    print(path)


def build(binary: Path, version: str, out: Path, license_file: Path) -> Path:
    """Writes the wheel into `out` and returns its path."""
    project = tomllib.loads((CLIENT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    name = re.sub(r"[-_.]+", "_", project["name"]).lower()
    tag = f"py3-none-linux_{platform.machine()}"
    dist_info = f"{name}-{version}.dist-info"
    data = f"{name}-{version}.data"
    entries: list[tuple[str, bytes, int]] = []
    for source in sorted((CLIENT / PACKAGE).rglob("*")):
        if source.is_file() and "__pycache__" not in source.parts and source.suffix != ".pyc":
            entries.append((f"{PACKAGE}/{source.relative_to(CLIENT / PACKAGE).as_posix()}", source.read_bytes(), 0o644))
    entries.append((f"{data}/scripts/duvo", binary.read_bytes(), 0o755))
    entries.append((f"{dist_info}/METADATA", metadata(project, version).encode(), 0o644))
    entries.append((f"{dist_info}/WHEEL", wheel_file(tag).encode(), 0o644))
    entries.append((f"{dist_info}/LICENSE", license_file.read_bytes(), 0o644))
    record = "".join(f"{path},sha256={digest(content)},{len(content)}\n" for path, content, _ in entries)
    entries.append((f"{dist_info}/RECORD", (record + f"{dist_info}/RECORD,,\n").encode(), 0o644))

    out.mkdir(parents=True, exist_ok=True)
    wheel = out / f"{name}-{version}-{tag}.whl"
    stamp = time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", "315532800")))[:6]  # reproducible: fixed times
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path, content, mode in entries:
            info = zipfile.ZipInfo(path, date_time=max(stamp, (1980, 1, 1, 0, 0, 0)))
            info.external_attr = (0o100000 | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return wheel


def metadata(project: dict, version: str) -> str:
    """Core metadata 2.1 from pyproject's [project] table, with the client's README as the description."""
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {version}",
        f"Summary: {project['description']}",
        "License: Apache-2.0",
        f"Requires-Python: {project['requires-python']}",
        *(f"Classifier: {c}" for c in project.get("classifiers", [])),
        "Classifier: Operating System :: POSIX :: Linux",
        "Description-Content-Type: text/markdown",
    ]
    readme = (CLIENT / project.get("readme", "README.md")).read_text(encoding="utf-8")
    return "\n".join(lines) + "\n\n" + readme


def wheel_file(tag: str) -> str:
    """The WHEEL file: not purelib, since it carries a platform binary."""
    return f"Wheel-Version: 1.0\nGenerator: duvo-bridge packaging/wheel.py\nRoot-Is-Purelib: false\nTag: {tag}\n"


def digest(content: bytes) -> str:
    """RECORD's hash: urlsafe base64 of the SHA-256, without padding."""
    return base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()


if __name__ == "__main__":
    main()
