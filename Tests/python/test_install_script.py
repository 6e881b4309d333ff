"""packaging/install.sh, as a person runs it: a tarball in, duvo and its completions where the shells look, a report.

The tarballs are built here in packaging/build's layout around the built binary (DUVO_BIN), with stand-in completion
files, so the script's placement rules are checked whether or not this build has `duvo completion`; packaging/test
runs it on the real release tarball.
"""

from __future__ import annotations

import os
import subprocess
import tarfile
from pathlib import Path

import pytest

from duvo_binary import REPO_ROOT, duvo_bin

INSTALL = REPO_ROOT / "packaging" / "install.sh"
COMPLETIONS = {"duvo.bash": "complete -F _duvo duvo", "_duvo": "#compdef duvo", "duvo.fish": "complete -c duvo"}


def make_tarball(folder: Path, completions: bool) -> Path:
    """A tarball laid out as packaging/build writes it: duvo-V-linux-ARCH/{bin/duvo, completions/...}."""
    top = folder / "duvo-0.0.0-linux-x86_64"
    (top / "bin").mkdir(parents=True)
    (top / "bin" / "duvo").symlink_to(duvo_bin())
    if completions:
        (top / "completions").mkdir()
        for name, text in COMPLETIONS.items():
            (top / "completions" / name).write_text(text + "\n")
    path = folder / "duvo.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        archive.add(top, arcname=top.name)
    return path


def install(tarball: Path, home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {"HOME": str(home), "PATH": "/usr/bin:/bin", **env}
    return subprocess.run(
        ["sh", str(INSTALL), str(tarball)], env=environment, capture_output=True, text=True, timeout=60
    )


def test_installs_duvo_and_completions_for_the_user_and_says_where(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = install(make_tarball(tmp_path, completions=True), home)
    assert result.returncode == 0, result.stderr
    binary = home / ".local" / "bin" / "duvo"
    version = subprocess.run([str(binary), "--version"], capture_output=True, text=True, check=True).stdout.strip()
    assert f"installed {version} to {binary}" in result.stdout
    assert os.access(binary, os.X_OK) and not binary.is_symlink()
    places = {
        "duvo.bash": home / ".local/share/bash-completion/completions/duvo",
        "_duvo": home / ".local/share/zsh/site-functions/_duvo",
        "duvo.fish": home / ".config/fish/completions/duvo.fish",
    }
    for name, place in places.items():
        assert place.read_text().strip() == COMPLETIONS[name]
        assert str(place) in result.stdout
    assert "fpath=" in result.stdout, "zsh needs the folder on fpath; the script says how"
    assert f"{home}/.local/bin is not on PATH" in result.stdout


def test_prefix_moves_everything_under_it(tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    result = install(make_tarball(tmp_path, completions=True), tmp_path / "home", PREFIX=str(prefix))
    assert result.returncode == 0, result.stderr
    assert (prefix / "bin" / "duvo").is_file()
    assert (prefix / "share/bash-completion/completions/duvo").is_file()
    assert (prefix / "share/zsh/site-functions/_duvo").is_file()
    assert (prefix / "share/fish/vendor_completions.d/duvo.fish").is_file()
    assert not (tmp_path / "home").exists(), "with PREFIX set nothing goes under HOME"


def test_a_tarball_without_completions_installs_the_binary_and_says_what_it_skipped(tmp_path: Path) -> None:
    home = tmp_path / "home"
    result = install(make_tarball(tmp_path, completions=False), home)
    assert result.returncode == 0, result.stderr
    assert (home / ".local" / "bin" / "duvo").is_file()
    for shell in ("bash", "zsh", "fish"):
        assert f"this tarball has no {shell} completion; skipped" in result.stdout


@pytest.mark.parametrize("content", [b"not a tarball", None])
def test_a_wrong_file_is_refused_with_a_reason_and_installs_nothing(tmp_path: Path, content: bytes | None) -> None:
    path = tmp_path / "duvo.tar.gz"
    if content is not None:
        path.write_bytes(content)
    else:  # a real tarball that holds something else
        (tmp_path / "other").mkdir()
        (tmp_path / "other" / "file").write_text("x")
        with tarfile.open(path, "w:gz") as archive:
            archive.add(tmp_path / "other", arcname="other")
    result = install(path, tmp_path / "home")
    assert result.returncode != 0
    assert "install.sh: error:" in result.stderr
    assert not (tmp_path / "home" / ".local" / "bin" / "duvo").exists()
