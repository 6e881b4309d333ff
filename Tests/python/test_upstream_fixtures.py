"""The vendored upstream documents are what PROVENANCE.md says they are, and the scripts copied from them are verbatim.

A test that checks the simulator against Duvo's docs is only as good as its copy of the docs: these checks fail when a
vendored file is edited, when the merged OpenAPI document drifts from the API reference's fragments, or when a script
the tests run stops being the one the docs print.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = REPO_ROOT / "Tests" / "Fixtures" / "upstream"
PROVENANCE = UPSTREAM / "PROVENANCE.md"


def provenance_rows() -> dict[str, str]:
    """File name -> SHA-256, from the first table of PROVENANCE.md."""
    rows = re.findall(r"^\| `([^`]+)` \|.*\| `([0-9a-f]{64})` \|$", PROVENANCE.read_text(encoding="utf-8"), re.M)
    return dict(rows)


def code_blocks(markdown: str, language: str) -> list[str]:
    """The fenced code blocks of `language` (info strings such as `bash theme={...}` included), in order."""
    return re.findall(rf"^```{language}[^\n]*\n(.*?)\n```$", markdown, re.M | re.S)


def test_every_vendored_file_is_listed_with_its_checksum_and_unchanged() -> None:
    rows = provenance_rows()
    on_disk = sorted(p.name for p in UPSTREAM.iterdir() if p.name != "PROVENANCE.md")
    assert sorted(rows) == on_disk, "PROVENANCE.md must list exactly the vendored files"
    for name, digest in rows.items():
        actual = hashlib.sha256((UPSTREAM / name).read_bytes()).hexdigest()
        assert actual == digest, f"{name} changed since it was vendored (sha256 {actual}); vendored files are verbatim"


def test_provenance_names_the_retrieval_date_and_the_docs_site() -> None:
    text = PROVENANCE.read_text(encoding="utf-8")
    assert "2026-11-29" in text
    assert "https://docs.duvo.ai" in text


def test_the_merged_openapi_document_is_exactly_the_api_references_six_fragments() -> None:
    fragments = [json.loads(b) for b in code_blocks((UPSTREAM / "api-reference-v1-runs.md").read_text("utf-8"), "json")]
    assert len(fragments) == 6
    merged = json.loads((UPSTREAM / "duvo-api-v1-runs.openapi.json").read_text(encoding="utf-8"))
    paths: dict[str, dict] = {}
    for fragment in fragments:
        for path, operations in fragment["paths"].items():
            paths.setdefault(path, {}).update(operations)
        for key, value in fragment.items():
            if key != "paths":
                assert merged[key] == value, f"the merged document's {key} differs from a fragment's"
    assert merged["paths"] == paths
    assert set(merged) == set(fragments[0])


def test_the_cli_docs_scripting_examples_run_by_the_tests_are_verbatim() -> None:
    page = (UPSTREAM / "cli-starting-runs.md").read_text(encoding="utf-8")
    examples = code_blocks(page[page.index("## Scripting examples") :], "bash")
    assert len(examples) == 3, "the page has three scripting examples"
    script = (REPO_ROOT / "Tests" / "shell" / "cli-docs-examples.sh").read_text(encoding="utf-8")
    for example in examples:
        assert example in script, f"Tests/shell/cli-docs-examples.sh no longer runs this example verbatim:\n{example}"
