"""Report parsing: the text or HTML of an annual OGI report in, a draft report out.

`parse` composes the pieces: `html.to_text` for markup, `meta` (title, body, year, format,
scope, sections), `narrative` (numbers in the prose) and `tables` (the 2019/2021 tables).
Evidence offsets point into the text parsed: the input itself for text, and the text
`html.to_text` made of it for HTML.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from app import catalog
from app.parsing import meta, narrative
from app.parsing.draft import Draft, DraftValue, Warning
from app.parsing.text import normalize, simplified

PARSER_VERSION = "1"

__all__ = ["PARSER_VERSION", "NotAReport", "parse"]


class NotAReport(ValueError):
    """The input is empty, not text, or not an annual OGI report."""


_HTML_SNIFF = re.compile(r"<(?:p|div|table|tr|td|br|span|html|body)\b[^>]*>", re.IGNORECASE)
_REPORT_WORDS = (
    "主动公开",
    "依申请",
    "行政复议",
    "行政诉讼",
    "年度报告",
    "收费",
    "存在的主要问题",
    "改进",
    "信息公开申请",
    "查阅",
)
# An opening that calls itself the report ("本年报根据《中华人民共和国政府信息公开条例》…编制")
# is as good as its title.
_SELF_DESCRIBED = re.compile(
    r"本(?:年度)?(?:报告|年报)(?:是)?(?:根据|依据|按照)[^。\n]{0,20}?《中华人民共和国政府信息公开条例》"
)
_NOT_A_REPORT = "the text is not an annual report on government information disclosure"
# Values read from the national tables that make an untitled text a report.
_TABLE_VALUES_AS_PROOF = 3
# Prose values compared with the sum of table values when the prose names a derived total.
_TABLE_SUMS = {
    "requests.legacy_refused.total": ("requests.denied.", ".total"),
    "litigation.total": ("litigation_", ".total"),
}


def parse(source: str, media_type: str = "text/plain") -> Draft:
    """Parse a report's text (or HTML) into a draft; raises NotAReport for anything else."""
    if not source or not source.strip():
        raise NotAReport("the input is empty")
    controls = sum(1 for c in source[:4000] if ord(c) < 32 and c not in "\t\n\r\f")
    if "\x00" in source or controls > 20 or source.count("\ufffd") > len(source) // 20 + 5:
        raise NotAReport("the input is not text")
    text = source
    if "html" in media_type.lower() or len(_HTML_SNIFF.findall(source[:20000])) >= 3:
        from app.parsing import html

        text = html.to_text(source)
    norm = normalize(text)
    info = meta.detect(norm)
    if "信息公开" not in norm.text:
        raise NotAReport(_NOT_A_REPORT)
    table_values: list[DraftValue] = []
    table_warnings: list[Warning] = []
    if info.format in ("2019", "2021") and info.has_tables:
        from app.parsing import tables

        # Read with simplified characters, same offsets ("規章", "本年制發件數" are the labels);
        # the evidence is cut from the text as printed.
        table_values, table_warnings = tables.extract(simplified(text), info.format, text)
    warnings = list(info.warnings)
    markers = sum(word in norm.text for word in _REPORT_WORDS)
    # A report's own title ("某镇2012年政府信息公开工作年度报告") is proof enough for an
    # excerpt that stops before the sections; without one, the sections' words must show.
    # An excerpt without a title that opens by naming itself the report, and shows a second
    # of the report's words, is one too (with the same warning as an untitled page).
    self_described = markers >= 2 and bool(_SELF_DESCRIBED.search(norm.text[:600]))
    if info.title is None and markers < 4 and self_described and info.year is not None:
        warnings.append(
            Warning(
                "untitled_report",
                "no title and few report words: taken as a report because its opening "
                "names itself the annual report under the Regulations",
            )
        )
    elif (info.title is None and markers < 4) or (info.year is None and markers < 2):
        # A page's title often stays in the site's header, so that the text begins at
        # 一、总体情况; rows of the national tables read from it are proof enough.
        if len(table_values) < _TABLE_VALUES_AS_PROOF:
            raise NotAReport(_NOT_A_REPORT)
        unnamed = "" if info.body_name else "; the body is not named"
        warnings.append(
            Warning(
                "untitled_report",
                f"no title and few report words: taken as a report because {len(table_values)} "
                f"values of its national tables were read{unnamed}",
            )
        )
    prose, prose_warnings = narrative.extract(norm)
    warnings.extend(prose_warnings)
    warnings.extend(table_warnings)
    unread = {metric for warning in table_warnings for metric in warning.metrics}
    values, merge_warnings = _merge(prose, table_values, info.format, unread)
    warnings.extend(merge_warnings)
    return Draft(
        body_name=info.body_name,
        year=info.year,
        format=info.format,
        scope=info.scope,
        title=info.title,
        values=values,
        problems=info.problems,
        improvements=info.improvements,
        warnings=warnings,
    )


def _merge(
    prose: list[DraftValue],
    table: list[DraftValue],
    report_format: str | None,
    unread: set[str],
) -> tuple[list[DraftValue], list[Warning]]:
    """Table values win; prose fills the rest, each value only where its format stores it.

    A metric the text's table prints but that could not be read (`unread`, named by the
    table's warning) is not filled from the prose: the two disagree often enough (a prose
    2 against the table's 3) that the table's number cannot be assumed. It is left out
    with a warning that gives the prose number.
    """
    metrics = catalog.metrics()
    warnings: list[Warning] = []
    by_metric = {value.metric: value for value in table}
    values = list(table)
    for value in _litigation_blocks(prose, report_format):
        table_value = by_metric.get(value.metric)
        if table_value is None and value.metric in _TABLE_SUMS and table:
            table_value = _table_sum(table, *_TABLE_SUMS[value.metric], value.metric)
        if table_value is not None:
            if table_value.value is not None and value.value != table_value.value:
                warnings.append(
                    Warning(
                        "text_vs_table",
                        f"the text states {value.value} for {value.metric}, "
                        f"the table {table_value.value}: the table is kept",
                        metrics=(value.metric,),
                        evidence=value.evidence,
                    )
                )
            continue
        metric = metrics.get(value.metric)
        if metric is None or (report_format and not metric.is_stored_in(report_format)):
            continue
        if value.metric in unread:
            warnings.append(
                Warning(
                    "text_vs_unread_table",
                    f"the text states {value.value} for {value.metric}, which the table "
                    "prints but could not be read: left out",
                    metrics=(value.metric,),
                    evidence=value.evidence,
                )
            )
            continue
        values.append(value)
    return values, warnings


# Table 4's litigation blocks: litigation.total is their sum in 2019+ reports, never posted.
_LITIGATION_BLOCKS = ("litigation_direct.total", "litigation_after_review.total")


def _litigation_blocks(prose: list[DraftValue], report_format: str | None) -> list[DraftValue]:
    """The prose values, a zero litigation.total of a 2019+ report as zero in both blocks,
    and a zero fees.total of a 2021 report as its information-processing fee.

    "未发生…行政诉讼" means no suit of either kind; any other number cannot be split.
    """
    metrics = catalog.metrics()
    if report_format is None:
        return prose
    blocks = metrics["litigation.total"].is_derived_in(report_format)
    # "没有收取任何费用" in a 2021 report: its one fee row is the information-processing fee.
    fee_row = not metrics["fees.total"].is_stored_in(report_format) and metrics[
        "fees.information_processing"
    ].is_stored_in(report_format)
    out: list[DraftValue] = []
    for value in prose:
        zero = value.value == 0 and value.state == "reported"
        if zero and value.metric == "litigation.total" and blocks:
            out += [replace(value, metric=block) for block in _LITIGATION_BLOCKS]
        elif zero and value.metric == "fees.total" and fee_row:
            if not any(v.metric == "fees.information_processing" for v in prose):
                out.append(replace(value, metric="fees.information_processing"))
        else:
            out.append(value)
    return out


def _table_sum(table: list[DraftValue], prefix: str, suffix: str, key: str) -> DraftValue | None:
    parts = [
        v.value
        for v in table
        if v.metric.startswith(prefix) and v.metric.endswith(suffix) and v.value is not None
    ]
    if not parts:
        return None
    return DraftValue(metric=key, value=sum(parts, Decimal(0)))
