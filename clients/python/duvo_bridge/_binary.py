"""Which `duvo` the clients spawn by default: $DUVO_BIN, else the one a duvo-bridge wheel installed, else PATH.

The wheel carries the binary as a script (`duvo_bridge-VERSION.data/scripts/duvo`, as ruff's wheels do), so pip puts it
in the scripts folder of the installation that holds this package: `bin/` of a venv, of `--prefix`, of `--target`, or
the user scheme's. Looking there, rather than on PATH, means the client uses its own binary even when that folder is
not on PATH (a venv that is not activated), and never one that merely happens to come first on PATH.
"""

from __future__ import annotations

import os
import sysconfig
from pathlib import Path
from typing import Iterator, Optional

#: The name of the executable inside a scripts folder.
EXECUTABLE = "duvo" + (sysconfig.get_config_var("EXE") or "")


def default_binary() -> str:
    """The `duvo` to spawn when no command is given: $DUVO_BIN, else the wheel's binary, else `duvo` from PATH."""
    return os.environ.get("DUVO_BIN") or bundled_binary() or "duvo"


def bundled_binary() -> Optional[str]:
    """The `duvo` installed with this package by a duvo-bridge wheel, or None (e.g. in a source checkout)."""
    for folder in _script_folders(Path(__file__).resolve().parent.parent):
        candidate = folder / EXECUTABLE
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def _script_folders(package_root: Path) -> Iterator[Path]:
    """Scripts folders that belong to the installation whose library folder is `package_root`, most specific first."""
    # A sysconfig scheme (venv, system, user) whose library folder is where this package sits.
    for scheme in sysconfig.get_scheme_names():
        try:
            paths = sysconfig.get_paths(scheme)
        except (KeyError, ValueError):
            continue
        libraries = {Path(paths[key]).resolve() for key in ("purelib", "platlib") if key in paths}
        if package_root in libraries and "scripts" in paths:
            yield Path(paths["scripts"])
    # `pip install --prefix P`: P/lib/pythonX.Y/site-packages holds the package, P/bin the scripts.
    if package_root.name == "site-packages" and package_root.parent.name.startswith("python"):
        yield package_root.parents[2] / "bin"
    # `pip install --target T`: T holds the package, T/bin the scripts.
    yield package_root / "bin"
