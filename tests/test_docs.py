"""Docs checked against the code."""

from __future__ import annotations

import re
from pathlib import Path

from app.errors import PROBLEM_TYPES

ROOT = Path(__file__).resolve().parent.parent


def test_every_problem_type_is_documented() -> None:
    documented = set(re.findall(r"`/problems/([a-z-]+)`", (ROOT / "docs/problems.md").read_text()))
    assert documented == set(PROBLEM_TYPES)


def test_readme_curl_examples_use_existing_routes() -> None:
    readme = (ROOT / "README.md").read_text()
    paths = set(re.findall(r"127\.0\.0\.1:8000(/v1/[a-z]+)", readme))
    assert paths == {
        "/v1/reports",
        "/v1/findings",
        "/v1/values",
        "/v1/aggregates",
        "/v1/comparisons",
        "/v1/series",
        "/v1/parse",
    }
