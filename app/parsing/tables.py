"""Tables 2, 3 and 4 of the 2019 and 2021 formats, read from a report's text.

Text comes from HTML (tab-separated rows from `html.to_text`), from PDF or Word conversion
(pipe/markdown rows, or lines of whitespace-separated numbers, labels torn away from their
numbers, rows out of order). Rows are matched to the format's rows by their label's
distinctive words; rows without a usable label are placed positionally into the rows still
missing, and then the table's own arithmetic must hold. Precision comes first: a table that
cannot be read with certainty yields no values and a warning.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from itertools import pairwise

from app.catalog import metrics
from app.catalog.data import APPLICANTS
from app.catalog.data import REQUEST_ROWS as CATALOG_REQUEST_ROWS
from app.parsing.draft import DraftValue, Evidence, State, Warning

# Row and column order as the national formats print them, from the catalog's own tables.
APPLICANT_COLUMNS = tuple(column for column, *_ in APPLICANTS)
_PRINTED_ROWS = {
    fmt: tuple(row for row, _zh, _en, formats in CATALOG_REQUEST_ROWS if fmt in formats)
    for fmt in ("2019", "2021")
}
# （六）其他处理 is one printed row in 2019, three in 2021 (the catalog derives the 2021 sum).
REQUEST_ROWS = {
    "2019": tuple(
        row
        for printed in _PRINTED_ROWS["2019"]
        for row in (("other", printed) if printed == "total_handled" else (printed,))
    ),
    "2021": _PRINTED_ROWS["2021"],
}
OUTCOME_ROWS = {
    fmt: tuple(r for r in rows if r not in ("new", "carried_in", "total_handled", "carried_out"))
    for fmt, rows in REQUEST_ROWS.items()
}
REVIEW_BLOCKS = ("review", "litigation_direct", "litigation_after_review")
REVIEW_OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

# Table 3 row labels: (row, pattern) tried in order on the label with spaces removed (NFKC).
# The distinctive words of each row, so that torn or reworded labels still match.
_REQUEST_LABELS: tuple[tuple[str, str], ...] = (
    ("carried_out", r"结转下年|下年度继续|继续办理"),
    ("carried_in", r"上年(度)?结转"),
    ("new", r"本年(度)?新收|新收.*申请"),
    ("partial", r"部分公开"),
    ("denied.state_secret", r"国家秘密"),
    ("denied.law_forbidden", r"法律行政法规|法规禁止"),
    ("denied.three_safety", r"三安全|一稳定"),
    ("denied.third_party", r"第三方"),
    ("denied.internal_affairs", r"内部事务|三类内容事务"),
    ("denied.process_info", r"过程性"),
    ("denied.enforcement_file", r"执法案卷"),
    ("denied.admin_query", r"行政查询"),
    ("unable.not_held", r"不掌握"),
    ("unable.needs_creation", r"另行制作|没有现成"),
    ("unable.unclear", r"仍不明确|补正后"),
    ("not_processed.petition", r"信访|举报投诉"),
    ("not_processed.repeat", r"重复申请"),
    ("not_processed.publication", r"出版物"),
    ("not_processed.mass_repeat", r"大量反复"),
    ("not_processed.confirm_existing", r"确认或重新出具|重新出具|已获取信息"),
    ("other.no_correction", r"不补正"),
    ("other.no_fee", r"缴纳费用|收费通知|未按收费"),
    ("other.other", r"(^|[^\d])3\.其他$|其他处理.*\d\.其他$"),
    ("other", r"其他处理"),
    ("granted", r"予以公开"),
    ("total_handled", r"总计$|合计$"),
)

_REQUEST_PATTERNS = tuple((key, re.compile(p)) for key, p in _REQUEST_LABELS)

# Table 3's column headers, and the note on the arithmetic printed in its corner cell.
_APPLICANT_HEADER = re.compile(
    r"\(本列数据的勾稽关系为[^)]*\)|申请人情况|自然人|法人或其他组织|商业企业|科研机构"
    r"|社会公益组织|法律服务机构|其他|总计|合计"
)
_APPLICANT_WORDS = re.compile(
    r"申请人情况|自然人|法人或其他组织|商业企业|科研机构|公益组织|法律服务"
)

# Table 2: row labels (the whole label, spaces and numbering removed) and column headers.
_PROACTIVE_ROWS: dict[str, str] = {
    "规章": "rules",
    "规范性文件": "normative_docs",
    "行政规范性文件": "normative_docs",
    # Mirror sites turn 文件 into 檔案 (Taiwan usage); no character map undoes that.
    "规范性档案": "normative_docs",
    "行政许可": "licensing",
    "其他对外管理服务事项": "other_services",
    "其他对外管理服务": "other_services",
    "行政处罚": "penalties",
    "行政强制": "compulsory",
    "行政事业性收费": "admin_fees",
    "政府集中采购": "procurement",
}
_PROACTIVE_COLUMNS: dict[str, dict[str, tuple[str, ...]]] = {
    "2019": {
        "rules": ("issued", "published", "published_total"),
        "normative_docs": ("issued", "published", "published_total"),
        "licensing": ("items_prev_year", "items_change", "decisions"),
        "other_services": ("items_prev_year", "items_change", "decisions"),
        "penalties": ("items_prev_year", "items_change", "decisions"),
        "compulsory": ("items_prev_year", "items_change", "decisions"),
        "admin_fees": ("items_prev_year", "items_change"),
        "procurement": ("projects", "amount"),
    },
    "2021": {
        "rules": ("issued", "repealed", "in_force"),
        "normative_docs": ("issued", "repealed", "in_force"),
        "licensing": ("decisions",),
        "penalties": ("decisions",),
        "compulsory": ("decisions",),
        "admin_fees": ("amount",),
    },
}
_HEADER_WORDS: tuple[tuple[str, str], ...] = (
    ("issued", r"制作|制发"),
    ("repealed", r"废止"),
    ("in_force", r"现行有效"),
    ("published_total", r"公开总数|总数量"),
    ("published", r"新公开"),
    ("items_prev_year", r"上一年|上年项目"),
    ("items_change", r"增/减|增减|增、减"),
    ("decisions", r"处理决定"),
    ("projects", r"采购项目"),
    ("amount", r"收费金额|采购总金额|采购金额|总金额"),
)

_HEADER_PATTERNS = tuple((name, re.compile(p)) for name, p in _HEADER_WORDS)

_NUMBER = re.compile(
    r"(?P<sign>[+\-])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?:\.(?P<frac>\d+))?"
    r"(?P<unit>万元|元|万|件|项|个|条|次|人次|人)?"
    r"(?:[(（][^()（）]*[)）])?"
)
_TRAILING_NOTE = re.compile(r"\([^()]*\)$")  # on NFKC text: （…） is (…)
_NOT_APPLICABLE = re.compile(r"[\-—–/\\]{1,3}|不适用")
_WHITESPACE = re.compile(r"\s+")
_ZERO_WORDS = frozenset({"无", "零"})
_PAGE_NUMBER = re.compile(r"[\-—–]\s*\d{1,3}\s*[\-—–]|第\s*\d+\s*页(共\s*\d+\s*页)?|\d+\s*/\s*\d+")
_PIPES_ONLY = re.compile(r"\|[\s|]*")
# A markdown rule line, "|---|---|", also when a cut text ends inside it ("|---|-").
_PIPE_RULE = re.compile(r"\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*(\|\s*:?-*)?")
_TABLE3_HEADING = re.compile(r"收到和处理政府信息公开申请情况|表三")
_TABLE4_HEADING = re.compile(r"行政复议.{0,3}行政诉讼|表四")
_AFTER_TABLES = re.compile(r"^[五六][、.．]|主要问题|改进情况|其他需要报告")
_HEADING_MAX = 40
_SENTENCE_END = ("。", "；", ";")
_LABEL_MAX = 80  # longer labels are prose
_MIN_CHECKS = 3  # equations that must hold before positional values are trusted


@dataclass(frozen=True)
class Cell:
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Parsed:
    state: State
    value: Decimal | None = None
    unit: str | None = None


@dataclass(frozen=True)
class Row:
    """One line of text, split into label cells and the trailing run of value cells."""

    index: int  # line number
    start: int
    end: int
    labels: tuple[Cell, ...]
    values: tuple[Cell, ...]
    structured: bool  # cells were delimited (tab or pipe), so blank cells are real
    # One cell per line: a blank cell right after the label is one of the row's cells,
    # never the padding of a spanned label column.
    cell_lines: bool = False

    @cached_property
    def label(self) -> str:
        return _norm("".join(cell.text for cell in self.labels))


def extract(
    text: str, report_format: str, original: str | None = None
) -> tuple[list[DraftValue], list[Warning]]:
    """Values of tables 2, 3 and 4 of a 2019- or 2021-format report, with evidence.

    `text` is what the rows are read from (`text.simplified` of the report).
    `original`, when given, is the same text before character normalisation (one character
    for one, so offsets are shared): evidence snippets are cut from it, so that they show
    what the report printed.
    """
    if report_format not in REQUEST_ROWS:
        return [], []
    if original is None or len(original) != len(text):
        original = text
    rows = split_rows(text)
    t3_start, t4_start = _table_bounds(rows)
    values: list[DraftValue] = []
    warnings: list[Warning] = []
    for part in (
        # Table 2 rows need their exact labels, which prose never is: all before table 3.
        _proactive(original, rows[:t3_start], report_format),
        _requests(original, rows[t3_start:t4_start], report_format),
        _review(original, rows[t4_start:]),
    ):
        values += part[0]
        warnings += part[1]
    catalog = metrics()
    stored = [v for v in values if (m := catalog.get(v.metric)) and m.is_stored_in(report_format)]
    return stored, warnings


# --- splitting text into rows and cells ---------------------------------------------------


def split_rows(text: str) -> list[Row]:
    """Every line of the text as a row of label cells and value cells."""
    rows: list[Row] = []
    offset = 0
    lines = text.split("\n")
    for index, line in enumerate(lines):
        rows.append(_split_line(index, line, offset))
        offset += len(line) + 1
    return _join_cell_lines(lines, rows)


def _join_cell_lines(lines: Sequence[str], rows: Sequence[Row]) -> list[Row]:
    """Rows printed one cell per line, each cell closed by a pipe, as one row each.

    Some pages flatten a table to "行政许可 |" / "0 |" / "||": a label line closed by a
    pipe, then its cells one per line, a lone "|" for an empty cell, and a line of pipes
    alone for the padding of a spanned cell, which ends the row. The cells after such a
    label line join it (delimited, so empty cells keep their places). Lone "|" lines after
    a row's last value are left out: other pages print a spanned cell's padding that way
    and drop empty cells, so there they would fill a dropped cell's place. Only where the
    page shows that it prints empty cells (a lone "|" between two values of a row) are
    they the row's trailing empty cells, and a label followed by lone "|" lines alone a
    row of empty cells. Lone "|" lines anywhere else separate cells and hold none.
    """
    out: list[Row] = []
    current: Row | None = None  # a label line closed by a pipe, taking the cells below it
    blanks: list[Cell] = []  # lone "|" cells, kept once a value follows them
    trailing: dict[int, list[Cell]] = {}  # out index -> lone "|" cells after its last value
    prints_empty_cells = False
    for line, row in zip(lines, rows, strict=True):
        stripped = line.strip()
        if current is not None and stripped == "|":
            pipe = row.start + line.index("|")
            blanks.append(Cell("", pipe, pipe))
            trailing[len(out) - 1] = blanks
            continue
        if current is not None and row.values and not row.labels:
            prints_empty_cells = prints_empty_cells or bool(blanks and current.values)
            values = (*current.values, *blanks, *row.values)
            current = replace(current, values=values, end=row.end, structured=True, cell_lines=True)
            out[-1] = current
            blanks = []
            trailing.pop(len(out) - 1, None)
            continue
        closed = stripped.endswith("|") and stripped.count("|") == 1
        current = row if closed and row.labels and not row.values else None
        blanks = []
        out.append(row)
    if prints_empty_cells:
        for index, cells in trailing.items():
            row = out[index]
            values = (*row.values, *cells)
            out[index] = replace(
                row, values=values, end=cells[-1].end + 1, structured=True, cell_lines=True
            )
    return out


def _split_line(index: int, line: str, offset: int) -> Row:
    stripped = line.strip()
    if _PIPES_ONLY.fullmatch(stripped):
        # A spanned cell's padding ("||", "|||||"): no cells of its own.
        return Row(index, offset, offset + len(line), (), (), True)
    if "\t" in line:
        cells, structured = _delimited(line, offset, "\t"), True
    elif stripped.count("|") >= 2 and not _PIPE_RULE.fullmatch(stripped):
        cells, structured = _delimited(line, offset, "|"), True
        # The pipes at both ends delimit nothing.
        if cells and not cells[0].text:
            cells = cells[1:]
        if cells and not cells[-1].text and stripped.endswith("|"):
            cells = cells[:-1]
    elif _PIPE_RULE.fullmatch(stripped) or _PAGE_NUMBER.fullmatch(stripped):
        cells, structured = [], False
    else:
        cells, structured = _tokens(line, offset), False
    cut = len(cells)
    while cut > 0 and parse_value(cells[cut - 1].text, structured) is not None:
        cut -= 1
    return Row(
        index, offset, offset + len(line), tuple(cells[:cut]), tuple(cells[cut:]), structured
    )


def _delimited(line: str, offset: int, sep: str) -> list[Cell]:
    cells = []
    position = 0
    for piece in line.split(sep):
        lead = len(piece) - len(piece.lstrip())
        text = piece.strip()
        start = offset + position + lead
        cells.append(Cell(text, start, start + len(text)))
        position += len(piece) + 1
    return cells


# A whitespace-free token, or a number with its unit and a parenthesised note ("22（其中…件）").
_TOKEN = re.compile(r"[+\-]?\d[\d,.]*\s*(?:万元|元|件|项)?\s*[(（][^()（）]*[)）]|\S+")


def _tokens(line: str, offset: int) -> list[Cell]:
    return [
        Cell(m.group(), offset + m.start(), offset + m.end())
        for m in _TOKEN.finditer(line)
        if m.group() != "|"
    ]


def parse_value(text: str, structured: bool = True) -> Parsed | None:
    """A table cell's value, or None when the cell is a label.

    Blank → not_reported, "-"/"—"/"/" → not_applicable, "22（其中修订 16 件）" → 22.
    """
    if text.isdigit() and text.isascii():  # the common case, fast
        return Parsed("reported", Decimal(text))
    norm = _norm(text).replace("−", "-")
    if not norm:
        return Parsed("not_reported") if structured else None
    if _NOT_APPLICABLE.fullmatch(norm):
        return Parsed("not_applicable")
    if structured and norm in _ZERO_WORDS:
        return Parsed("reported", Decimal(0))
    match = _NUMBER.fullmatch(_SIGN_WORD.sub(_sign_of, norm, count=1))
    if match is None:
        return None
    digits = match.group("int").replace(",", "")
    frac = match.group("frac")
    value = Decimal(f"{digits}.{frac}" if frac else digits)
    if match.group("sign") == "-":
        value = -value
    return Parsed("reported", value, match.group("unit"))


# The 本年增/减 column in words: "增10" / "增加10" is +10, "减4" / "减少4" is -4.
_SIGN_WORD = re.compile(r"^(?:增加|增|减少|减)(?=\d)")


def _sign_of(match: re.Match[str]) -> str:
    return "-" if match.group().startswith("减") else "+"


def _norm(text: str) -> str:
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
    return _WHITESPACE.sub("", text)


# --- locating the tables ------------------------------------------------------------------


def _is_heading(row: Row, pattern: re.Pattern[str]) -> bool:
    label = row.label
    if row.values or not 0 < len(label) <= _HEADING_MAX or label.endswith(_SENTENCE_END):
        return False  # a short sentence of prose ("未发生行政复议和行政诉讼。") is no heading
    return bool(pattern.search(label))


def _find_heading(rows: Sequence[Row], pattern: re.Pattern[str], lo: int, hi: int) -> int | None:
    for i in range(lo, hi):
        if _is_heading(rows[i], pattern):
            return i
    return None


def _table_bounds(rows: Sequence[Row]) -> tuple[int, int]:
    """Where table 3 starts and where table 4 starts (line indexes).

    Headings may also stand in a table of contents, so the table-3 heading is the last one
    before the table's first row, and the table-4 heading the first one after its last row.
    """
    short = [i for i, row in enumerate(rows) if 0 < len(row.label) <= _LABEL_MAX]
    # A sentence ("…。2020年新收到政府信息公开申请31件,办结28件。") is no row label.
    news = [i for i in short if _request_key(rows[i].label) == "new" and "。" not in rows[i].label]
    first = news[0] if news else None
    headings = [i for i in short if _is_heading(rows[i], _TABLE3_HEADING)]
    before = [i for i in headings if first is None or i <= first]
    if before:
        t3 = before[-1]
    elif first is not None:
        t3 = first
    else:  # no table 3, or only its end (a page that begins inside it): table 4 may follow
        # Not before table 2's last row: the overview's "5.因…行政复议、行政诉讼的情况" is a
        # short heading too, and a page cut after table 2 has no other.
        proactive = [i for i in short if _proactive_row(rows[i]) is not None]
        start = proactive[-1] + 1 if proactive else 0
        t4_only = _find_heading(rows, _TABLE4_HEADING, start, len(rows))
        end = len(rows) if t4_only is None else t4_only
        width = len(APPLICANT_COLUMNS)
        full = [i for i in short if i < end and len(rows[i].values) >= width]
        tail = [i for i in full if _request_key(rows[i].label) is not None]
        if not tail:
            return end, end
        t3 = tail[0]
    outs = [i for i in short if i > t3 and _request_key(rows[i].label) == "carried_out"]
    last = outs[0] if outs else t3
    t4 = _find_heading(rows, _TABLE4_HEADING, last + 1, len(rows))
    if t4 is None and outs:
        # No heading: table 4 starts after the last row's numbers, which may follow its label
        # one per line.
        t4, seen = last + 1, len(rows[last].values)
        while t4 < len(rows) and not rows[t4].labels and seen < len(APPLICANT_COLUMNS):
            seen += len(rows[t4].values)
            t4 += 1
    return t3, len(rows) if t4 is None else t4


# --- table 3 ------------------------------------------------------------------------------


@lru_cache(maxsize=4096)
def _request_key(label: str) -> str | None:
    # The label without its notes first: a note may name another row's words.
    for text in dict.fromkeys((_without_notes(label), label)):
        for key, pattern in _REQUEST_PATTERNS:
            if pattern.search(text):
                return key
    return None


def _without_notes(label: str) -> str:
    """The label without the bracketed notes at its end.

    Provincial templates annotate row labels: "规章(设区的市、自治州人民政府应提供相关数据)",
    "其他对外管理服务事项(指行政许可证以外的政务服务事项,含…)".
    """
    while (stripped := _TRAILING_NOTE.sub("", label)) and stripped != label:
        label = stripped
    return label


def _is_column_header(label: str) -> bool:
    """A line of table 3's column headers ("自然人 法人或其他组织 总计").

    A header alone on its line ends in 总计 like the （七）总计 row, so it is told apart by
    the applicant words; a lone "总计" or "其他" may be a torn row label and is no header.
    """
    return bool(_APPLICANT_WORDS.search(label)) and not _APPLICANT_HEADER.sub("", label)


def _blank_values(row: Row) -> bool:
    """The row's value cells are all empty: a header's colspan padding ("总计 | |||||")."""
    return row.structured and all(not cell.text for cell in row.values)


@dataclass
class _NumericRow:
    row: Row
    cells: tuple[Cell, ...]
    key: str | None
    soft: bool  # the label came from lines before the numbers, not from the row itself


def _width_cells(row: Row, width: int) -> tuple[Cell, ...] | None:
    """The row's `width` value cells, dropping surplus blank cells at the ends."""
    cells = list(row.values)
    if row.structured:
        while len(cells) > width and not cells[-1].text:
            cells.pop()
        while len(cells) > width and not cells[0].text and not row.cell_lines:
            cells.pop(0)
    return tuple(cells) if len(cells) == width else None


def _pending_key(lines: Sequence[str]) -> str | None:
    """The row named by the label lines before a line of numbers, nearest line first."""
    for k in range(1, len(lines) + 1):
        key = _request_key("".join(lines[-k:]))
        if key is not None:
            return key
    return None


def _numeric_rows(rows: Sequence[Row], width: int) -> tuple[list[_NumericRow], list[str]]:
    """Rows of `width` numbers with their labels, and the labels of rows that fell short.

    Numbers may continue over the following lines (one cell per line in some conversions),
    and a line of numbers may take its label from the label-only lines just before it.
    """
    numeric: list[_NumericRow] = []
    broken: list[str] = []
    pending: list[str] = []  # label-only lines since the last row of numbers
    run: list[Cell] = []  # numbers collected over several lines
    run_row: Row | None = None
    run_key: str | None = None

    def emit(row: Row, cells: Sequence[Cell], key: str | None, joined: bool) -> None:
        soft = joined
        if key is None and pending and not row.labels:
            key = _pending_key(pending)
            soft = key is not None
        numeric.append(_NumericRow(row, tuple(cells), key, soft))
        pending.clear()

    def fail(name: str) -> None:
        broken.append(name)
        pending.clear()

    for row in rows:
        if not row.labels and not row.values:
            continue
        if row.labels and _blank_values(row):
            if _is_column_header(row.label):
                continue
            if _request_key(row.label) is None:
                row = replace(row, values=())  # a label line with padding, not a row of values
        if row.values and not row.labels:
            cells = _width_cells(row, width)
            if cells is not None and not run:
                emit(row, cells, None, False)
            elif not run and len(row.values) > width and len(row.values) % width == 0:
                for i in range(0, len(row.values), width):
                    emit(row, row.values[i : i + width], None, True)
            else:
                run += row.values
                run_row = run_row or row
                if len(run) == width:
                    emit(run_row, run, run_key, True)
                elif len(run) > width:
                    fail(run_key or "?")
                if len(run) >= width:
                    run, run_row, run_key = [], None, None
            continue
        if run:
            fail(run_key or "?")
            run, run_row, run_key = [], None, None
        key = _request_key(row.label)
        if not row.values:
            pending[:] = [*pending[-2:], row.label]
            continue
        cells = _width_cells(row, width)
        if cells is not None:
            pending.clear()
            emit(row, cells, key, False)
        elif key is not None and len(row.values) < width and not row.structured:
            pending.clear()
            run, run_row, run_key = list(row.values), row, key
        elif key is not None or len(row.values) >= 3:
            fail(key or row.label)
    if run:
        fail(run_key or "?")
    return numeric, broken


def _requests(text: str, rows: Sequence[Row], fmt: str) -> tuple[list[DraftValue], list[Warning]]:
    expected = REQUEST_ROWS[fmt]
    width = len(APPLICANT_COLUMNS)
    numeric, broken = _numeric_rows(rows, width)
    if not numeric and not broken:
        if any(_is_column_header(row.label) for row in rows):
            # The table's header is printed (the text stops there, or its rows are an image).
            return _refused(fmt, "truncated_table", "table 3 has its header but no row")
        return [], []
    if fmt == "2021":  # a printed subtotal of （六）其他处理 is derived in this format
        numeric = [n for n in numeric if n.key != "other"]

    by_key: dict[str, _NumericRow] = {}
    # Labels on the row itself first; labels taken from nearby lines only where they agree.
    for item in sorted(numeric, key=lambda n: n.soft):
        if item.key is not None and item.key not in expected:
            if not item.soft:
                return _refused(fmt, "table_format", f"row {item.key!r} is not in the {fmt} format")
            item.key, item.soft = None, False
        if item.key is None:
            continue
        if item.key not in by_key:
            by_key[item.key] = item
        elif _cell_texts(by_key[item.key]) == _cell_texts(item):
            item.key = ""  # the same row printed twice (a repeated page header or row)
        elif item.soft:
            item.key, item.soft = None, False
        else:
            return _refused(fmt, "table_ambiguous", f"two different rows labelled {item.key}")
    unlabeled = [item for item in numeric if item.key is None]
    numeric = [item for item in numeric if item.key != ""]
    missing = [key for key in expected if key not in by_key]
    if len(unlabeled) < len(missing) or (broken and len(unlabeled) <= len(missing)):
        return _complete_rows(text, by_key, fmt, len(unlabeled))
    if len(unlabeled) > len(missing):
        places = f"{len(unlabeled)} rows without a label for {len(missing)} places"
        return _refused(fmt, "table_ambiguous", f"table 3 has {places}")
    labeled_order = [n.key for n in numeric if n.key is not None and by_key.get(n.key) is n]
    for item, key in zip(unlabeled, missing, strict=True):
        by_key[key] = item
    placed = {id(item): key for key, item in by_key.items()}
    # The arithmetic cannot tell outcome rows apart (any order of them adds up the same), so
    # rows without a label are placed only by the order around them, or by elimination.
    in_order = _ordered(labeled_order, expected)
    if (
        in_order and not _ordered([placed[id(n)] for n in numeric if id(n) in placed], expected)
    ) or (not in_order and len(unlabeled) > 1):
        return _refused(fmt, "table_ambiguous", "cannot tell where table 3 rows without a label go")
    positional = bool(unlabeled) or any(n.soft or not n.row.structured for n in by_key.values())
    grid = {
        key: [parse_value(c.text) or Parsed("not_reported") for c in item.cells]
        for key, item in by_key.items()
    }
    failures, checked = _check_requests(grid, fmt)
    if positional and (failures or checked < _MIN_CHECKS):
        detail = "; ".join(failures[:3]) or "too few equations to check"
        return _refused(fmt, "table_arithmetic", f"table 3 rows placed by position fail: {detail}")
    values: list[DraftValue] = []
    for key in expected:
        item = by_key[key]
        for column, cell, parsed in zip(APPLICANT_COLUMNS, item.cells, grid[key], strict=True):
            values.append(_value(text, f"requests.{key}.{column}", parsed, cell, item.row))
    return values, []


def _complete_rows(
    text: str, by_key: dict[str, _NumericRow], fmt: str, unlabeled: int
) -> tuple[list[DraftValue], list[Warning]]:
    """The rows of a cut-off table 3 that stand on their own.

    Without the whole table its arithmetic cannot place rows, so only rows with a label of
    their own are kept: printed on the row, or on the label lines just above its numbers
    (one cell per line, or a line of numbers under its label) where every row of numbers
    has a label. Where some have none, the labels may have been printed as a block above
    the numbers, and the label just above the first row of numbers is then the last
    row's. And only where the row adds up by itself (its 总计 is printed and equals the sum
    of the six applicant columns): a row cut short or misread rarely does. The last cell
    of a text that stops inside the table may itself be cut, so it is not kept either.
    """
    values: list[DraftValue] = []
    kept: list[str] = []
    for key in REQUEST_ROWS[fmt]:
        item = by_key.get(key)
        if item is None or (item.soft and unlabeled) or not text[item.cells[-1].end :].strip():
            continue
        grid = [parse_value(c.text) or Parsed("not_reported") for c in item.cells]
        if not _adds_up(grid) and not (kept and _printed_cell_by_cell(item, grid)):
            continue
        kept.append(key)
        for column, cell, parsed in zip(APPLICANT_COLUMNS, item.cells, grid, strict=True):
            values.append(_value(text, f"requests.{key}.{column}", parsed, cell, item.row))
    left = [key for key in REQUEST_ROWS[fmt] if key not in kept]
    message = "table 3 is incomplete: "
    if kept:
        message += f"kept {len(kept)} whole rows ({', '.join(kept)}); "
    message += f"no usable row for {', '.join(left)}"
    if unlabeled:
        message += f"; {unlabeled} rows without a label left out"
    return values, [_unread(fmt, "truncated_table", message, kept)]


def _adds_up(grid: Sequence[Parsed]) -> bool:
    """The row's 总计 is printed and equals the sum of its applicant columns."""
    total, parts = grid[-1], grid[:-1]
    return total.value is not None and total.value == sum((p.value or 0 for p in parts), Decimal(0))


def _printed_cell_by_cell(item: _NumericRow, grid: Sequence[Parsed]) -> bool:
    """A row with a blank 总计 whose cells are placed by the page itself.

    Some pages leave 总计 empty, or the whole row ("(二)部分公开" and seven empty cells).
    Nothing adds up then, so such a row is kept only where every cell, the empty ones too,
    was printed on a line of its own under the row's own label, and only after a row of
    the same table that adds up: that row shows the page's cells keep their columns.
    """
    return (
        item.row.cell_lines
        and not item.soft
        and grid[-1].state == "not_reported"
        and all(p.state in ("reported", "not_reported") for p in grid)
    )


def _refused(fmt: str, code: str, message: str) -> tuple[list[DraftValue], list[Warning]]:
    return [], [_unread(fmt, code, message)]


def _unread(fmt: str, code: str, message: str, kept: Sequence[str] = ()) -> Warning:
    """A warning naming the table-3 metrics the table prints but that were not read.

    Naming them keeps a number from the prose from standing in for an unread cell unremarked
    (see `parse`).
    """
    unread = tuple(
        f"requests.{row}.{column}"
        for row in REQUEST_ROWS[fmt]
        if row not in kept
        for column in APPLICANT_COLUMNS
    )
    return Warning(code, message, metrics=unread)


def _ordered(keys: Sequence[str], expected: Sequence[str]) -> bool:
    rank = [expected.index(key) for key in keys]
    return all(a < b for a, b in pairwise(rank))


def _cell_texts(item: _NumericRow) -> tuple[str, ...]:
    return tuple(_norm(c.text) for c in item.cells)


def _check_requests(grid: dict[str, list[Parsed]], fmt: str) -> tuple[list[str], int]:
    """Failed equations and the number of equations that hold (勾稽关系)."""
    equations: list[tuple[str, list[Parsed], list[Parsed]]] = []
    for c, column in enumerate(APPLICANT_COLUMNS):
        equations.append(
            (
                f"{column}: new + carried_in = total_handled + carried_out",
                [grid["new"][c], grid["carried_in"][c]],
                [grid["total_handled"][c], grid["carried_out"][c]],
            )
        )
        equations.append(
            (
                f"{column}: total_handled = sum of outcomes",
                [grid["total_handled"][c]],
                [grid[row][c] for row in OUTCOME_ROWS[fmt]],
            )
        )
    for row, cells in grid.items():
        equations.append((f"{row}: total = sum of applicants", [cells[-1]], list(cells[:-1])))
    return _solve(equations)


def _solve(equations: Iterable[tuple[str, list[Parsed], list[Parsed]]]) -> tuple[list[str], int]:
    failures: list[str] = []
    held = 0
    for name, left, right in equations:
        lsum = sum((p.value or Decimal(0) for p in left), Decimal(0))
        rsum = sum((p.value or Decimal(0) for p in right), Decimal(0))
        if lsum == rsum:
            held += 1
        elif all(p.state == "reported" for p in (*left, *right)):
            failures.append(f"{name} ({lsum} ≠ {rsum})")
        # An equation with a blank cell that does not hold with blanks as 0 says nothing.
    return failures, held


# --- table 4 ------------------------------------------------------------------------------

_REVIEW_ROW_LABELS = (
    ("litigation_direct", r"未经复议|直接起诉"),
    ("litigation_after_review", r"复议后起诉"),
    ("review", r"行政复议"),
)


def _review(text: str, rows: Sequence[Row]) -> tuple[list[DraftValue], list[Warning]]:
    size = len(REVIEW_BLOCKS) * len(REVIEW_OUTCOMES)
    found: list[tuple[Cell, Row]] | None = None
    blocks: dict[str, list[tuple[Cell, Row]]] = {}
    run: list[tuple[Cell, Row]] = []
    for i, row in enumerate(rows):
        if i > 0 and row.labels and _AFTER_TABLES.search(row.label) and not row.values:
            break
        if row.values and not row.labels:
            run += [(cell, row) for cell in _width_cells(row, size) or row.values]
            if len(run) >= size:
                found = run
                if len(run) == size and _more_numbers(rows, i + 1):
                    # Lines of numbers beyond the table's 15 cells (a line printed twice):
                    # which 15 are the table cannot be told.
                    return _review_refused("table_ambiguous", "table 4 has more than 15 numbers")
                break
            continue
        run = []
        if row.labels and row.values:
            cells = _width_cells(row, len(REVIEW_OUTCOMES))
            key = next((k for k, p in _REVIEW_ROW_LABELS if re.search(p, row.label)), None)
            if cells is not None and key is not None and key not in blocks:
                blocks[key] = [(cell, row) for cell in cells]
            elif (cells := _width_cells(row, size)) is not None:
                found = [(cell, row) for cell in cells]
                break
    if found is None and len(blocks) == len(REVIEW_BLOCKS):
        found = [pair for key in REVIEW_BLOCKS for pair in blocks[key]]
    if found is None:
        return [], []
    if len(found) != size:
        return _review_refused("truncated_table", f"table 4 has {len(found)} numbers, not {size}")
    parsed = [parse_value(cell.text) or Parsed("not_reported") for cell, _ in found]
    n = len(REVIEW_OUTCOMES)
    equations = [
        (f"{block}: total = upheld + corrected + other + pending", [parsed[b * n + 4]],
         parsed[b * n : b * n + 4])
        for b, block in enumerate(REVIEW_BLOCKS)
    ]  # fmt: skip
    failures, _ = _solve(equations)
    if failures:
        return _review_refused(
            "table_arithmetic", "table 4 does not add up: " + "; ".join(failures)
        )
    values = []
    for i, ((cell, row), value) in enumerate(zip(found, parsed, strict=True)):
        metric = f"{REVIEW_BLOCKS[i // n]}.{REVIEW_OUTCOMES[i % n]}"
        values.append(_value(text, metric, value, cell, row))
    return values, []


def _review_refused(code: str, message: str) -> tuple[list[DraftValue], list[Warning]]:
    """Table 4 printed but not read: its warning names all of its metrics, as for table 3."""
    unread = tuple(f"{block}.{outcome}" for block in REVIEW_BLOCKS for outcome in REVIEW_OUTCOMES)
    return [], [Warning(code, message, metrics=unread)]


def _more_numbers(rows: Sequence[Row], start: int) -> bool:
    """The next line with cells after `start` is a line of numbers only."""
    following = next((row for row in rows[start:] if row.labels or row.values), None)
    return following is not None and bool(following.values) and not following.labels


# --- table 2 ------------------------------------------------------------------------------


def _header_columns(row: Row) -> list[str | None] | None:
    """A header row's column names by cell position, or None when the row is no header."""
    if (row.values and not _blank_values(row)) or not row.labels or len(row.label) > 200:
        return None
    names: list[str | None] = []
    for cell in row.labels:
        label = _norm(cell.text)
        names.append(next((n for n, p in _HEADER_PATTERNS if p.search(label)), None))
    # Empty padding cells ("处理决定数量 | ||") keep their grid positions, unnamed.
    names += [None] * len(row.values)
    return names if any(names) else None


def _proactive_row(row: Row) -> str | None:
    """The table-2 row named by the whole label or, under a rowspan, by its last cell."""
    if not row.labels:
        return None
    for label in (row.label, _norm(row.labels[-1].text)):
        label = re.sub(r"^[\d一二三四五六七八九十]+[.、]|[:：]$", "", label)
        for text in (label, _without_notes(label)):
            if text in _PROACTIVE_ROWS:
                return _PROACTIVE_ROWS[text]
    return None


def _proactive(text: str, rows: Sequence[Row], fmt: str) -> tuple[list[DraftValue], list[Warning]]:
    columns = _PROACTIVE_COLUMNS[fmt]
    header: list[str | None] | None = None
    header_text = ""
    seen: set[str] = set()
    values: list[DraftValue] = []
    warnings: list[Warning] = []
    empty: list[tuple[str, Row]] = []  # rows printed without a cell in a section of no number
    cells_below = False  # some row's numbers stand one per line below its label
    for i, row in enumerate(rows):
        names = _header_columns(row)
        if names is not None:
            header, header_text = names, row.label
            continue
        key = _proactive_row(row)
        if key is None or key not in columns or key in seen:
            continue
        wanted = columns[key]
        found = _proactive_cells(rows, i, header, wanted)
        cells_below = cells_below or (found is not None and not row.values)
        if found is None and _in_empty_section(rows, i):
            seen.add(key)
            empty.append((key, row))
            continue
        if found is None:
            if row.values or _following_values(rows, i):
                seen.add(key)
                warnings.append(
                    _warn("truncated_table", f"table 2 row {row.label}: cannot place its numbers")
                )
            continue
        seen.add(key)
        for column, (cell, source) in found.items():
            parsed: Parsed | None = parse_value(cell.text) or Parsed("not_reported")
            metric = f"proactive.{key}.{column}"
            if column == "amount" and parsed is not None:
                parsed = _money(parsed, header_text, fmt, key)
            if parsed is None:
                warnings.append(_warn("ambiguous_unit", f"{metric}: no unit (元 or 万元) printed"))
                continue
            if parsed.value is not None and parsed.value < 0 and column != "items_change":
                continue
            if source.cell_lines and cell.text and not text[cell.end :].strip():
                # A page that closes each cell with a pipe stops on this one unclosed: it
                # may be cut ("0" of "0.35").
                warnings.append(_warn("truncated_table", f"{metric}: the text stops on it"))
                continue
            values.append(_value(text, metric, parsed, cell, source))
    if cells_below:
        # Such a page drops empty cells, so a row without one left all its cells empty.
        for key, row in empty:
            blank = Cell("", row.start, row.start)
            for column in columns[key]:
                values.append(_value(text, f"proactive.{key}.{column}", _BLANK, blank, row))
    elif empty:
        empty_rows = ", ".join(key for key, _ in empty)
        warnings.append(_warn("truncated_table", f"table 2 rows {empty_rows}: no cell printed"))
    return values, warnings


_BLANK = Parsed("not_reported")
_SECTION_HEADING = re.compile(r"^第二十条第?\(?[一二三四五六七八九十]+\)?项")


def _in_empty_section(rows: Sequence[Row], i: int) -> bool:
    """Row i is in a section of table 2 (第二十条第(五)项 …) with no cell of any row.

    The section must be closed by the next one's heading: a text cut inside it says
    nothing of the cells it lost.
    """
    if rows[i].values:
        return False
    for row in rows[i + 1 :]:
        if row.values:
            return False
        if _SECTION_HEADING.match(row.label):
            break
    else:
        return False
    for row in reversed(rows[:i]):
        if row.values:
            return False
        if _SECTION_HEADING.match(row.label):
            return True
    return False


def _following_values(rows: Sequence[Row], i: int) -> list[tuple[Cell, Row]]:
    """The numbers on the value-only lines right after line i (one cell per line)."""
    found: list[tuple[Cell, Row]] = []
    for row in rows[i + 1 :]:
        if row.labels:
            break
        found += [(cell, row) for cell in row.values]
    return found


def _proactive_cells(
    rows: Sequence[Row], i: int, header: list[str | None] | None, wanted: Sequence[str]
) -> dict[str, tuple[Cell, Row]] | None:
    row = rows[i]
    if row.values:
        by_header = _by_header(row, header, wanted)
        if by_header is not None:
            return {column: (cell, row) for column, cell in by_header.items()}
        plain = _width_cells(row, len(wanted))
        if plain is None:
            return None
        return {column: (cell, row) for column, cell in zip(wanted, plain, strict=True)}
    following = _following_values(rows, i)
    if len(following) != len(wanted):
        return None
    return dict(zip(wanted, following, strict=True))


def _by_header(
    row: Row, header: list[str | None] | None, wanted: Sequence[str]
) -> dict[str, Cell] | None:
    """Cells under each wanted column of the header, when the grid is the header's width."""
    cells = (*row.labels, *row.values)
    # Only delimited rows keep a spanned cell's columns; plain text is read by position.
    if header is None or not row.structured or len(header) != len(cells):
        return None
    chosen: dict[str, Cell] = {}
    first_value = len(row.labels)
    for column in wanted:
        spots = [i for i, name in enumerate(header) if name == column]
        if not spots or any(i < first_value for i in spots):
            return None
        texts = {_norm(cells[i].text) for i in spots}
        if len(texts) != 1:  # a colspan in the data row that the header does not share
            return None
        chosen[column] = cells[spots[0]]
    return chosen


def _money(parsed: Parsed, header: str, fmt: str, key: str) -> Parsed | None:
    """An amount in 元: 万元 cells and columns are multiplied by 10,000."""
    if parsed.value is None:
        return parsed
    if parsed.value == 0:  # zero is zero in 元 and in 万元
        return Parsed("reported", Decimal(0), "元")
    unit = parsed.unit
    if unit not in ("元", "万元", "万"):
        if "万元" in header:
            unit = "万元"
        elif "元" in header:
            unit = "元"
        elif fmt == "2021" and key == "admin_fees":  # the format prints 单位：万元
            unit = "万元"
        else:
            return None
    if unit == "元":
        return Parsed("reported", parsed.value, "元")
    return Parsed("reported", _exact(parsed.value * 10000), "元")


def _exact(value: Decimal) -> Decimal:
    if value == value.to_integral_value():
        return Decimal(int(value))
    return value.normalize()


# --- output -------------------------------------------------------------------------------


def _value(text: str, metric: str, parsed: Parsed, cell: Cell, row: Row) -> DraftValue:
    if cell.text:
        evidence = Evidence(text[cell.start : cell.end], cell.start, cell.end)
    else:  # a blank cell: the row is the evidence
        evidence = Evidence(text[row.start : row.end], row.start, row.end)
    return DraftValue(metric, parsed.value, parsed.state, "printed", evidence)


def _warn(code: str, message: str) -> Warning:
    return Warning(code, message)
