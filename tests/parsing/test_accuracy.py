"""Accuracy of the parser on the corpus: precision and recall per format, real vs constructed.

Every `corpus/<name>.txt|.html` with a `<name>.expected.json` (values worked out by hand from
the text) is scored. Precision: output values that are correct (a value, or a state such as
not_reported, equal to the expected one). Recall: expected values the output has right. The
floors sit just under what was measured when they were set; precision matters more.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from app.parsing import parse
from app.parsing.draft import Draft

CORPUS = Path(__file__).parent / "corpus"

# (kind, format) -> (precision floor, recall floor). Measured when set (2026-11): 1.000/1.000
# for every group but real 2021 (1.000/0.970). The constructed narrative documents were
# written alongside the rules; "blind" ones (written before the rules saw them) scored
# 1.000 precision and 0.20, then 0.74 recall on first contact; see the *_blind* files.
# Real reports outside the repository (2026-11-28, excerpts of public pages, expected values
# by hand, not stored here for copyright): 27 tuning documents went from 0.976/0.565
# (narrative) and 0.986/0.224 (tables) to 1.000 precision; 24 held-out ones then scored
# precision 1.000 in every format and recall 0.61 (narrative), 0.85 (2019), 0.73 (2021).
# Session 4 (2026-11-28), three new sets the same way: 29 tuning documents, blind
# 1.000/0.629 (narrative), 0.984/0.723 (2019), 1.000/0.444 (2021); 27 held-out ones, blind
# 0.974/0.905, 1.000/0.649, 0.942/0.636; and, after every fix of the session, 24 final
# ones labelled by someone who had not seen the parser: 1.000/0.769 (narrative, 26 values),
# 0.992/0.955 (2019, 132 values), 1.000/0.919 (2021, 37 values).
# Session 5 (2026-11-28), two more sets labelled blind by helpers who never saw the parser,
# mostly excerpts cut short by the page store: 35 documents, first contact 0.981/0.850
# (narrative), 0.829/0.895 (2019), 0.916/0.909 (2021); then 25 more, after fixes from the
# first, 0.935/0.811, 0.987/0.902, 0.941/1.000. Every output not in the labels counted as
# wrong; judged against the texts, most were right ("/" cells as not_applicable, zeros in
# both litigation blocks from "未发生…行政诉讼", website counts the labels left out): 2021
# precision 1.000, 2019 0.995; the narrative misses are three disputed readings.
# After this session's fixes, both sets: 0.971/0.885, 0.960/0.910, 0.920/0.943 (raw).
FLOORS: dict[tuple[str, str], tuple[float, float]] = {
    ("real", "pre2019"): (0.98, 0.95),
    ("constructed", "pre2019"): (0.99, 0.95),
    ("real", "2019"): (0.99, 0.95),
    ("constructed", "2019"): (0.99, 0.95),
    ("real", "2021"): (0.99, 0.95),
    ("constructed", "2021"): (0.99, 0.95),
}


@dataclass
class Score:
    documents: int = 0
    output: int = 0
    correct: int = 0
    expected: int = 0
    found: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.output if self.output else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


def corpus_documents() -> list[tuple[str, Path, Path]]:
    documents = []
    for expected in sorted(CORPUS.glob("*.expected.json")):
        name = expected.name.removesuffix(".expected.json")
        sources = [p for p in (CORPUS / f"{name}.txt", CORPUS / f"{name}.html") if p.exists()]
        assert sources, f"{expected.name} has no source document"
        documents.append((name, sources[0], expected))
    return documents


def _parse(source: Path) -> Draft:
    media_type = "text/html" if source.suffix == ".html" else "text/plain"
    return parse(source.read_text(encoding="utf-8"), media_type)


def _expected_values(raw: dict[str, object]) -> dict[str, Decimal | str]:
    return {
        metric: value if isinstance(value, str) else Decimal(str(value))
        for metric, value in raw.items()
    }


def score_corpus() -> tuple[dict[tuple[str, str], Score], list[str]]:
    scores: dict[tuple[str, str], Score] = defaultdict(Score)
    errors: list[str] = []
    for name, source, expected_path in corpus_documents():
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        draft = _parse(source)
        for field in ("body_name", "year", "format", "scope"):
            if getattr(draft, field) != expected[field]:
                errors.append(f"{name}: {field} {getattr(draft, field)!r} != {expected[field]!r}")
        kind = "real" if name.startswith("real_") else "constructed"
        score = scores[(kind, expected["format"])]
        score.documents += 1
        want = _expected_values(expected["values"])
        got: dict[str, Decimal | str | None] = {
            v.metric: v.value if v.state == "reported" else v.state for v in draft.values
        }
        score.output += len(got)
        score.correct += sum(1 for metric, value in got.items() if want.get(metric) == value)
        score.expected += len(want)
        score.found += sum(1 for metric, value in want.items() if got.get(metric) == value)
        errors.extend(
            f"{name}: {metric} = {value} (expected {want.get(metric, 'nothing')})"
            for metric, value in got.items()
            if want.get(metric) != value
        )
    return scores, errors


def test_corpus_has_real_and_constructed_documents_of_every_format() -> None:
    names = [name for name, _, _ in corpus_documents()]
    assert {"real_2009_taishang", "real_2010_penglai_stats"} <= set(names)
    assert sum(name.startswith("constructed_") for name in names) >= 6


def test_precision_and_recall_per_format(capsys: pytest.CaptureFixture[str]) -> None:
    scores, errors = score_corpus()
    lines = [f"{'kind':<12}{'format':<9}{'docs':>5}{'precision':>11}{'recall':>9}"]
    for (kind, report_format), score in sorted(scores.items()):
        lines.append(
            f"{kind:<12}{report_format:<9}{score.documents:>5}"
            f"{score.precision:>11.3f}{score.recall:>9.3f}"
            f"   ({score.correct}/{score.output} correct, {score.found}/{score.expected} found)"
        )
    with capsys.disabled():
        print("\n" + "\n".join(lines))
        if errors:
            print("wrong values and metadata:\n  " + "\n  ".join(errors))
    below = [
        f"{key}: precision {score.precision:.3f} recall {score.recall:.3f} below {FLOORS[key]}"
        for key, score in scores.items()
        if key in FLOORS and (score.precision < FLOORS[key][0] or score.recall < FLOORS[key][1])
    ]
    assert below == []
    assert set(scores) <= set(FLOORS), "a corpus format without a floor"


def test_metadata_of_every_corpus_document() -> None:
    _, errors = score_corpus()
    metadata_errors = [
        e
        for e in errors
        if e.split(": ", 1)[1].split(" ")[0] in {"body_name", "year", "format", "scope"}
    ]
    assert metadata_errors == []
