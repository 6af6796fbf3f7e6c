"""HTML report pages to plain text, with every table row as one tab-separated line.

Tables are laid out on a grid: a cell spanning rows or columns is repeated in every grid
position it covers, so each row of a table comes out with the table's full width and a
cell's column index means the same in every row (the table parser relies on that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from selectolax.lexbor import LexborHTMLParser, LexborNode

# Elements whose text is never part of the report.
_DROPPED = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "svg", "canvas", "select"}
)
# Elements that start and end a line of text.
_BLOCKS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "li",
        "main", "nav", "ol", "p", "pre", "section", "summary", "title", "ul",
    }
)  # fmt: skip
_MAX_SPAN = 200  # a rowspan/colspan larger than any real report table is markup damage

_SPACE = re.compile(r"[\s\u00a0\u3000]+")
# A line break in the source between two CJK characters is not a space in the text.
_WIDE = r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f\u201c\u201d]"
_CJK_BREAK = re.compile(rf"(?<={_WIDE})[ \t\u00a0]*[\r\n][\s\u00a0]*(?={_WIDE})")


def to_text(markup: str) -> str:
    """The page's text: block elements as lines, each table row as one tab-separated line."""
    root = LexborHTMLParser(markup).root
    out = _Lines()
    if root is not None:
        _walk(root, out)
    return "\n".join(out.finish())


@dataclass
class _Lines:
    lines: list[str] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)

    def add(self, text: str) -> None:
        self.parts.append(text)

    def break_line(self) -> None:
        line = _SPACE.sub(" ", "".join(self.parts)).strip()
        if line:
            self.lines.append(line)
        self.parts = []

    def add_line(self, line: str) -> None:
        self.break_line()
        if line:
            self.lines.append(line)

    def finish(self) -> list[str]:
        self.break_line()
        return self.lines


def _walk(root: LexborNode, out: _Lines) -> None:
    # An explicit stack: report pages nest deeply enough to matter for recursion.
    stack: list[LexborNode | None] = list(reversed(list(root.iter(include_text=True))))
    while stack:
        node = stack.pop()
        if node is None:  # the end of a block element
            out.break_line()
            continue
        tag = node.tag or ""
        if node.is_text_node:
            out.add(_CJK_BREAK.sub("", node.text_content or ""))
        elif tag.startswith(("-", "!")) or tag in _DROPPED:  # comments, doctypes
            continue
        elif tag == "br":
            out.break_line()
        elif tag == "table":
            for caption in _children(node, "caption"):
                out.add_line(_cell_text(caption))
            for row in _table_rows(node):
                if any(cell for cell in row):
                    out.add_line("\t".join(row))
            out.break_line()
        else:
            if tag in _BLOCKS:
                out.break_line()
                stack.append(None)
            stack.extend(reversed(list(node.iter(include_text=True))))


def _children(node: LexborNode, *tags: str) -> list[LexborNode]:
    return [child for child in node.iter() if child.tag in tags]


def _rows_of(table: LexborNode) -> list[LexborNode]:
    """The table's own rows (thead/tbody/tfoot included), not those of nested tables."""
    rows: list[LexborNode] = []
    for child in _children(table, "tr", "thead", "tbody", "tfoot"):
        rows.extend([child] if child.tag == "tr" else _children(child, "tr"))
    return rows


def _span(cell: LexborNode, name: str) -> int:
    match = re.match(r"\s*(\d+)", cell.attributes.get(name) or "")
    value = int(match.group(1)) if match else 1
    return min(max(value, 1), _MAX_SPAN)


def _table_rows(table: LexborNode) -> list[list[str]]:
    """The table as a grid of cell texts with rowspan and colspan expanded."""
    grid: dict[tuple[int, int], str] = {}
    rows = _rows_of(table)
    for r, row in enumerate(rows):
        c = 0
        for cell in _children(row, "td", "th"):
            while (r, c) in grid:
                c += 1
            text = _cell_text(cell)
            rowspan = min(_span(cell, "rowspan"), len(rows) - r)
            colspan = _span(cell, "colspan")
            for dr in range(rowspan):
                for dc in range(colspan):
                    grid.setdefault((r + dr, c + dc), text)
            c += colspan
    width = max((c + 1 for _, c in grid), default=0)
    return [[grid.get((r, c), "") for c in range(width)] for r in range(len(rows))]


def _cell_text(cell: LexborNode) -> str:
    """A cell's text on one line; <br> and block children join without a space in CJK."""
    lines = _Lines()
    _walk(cell, lines)
    joined = ""
    for piece in lines.finish():
        piece = piece.replace("\t", " ")
        if joined and not (_is_wide(joined[-1]) and _is_wide(piece[0])):
            joined += " "
        joined += piece
    return joined


def _is_wide(char: str) -> bool:
    return re.fullmatch(_WIDE, char) is not None
