"""Table layouts met in real 2019/2021-format reports, each in a short table written here.

The layouts come from a blind evaluation on twelve published reports (pages as a search
corpus flattened them): untitled pages, traditional characters, header lines padded with
empty pipe cells, row labels carrying the template's notes, tables cut off mid-way, one cell
per line with "|" lines, and an unmarked zero amount. The tables below are constructed in
the same shapes; none is copied from a report.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.parsing import NotAReport, parse, tables
from app.parsing.draft import DraftValue
from app.parsing.tables import APPLICANT_COLUMNS
from tests.parsing.test_tables import ROWS_2021


def by_metric(values: list[DraftValue]) -> dict[str, DraftValue]:
    return {value.metric: value for value in values}


def shown(value: DraftValue) -> Decimal | str:
    return value.value if value.state == "reported" and value.value is not None else value.state


# --- A: pages whose title stayed in the site's header ------------------------------------------

UNTITLED_2021 = """一、总体情况
本报告依据《中华人民共和国政府信息公开条例》编制,所列数据的统计期限为2023年1月1日至2023年12月31日。
二、主动公开政府信息情况
第二十条第(一)项 |
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |
规章 | 0 | 0 | 0 |
行政规范性文件 | 2 | 0 | 9 |
第二十条第(五)项 |
信息内容 | 本年处理决定数量 |
行政许可 | 12 |
"""


def test_an_untitled_page_whose_national_table_is_read_is_a_report() -> None:
    draft = parse(UNTITLED_2021)
    got = by_metric(draft.values)
    assert (draft.title, draft.body_name, draft.year, draft.format) == (None, None, 2023, "2021")
    assert shown(got["proactive.normative_docs.in_force"]) == Decimal(9)
    assert shown(got["proactive.licensing.decisions"]) == Decimal(12)
    assert {"untitled_report", "year_guessed"} <= {w.code for w in draft.warnings}


def test_an_untitled_page_with_the_table_markers_but_no_readable_row_is_refused() -> None:
    # The marker puts the text on the table path, but nothing is read from it.
    text = UNTITLED_2021.split("规章")[0]
    with pytest.raises(NotAReport):
        parse(text)


# --- B: traditional characters ----------------------------------------------------------------

TRADITIONAL_2021 = """青石縣水務局2022年政府信息公開工作年度報告
一、總體情況
本年度我局主動公開政府信息,依申請公開工作正常,未發生行政復議和行政訴訟。
二、主動公開政府信息情況
第二十條第(一)項 | |||
信息內容 | 本年制發件數 | 本年廢止件數 | 現行有效件數 |
規章 | 0 | 0 | 0 |
行政規范性文件 | 4 | 1 | 17 |
第二十條第(五)項 | |||
信息內容 | 本年處理決定數量 | ||
行政許可 | 35 | ||
第二十條第(八)項 | |||
信息內容 | 本年收費金額(單位:萬元) | ||
行政事業性收費 | 1.5 |
五、存在的主要問題及改進情況
無。
"""


def test_traditional_characters_are_read_and_the_evidence_shows_them() -> None:
    draft = parse(TRADITIONAL_2021)
    got = by_metric(draft.values)
    assert (draft.format, draft.year) == ("2021", 2022)
    assert [shown(got[f"proactive.normative_docs.{c}"]) for c in ("issued", "repealed")] == [4, 1]
    assert shown(got["proactive.normative_docs.in_force"]) == Decimal(17)
    assert shown(got["proactive.licensing.decisions"]) == Decimal(35)
    assert shown(got["proactive.admin_fees.amount"]) == Decimal(15000)  # 1.5 萬元
    evidence = got["proactive.licensing.decisions"].evidence
    assert evidence is not None
    assert TRADITIONAL_2021[evidence.start : evidence.end] == "35"


def test_evidence_of_a_blank_cell_is_the_row_as_printed() -> None:
    text = TRADITIONAL_2021.replace("規章 | 0 | 0 | 0 |", "規章 | | | |")
    got = by_metric(parse(text).values)
    evidence = got["proactive.rules.issued"].evidence
    assert got["proactive.rules.issued"].state == "not_reported"
    assert evidence is not None and evidence.snippet == "規章 | | | |"


def test_a_short_sentence_naming_review_and_litigation_is_not_the_table_4_heading() -> None:
    # Before the fix this prose line ended table 2 before it began: nothing was read.
    text = "一、总体情况\n全年未发生行政复议和行政诉讼。\n信息内容 本年处理决定数量\n行政许可 6"
    got = by_metric(tables.extract(text, "2021")[0])
    assert shown(got["proactive.licensing.decisions"]) == Decimal(6)


# --- D: header lines padded with empty pipe cells -----------------------------------------------

PADDED_HEADER = [
    "三、收到和处理政府信息公开申请情况",
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||",
    "自然人 | 法人或其他组织 | 总计 | |||||||",
    "商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||",
]


def pipe_rows(rows: list[tuple[str, str, list[int]]], end: str = " | ||") -> list[str]:
    return [f"{label} | " + " | ".join(str(c) for c in cells) + end for _, label, cells in rows]


def test_header_lines_padded_with_empty_cells_are_no_rows_of_values() -> None:
    # "总计 | |||||||" ended like the （七）总计 row: two rows labelled total_handled.
    text = "\n".join(
        [*PADDED_HEADER, *pipe_rows(ROWS_2021), "四、政府信息公开行政复议、行政诉讼情况"]
    )
    values, warnings = tables.extract(text, "2021")
    got = by_metric(values)
    assert warnings == []
    assert len(got) == 25 * 7
    assert shown(got["requests.total_handled.total"]) == Decimal(131)
    assert shown(got["requests.new.commercial"]) == Decimal(8)


def test_table_2_header_padded_with_empty_cells_is_still_the_header() -> None:
    # The header's unit is what makes 35 an amount in 万元.
    text = "\n".join(
        [
            "第二十条第(九)项 | | |",
            "信息内容 | 采购项目数量 | 采购总金额(万元) | ||",
            "政府集中采购 | 2 | 35 | ||",
        ]
    )
    values, warnings = tables.extract(text, "2019")
    got = by_metric(values)
    assert warnings == []
    assert shown(got["proactive.procurement.projects"]) == Decimal(2)
    assert shown(got["proactive.procurement.amount"]) == Decimal(350000)


# --- E: row labels carrying the template's notes ------------------------------------------------


def test_table_2_labels_with_the_templates_bracketed_notes() -> None:
    # One cell per paragraph, as a provincial template prints it (notes reworded here).
    cells = [
        "第二十条第(一)项",
        "信息内容",
        "本年新",
        "制作数量",
        "本年新",
        "公开数量",
        "对外公开总数量",
        "规章(仅设区的市级人民政府填写本行)",
        "1",
        "1",
        "6",
        "规范性文件(以机关名义印发、对不特定对象具有普遍约束力的公文)",
        "7",
        "5",
        "88",
        "其他主动公开文件(本机关其他公开文件,不属于上两行的)",
        "40",
        "40",
        "300",
        "第二十条第(五)项",
        "信息内容",
        "上一年项目数量",
        "本年增/减",
        "处理决定数量",
        "其他对外管理服务事项(指行政许可以外的服务事项,如行政确认、行政给付)",
        "25",
        "+3",
        "410",
    ]
    values, warnings = tables.extract("\n\n".join(cells), "2019")
    got = by_metric(values)
    assert warnings == []
    assert [shown(got[f"proactive.rules.{c}"]) for c in ("issued", "published_total")] == [1, 6]
    assert shown(got["proactive.normative_docs.published_total"]) == Decimal(88)
    assert [
        shown(got[f"proactive.other_services.{c}"])
        for c in ("items_prev_year", "items_change", "decisions")
    ] == [25, 3, 410]
    # The row of other proactively published documents has no metric: nothing from it.
    assert not [v for v in values if v.value in (Decimal(40), Decimal(300))]


def test_a_mirror_sites_档案_for_文件_is_still_the_normative_documents_row() -> None:
    text = "\n".join(
        [
            "某局2020年政府信息公開工作年度報告",
            "主動公開 依申請 行政復議 收費",
            "信息內容 | 本年新制作數量 | 本年新公開數量 | 對外公開總數量",
            "規範性檔案(行政機關發布的規範性公文) | 3 | 3 | 21",
        ]
    )
    got = by_metric(parse(text).values)
    assert shown(got["proactive.normative_docs.published_total"]) == Decimal(21)


def test_a_note_naming_another_rows_words_does_not_move_a_table_3_row() -> None:
    # 2019's single （六）其他处理 row, with a note that names 不补正 (a 2021 row): read
    # whole, the label gave a 2021 key and the table was refused as the wrong format. The
    # row is the sum of the three 2021 rows, so the table still adds up.
    other = ("other", "（六）其他处理（含申请人逾期不补正等情形）", [3, 0, 0, 0, 0, 1, 4])
    rows = [r for r in ROWS_2021 if not r[0].startswith("other.")]
    rows.insert(-2, other)
    text = "\n".join(["三、收到和处理政府信息公开申请情况", *pipe_rows(rows, end="")])
    values, warnings = tables.extract(text, "2019")
    got = by_metric(values)
    assert warnings == []
    assert [shown(got[f"requests.other.{c}"]) for c in ("natural_person", "total")] == [3, 4]
    assert shown(got["requests.total_handled.total"]) == Decimal(131)


# --- G: a zero amount without a unit -------------------------------------------------------------


def test_a_zero_procurement_amount_needs_no_unit() -> None:
    text = "信息内容 | 采购项目数量 | 采购总金额 | |\n政府集中采购 | 0 | 0 | |"
    values, warnings = tables.extract(text, "2019")
    got = by_metric(values)
    assert warnings == []
    assert [shown(got[f"proactive.procurement.{c}"]) for c in ("projects", "amount")] == [0, 0]
    # Any other number still needs its unit.
    values, warnings = tables.extract(text.replace("| 0 | 0 |", "| 1 | 0.5 |"), "2019")
    assert "proactive.procurement.amount" not in by_metric(values)
    assert [w.code for w in warnings] == ["ambiguous_unit"]


# --- F: one cell per line, closed by "|", with "|" and "||" lines --------------------------------


def cell_lines(label: str, cells: list[int | str], padding: str = "||") -> list[str]:
    """A row one cell per line: "label |", "n |", a lone "|" for an empty cell, padding."""
    return [f"{label} |", *(f"{c} |" if c != "" else "|" for c in cells), padding]


def test_one_cell_per_line_with_padding_lines_in_table_2() -> None:
    lines = [
        "第二十条第(一)项 |",
        "|||",
        "信息内容 |",
        "本年制发件数 |",
        "本年废止件数 |",
        "现行有效件数 |",
        "规章 |",
        "/ |",
        "/ |",
        "/ |",
        "行政规范性文件 |",
        "3 |",
        "|",
        "14 |",
        "第二十条第(五)项 |",
        "|||",
        "信息内容 |",
        "本年处理决定数量 |",
        "||",
        *cell_lines("行政许可", [27]),
        *cell_lines("行政处罚", [5]),
        "信息内容 |",
        "本年收费金额(单位:万元) |",
        "||",
        "行政事业性收费 |",
        "0",  # the last cell of a table is not always closed
        "三、收到和处理政府信息公开申请情况",
    ]
    values, warnings = tables.extract("\n".join(lines), "2021")
    got = by_metric(values)
    assert warnings == []
    assert shown(got["proactive.rules.in_force"]) == "not_applicable"
    assert [
        shown(got[f"proactive.normative_docs.{c}"]) for c in ("issued", "repealed", "in_force")
    ] == [3, "not_reported", 14]
    assert shown(got["proactive.licensing.decisions"]) == Decimal(27)
    assert shown(got["proactive.penalties.decisions"]) == Decimal(5)
    assert shown(got["proactive.admin_fees.amount"]) == Decimal(0)


def test_one_cell_per_line_table_3_keeps_empty_cells_in_their_columns() -> None:
    lines = [
        "三、收到和处理政府信息公开申请情况",
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |",
        "申请人情况 |",
        "||||||||",
        "自然人 |",
        "法人或其他组织 |",
        "总计 |",
        "|||||||",
    ]
    for key, label, cells in ROWS_2021:
        if key == "granted":
            lines.append("三、本年度办理结果 |")
        # The page prints zeros as empty cells, but for the 总计 column.
        lines += cell_lines(label, [*(c or "" for c in cells[:-1]), cells[-1]])
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    values, warnings = tables.extract("\n".join(lines), "2021")
    got = by_metric(values)
    assert warnings == []
    # new is 120 8 1 0 2 1 132: the empty social_org cell keeps legal_service in place.
    assert [
        shown(got[f"requests.new.{c}"]) for c in ("research", "social_org", "legal_service")
    ] == [
        1,
        "not_reported",
        2,
    ]
    assert shown(got["requests.new.total"]) == Decimal(132)
    assert shown(got["requests.carried_out.commercial"]) == Decimal(2)
    evidence = got["requests.new.total"].evidence
    assert evidence is not None and evidence.snippet == "132"


def test_lone_pipe_lines_after_a_rows_last_value_are_not_its_cells() -> None:
    # Pages that print a spanned cell's padding as a lone "|" also drop empty cells: here
    # one of 规章's three cells is missing, and the "|" must not take its place.
    lines = ["信息内容 |", "本年新制作数量 |", "本年新公开数量 |", "对外公开总数量 |", "|"]
    lines += ["规章 |", "3 |", "5 |", "|", "规范性文件 |", "2 |", "2 |", "9 |", "|"]
    values, warnings = tables.extract("\n".join(lines), "2019")
    got = by_metric(values)
    assert not [m for m in got if m.startswith("proactive.rules.")]
    assert [w.code for w in warnings] == ["truncated_table"]
    assert shown(got["proactive.normative_docs.published_total"]) == Decimal(9)


def test_lone_pipe_lines_between_bare_cells_hold_no_cell() -> None:
    lines = ["信息内容", "|", "本年新制作数量", "|", "本年新公开数量", "|", "对外公开总数量", "|"]
    lines += ["规范性文件", "|", "12", "|", "9", "|", "40", "|"]
    got = by_metric(tables.extract("\n".join(lines), "2019")[0])
    assert [
        shown(got[f"proactive.normative_docs.{c}"])
        for c in ("issued", "published", "published_total")
    ] == [12, 9, 40]


# --- C: a table 3 cut off --------------------------------------------------------------------


def test_a_cut_table_keeps_only_rows_that_are_labelled_whole_and_add_up() -> None:
    lines = [
        *PADDED_HEADER,
        *pipe_rows(ROWS_2021[:3]),
        # An OCR slip: the row no longer adds up (10 + 1 ≠ 17), so it is not trusted.
        "（二）部分公开 | 10 | 1 | 0 | 0 | 0 | 0 | 17 | ||",
        # Numbers under a label line of their own, where every row of numbers has a label:
        # placed by the line just above.
        "（三）不予公开 | 1.属于国家秘密 |",
        "1 0 0 0 0 0 1",
        "2.其他法律行政法规禁止公开 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | ||",
        # Cut mid-row: six cells.
        "3.危及“三安全一稳定” | 0 | 0 | 0 | 0 | 0 | 0 |",
        "（本页以下内容缺失）",
    ]
    values, warnings = tables.extract("\n".join(lines), "2021")
    got = by_metric(values)
    assert sorted({m.rsplit(".", 1)[0] for m in got}) == [
        "requests.carried_in",
        "requests.denied.law_forbidden",
        "requests.denied.state_secret",
        "requests.granted",
        "requests.new",
    ]
    assert shown(got["requests.granted.total"]) == Decimal(55)
    assert shown(got["requests.denied.state_secret.natural_person"]) == Decimal(1)
    assert [w.code for w in warnings] == ["truncated_table"]
    assert "requests.partial.total" in warnings[0].metrics
    assert "requests.granted.total" not in warnings[0].metrics


def test_a_cut_table_printed_one_cell_per_paragraph_keeps_its_whole_rows() -> None:
    cells = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", *cells]
    lines += ["一、本年新收政府信息公开申请数量", *list("2100003")]
    lines += ["二、上年结转政府信息公开申请数量", *list("0000000")]
    lines += ["三、本年度办理结果", "（一）予以公开", "1", "1"]  # cut here
    got = by_metric(tables.extract("\n\n".join(lines), "2021")[0])
    assert shown(got["requests.new.natural_person"]) == Decimal(2)
    assert shown(got["requests.new.total"]) == Decimal(3)
    assert shown(got["requests.carried_in.total"]) == Decimal(0)
    assert not [m for m in got if m.startswith("requests.granted")]


def test_a_cut_table_printing_its_empty_cells_keeps_rows_with_a_blank_total() -> None:
    # This page prints every empty cell as a lone "|" (see the new row), also after a
    # row's last value and in rows left wholly empty; 总计 is sometimes left empty too.
    lines = ["三、收到和处理政府信息公开申请情况 |", "申请人情况 |", "||||||||"]
    lines += cell_lines("一、本年新收政府信息公开申请数量", [9, "", "", "", "", "", 9])
    lines += cell_lines("二、上年结转政府信息公开申请数量", [1, "", "", "", "", "", 1])
    lines += ["三、本年度办理结果 |", "（一）予以公开 |", "7 |", *["|"] * 7]
    lines += cell_lines("（二）部分公开", [""] * 7)
    lines += ["（三）不予公开 |", "1.属于国家秘密 |", *["|"] * 8]
    lines += ["2.其他法律行政法规禁止公开 |", "|", "|", "|"]  # cut here
    values, warnings = tables.extract("\n".join(lines), "2021")
    got = by_metric(values)
    assert [shown(got[f"requests.granted.{c}"]) for c in ("natural_person", "total")] == [
        7,
        "not_reported",
    ]
    assert {shown(got[f"requests.partial.{c}"]) for c in APPLICANT_COLUMNS} == {"not_reported"}
    assert shown(got["requests.denied.state_secret.total"]) == "not_reported"
    assert not [m for m in got if m.startswith("requests.denied.law_forbidden")]
    assert [w.code for w in warnings] == ["truncated_table"]


def test_a_blank_total_is_not_kept_where_no_row_shows_the_columns() -> None:
    # No row adds up before it: nothing shows that the page keeps its cells in place.
    lines = ["三、收到和处理政府信息公开申请情况 |", "申请人情况 |", "||||||||"]
    lines += ["一、本年新收政府信息公开申请数量 |", "9 |", "|", "2 |", *["|"] * 5]
    lines += ["（本页以下内容缺失）"]
    got = by_metric(tables.extract("\n".join(lines), "2021")[0])
    assert not [m for m in got if m.startswith("requests.new")]


def test_a_pages_lone_pipes_are_not_empty_cells_where_it_never_prints_one_between_values() -> None:
    lines = ["三、收到和处理政府信息公开申请情况 |", "申请人情况 |", "||||||||"]
    lines += cell_lines("一、本年新收政府信息公开申请数量", [9, 0, 0, 0, 0, 0, 9])
    lines += ["二、上年结转政府信息公开申请数量 |", "1 |", *["|"] * 7]
    lines += ["（本页以下内容缺失）"]
    got = by_metric(tables.extract("\n".join(lines), "2021")[0])
    assert shown(got["requests.new.total"]) == Decimal(9)
    assert not [m for m in got if m.startswith("requests.carried_in")]


def test_a_cut_table_with_its_labels_printed_as_a_block_keeps_no_row_by_the_block() -> None:
    # The label just above the numbers is the last row's; the numbers are the first row's.
    labels = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量"]
    text = "\n".join(
        [*PADDED_HEADER, *labels, "3 0 0 0 0 0 3", "1 0 0 0 0 0 1", "（本页以下内容缺失）"]
    )
    got = by_metric(tables.extract(text, "2021")[0])
    assert not [m for m in got if m.startswith(("requests.new", "requests.carried_in"))]


def test_the_last_line_of_a_text_that_stops_inside_table_3_is_not_kept() -> None:
    # "| 0 | 1" may be "| 0 | 12" cut short; 0 + 1 = 1 would not show it.
    text = "\n".join(
        [*PADDED_HEADER, *pipe_rows(ROWS_2021[:2]), "（一）予以公开 | 0 | 0 | 0 | 1 | 0 | 0 | 1"]
    )
    got = by_metric(tables.extract(text, "2021")[0])
    assert shown(got["requests.carried_in.total"]) == Decimal(7)
    assert "requests.granted.total" not in got


def test_a_page_that_begins_with_the_last_row_of_table_3() -> None:
    text = "\n".join(
        [
            "四、结转下年度继续办理 2 1 0 0 0 0 3",
            "四、政府信息公开行政复议、行政诉讼情况",
            "0 0 0 0 0 1 0 0 0 1 0 0 0 0 0",
            "五、存在的主要问题及改进情况",
        ]
    )
    values, warnings = tables.extract(text, "2019")
    got = by_metric(values)
    assert [shown(got[f"requests.carried_out.{c}"]) for c in ("natural_person", "total")] == [2, 3]
    assert shown(got["litigation_direct.total"]) == Decimal(1)
    assert [w.code for w in warnings] == ["truncated_table"]


# --- prose and table 3 -------------------------------------------------------------------------

PROSE_AND_TABLE = """某县档案馆2023年政府信息公开工作年度报告
一、总体情况
本年度共收到政府信息公开申请5件,均按时答复。未发生行政复议、行政诉讼,未收费。
二、主动公开政府信息情况
第二十条第(一)项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
三、收到和处理政府信息公开申请情况
{rows}
四、政府信息公开行政复议、行政诉讼情况
五、存在的主要问题及改进情况
无。
"""


def test_prose_disagreeing_with_a_kept_row_of_a_cut_table_is_warned_and_the_table_wins() -> None:
    rows = "\n".join(
        [*PADDED_HEADER[1:], "一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |"]
    )
    draft = parse(PROSE_AND_TABLE.format(rows=rows))
    got = by_metric(draft.values)
    assert shown(got["requests.new.total"]) == Decimal(6)
    assert "text_vs_table" in [w.code for w in draft.warnings]


def test_prose_does_not_stand_in_for_a_table_3_that_could_not_be_read() -> None:
    # Two different rows labelled 一、本年新收…: the table is refused whole, and the prose's
    # 5 is not taken for requests.new.total without the table to check it.
    rows = "\n".join(
        [
            "一、本年新收政府信息公开申请数量 | 6 | 0 | 0 | 0 | 0 | 0 | 6 |",
            "一、本年新收政府信息公开申请数量 | 5 | 0 | 0 | 0 | 0 | 0 | 5 |",
        ]
    )
    draft = parse(PROSE_AND_TABLE.format(rows=rows))
    assert not [v for v in draft.values if v.metric.startswith("requests.")]
    warning = next(w for w in draft.warnings if w.code == "text_vs_unread_table")
    assert warning.metrics == ("requests.new.total",)
    assert warning.evidence is not None and "5件" in warning.evidence.snippet
    # Only the table's header printed (the page stops there): the same.
    draft = parse(PROSE_AND_TABLE.format(rows="\n".join(PADDED_HEADER[1:])))
    assert "requests.new.total" not in by_metric(draft.values)
    assert "text_vs_unread_table" in [w.code for w in draft.warnings]
    # Without a table 3 in the text the prose number stands.
    draft = parse(PROSE_AND_TABLE.format(rows="本年度未收到依申请公开事项以外的其他申请。"))
    assert shown(by_metric(draft.values)["requests.new.total"]) == Decimal(5)


def test_prose_does_not_stand_in_for_a_table_4_that_could_not_be_read() -> None:
    text = PROSE_AND_TABLE.replace("未发生行政复议、", "全年发生行政复议1件,未发生").replace(
        "四、政府信息公开行政复议、行政诉讼情况\n",
        "四、政府信息公开行政复议、行政诉讼情况\n1 0 0 0 2\n0 0 0 0 0\n0 0 0 0 0\n",
    )
    # Table 4 does not add up (1 ≠ 2): refused, and the prose's 1 is not its review.total.
    draft = parse(text.format(rows=""))
    assert not [v for v in draft.values if v.metric.startswith(("review.", "litigation"))]
    warning = next(w for w in draft.warnings if w.code == "text_vs_unread_table")
    assert warning.metrics == ("review.total",)
    # Read, the table's number stands.
    draft = parse(text.replace("1 0 0 0 2", "1 0 0 0 1").format(rows=""))
    assert shown(by_metric(draft.values)["review.total"]) == Decimal(1)


def test_a_markdown_rule_cut_at_the_end_of_the_text_is_no_row_of_dashes() -> None:
    # "|---|…|-" read as 15 cells of "---" gave a table 4 of not_applicable values.
    text = "四、政府信息公开行政复议、行政诉讼情况\n| 结果维持 | 结果纠正 |\n" + "|---" * 14 + "|-"
    assert tables.extract(text, "2019") == ([], [])


def test_table_4_lines_of_numbers_with_one_printed_twice_give_nothing() -> None:
    lines = ["四、政府信息公开行政复议、行政诉讼情况", "4 0 1 0 5", "0 0 0 1 1", "2 1 0 0 3"]
    got = by_metric(tables.extract("\n".join(lines), "2021")[0])
    assert shown(got["litigation_after_review.total"]) == Decimal(3)
    # Doubled, the first line makes three blocks that each add up, all in the wrong places.
    values, warnings = tables.extract("\n".join([lines[0], lines[1], *lines[1:]]), "2021")
    assert values == []
    assert [w.code for w in warnings] == ["table_ambiguous"]


# --- D: table 2 printed one number per line, empty cells dropped -------------------------------

CELLS_BELOW_2019 = """二、主动公开政府信息情况
第二十条第(一)项
信息内容
本年新制作数量
本年新公开数量
对外公开总数量
规章
0
0
0
规范性文件
3
3
41
第二十条第(五)项
信息内容
上一年项目数量
本年增/减
处理决定数量
行政许可
其他对外管理服务事项
第二十条第(六)项
信息内容
上一年项目数量
本年增/减
处理决定数量
行政处罚
行政强制
第二十条第(八)项
"""


def test_rows_without_a_cell_in_a_section_without_a_number_are_empty() -> None:
    values, warnings = tables.extract(CELLS_BELOW_2019, "2019")
    got = by_metric(values)
    assert warnings == []
    assert [shown(got[f"proactive.normative_docs.{c}"]) for c in ("issued", "published")] == [3, 3]
    for key in ("licensing", "other_services", "penalties", "compulsory"):
        assert shown(got[f"proactive.{key}.decisions"]) == "not_reported"
        assert got[f"proactive.{key}.decisions"].evidence is not None


def test_a_section_cut_by_the_end_of_the_text_gives_no_empty_row() -> None:
    text = CELLS_BELOW_2019.rsplit("第二十条第(八)项", 1)[0]
    got = by_metric(tables.extract(text, "2019")[0])
    assert "proactive.licensing.decisions" in got
    assert "proactive.penalties.decisions" not in got


def test_a_section_without_a_number_on_a_page_that_never_prints_one_below_a_label() -> None:
    text = CELLS_BELOW_2019.replace("规章\n0\n0\n0\n规范性文件\n3\n3\n41\n", "")
    values, warnings = tables.extract(text, "2019")
    assert values == []
    assert [w.code for w in warnings] == ["truncated_table"]


def test_a_sentence_of_the_overview_naming_new_requests_does_not_start_table_3() -> None:
    text = "一、总体情况\n依申请公开依法规范。本年新收到政府信息公开申请31件,办结28件。\n"
    values, _ = tables.extract(text + CELLS_BELOW_2019, "2019")
    assert shown(by_metric(values)["proactive.normative_docs.published_total"]) == Decimal(41)


def test_a_table_2_number_that_ends_the_text_is_not_kept() -> None:
    lines = ["信息内容 |", "本年处理决定数量 |", "||", *cell_lines("行政处罚", [0])]
    lines += ["行政强制 |", "0"]  # the page closes its cells: this one may be cut
    values, warnings = tables.extract("\n".join(lines), "2021")
    got = by_metric(values)
    assert shown(got["proactive.penalties.decisions"]) == Decimal(0)
    assert "proactive.compulsory.decisions" not in got
    assert [w.code for w in warnings] == ["truncated_table"]


# --- E: zero litigation in the prose of a 2019+ report -----------------------------------------

NO_TABLE_4 = """某镇人民政府2023年政府信息公开工作年度报告
一、总体情况
(二)依申请公开。2023年收到政府信息公开申请0件,未发生因政府信息公开引起的{what}。
二、主动公开政府信息情况
第二十条第(一)项
信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数
规章 | 0 | 0 | 0
行政规范性文件 | 1 | 0 | 4
"""


def test_no_litigation_in_the_prose_is_zero_in_both_litigation_blocks() -> None:
    got = by_metric(parse(NO_TABLE_4.format(what="行政复议和行政诉讼")).values)
    assert shown(got["review.total"]) == Decimal(0)
    assert shown(got["litigation_direct.total"]) == Decimal(0)
    assert shown(got["litigation_after_review.total"]) == Decimal(0)
    assert "litigation.total" not in got  # derived in this format, never posted


def test_a_number_of_lawsuits_in_the_prose_of_a_2019_report_is_not_split() -> None:
    text = NO_TABLE_4.replace("未发生因政府信息公开引起的{what}。", "发生行政诉讼2件。")
    got = by_metric(parse(text).values)
    assert not [m for m in got if m.startswith("litigation")]


def test_an_untitled_excerpt_that_names_itself_the_report_is_one() -> None:
    text = (
        "本年报根据《中华人民共和国政府信息公开条例》要求编制,统计时间为2023年1月1日至12月31日。"
        "本年度报告可在某县人民政府网站下载。\n"
        "一、总体情况\n(一)主动公开情况\n2023年主动公开信息412条。\n"
    )
    draft = parse(text)
    assert shown(by_metric(draft.values)["proactive.total"]) == Decimal(412)
    assert "untitled_report" in {w.code for w in draft.warnings}


def test_a_text_that_only_cites_the_regulations_is_no_report() -> None:
    with pytest.raises(NotAReport):
        parse("根据《中华人民共和国政府信息公开条例》,本局设立了查阅点。2023年主动公开信息4条。")
