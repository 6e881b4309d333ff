"""The README's framework snippets are the files the framework suite runs (Tests/frameworks/snippets), verbatim."""

from __future__ import annotations

import re

from duvo_binary import REPO_ROOT

SNIPPETS = REPO_ROOT / "Tests" / "frameworks" / "snippets"
MARKER = re.compile(r"<!-- snippet: (\S+) -->\n```python\n(.*?)```\n", re.S)


def readme_snippets() -> dict[str, str]:
    return {path: body for path, body in MARKER.findall((REPO_ROOT / "README.md").read_text())}


def test_every_tested_snippet_is_in_the_readme_verbatim() -> None:
    shown = readme_snippets()
    files = sorted(SNIPPETS.glob("*.py"))
    assert len(files) >= 5
    for file in files:
        path = str(file.relative_to(REPO_ROOT))
        assert path in shown, f"the README does not show {path} (a `<!-- snippet: {path} -->` block)"
        assert shown[path] == file.read_text(), f"the README's copy of {path} differs from the tested file"


def test_every_snippet_the_readme_shows_is_tested() -> None:
    for path in readme_snippets():
        assert (REPO_ROOT / path).is_file(), f"the README shows {path}, which the framework suite does not run"
