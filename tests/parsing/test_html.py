"""html.to_text: the page's text with every table row as one tab-separated, full-width line."""

from __future__ import annotations

from pathlib import Path

from app.parsing import html

CORPUS = Path(__file__).parent / "corpus"


def test_rowspan_and_colspan_repeat_the_cell_in_every_position_they_cover() -> None:
    markup = """<table>
      <tr><td rowspan="2">三、本年度办理结果</td><td colspan="2">（一）予以公开</td><td>5</td></tr>
      <tr><td>（三）不予公开</td><td>1.属于国家秘密</td><td>2</td></tr>
      <tr><td colspan="3">四、结转下年度继续办理</td><td>1</td></tr>
    </table>"""
    assert html.to_text(markup).split("\n") == [
        "三、本年度办理结果\t（一）予以公开\t（一）予以公开\t5",
        "三、本年度办理结果\t（三）不予公开\t1.属于国家秘密\t2",
        "四、结转下年度继续办理\t四、结转下年度继续办理\t四、结转下年度继续办理\t1",
    ]


def test_a_rowspan_from_an_earlier_row_shifts_later_cells_right() -> None:
    markup = """<table><tr><td rowspan="3">A</td><td>1</td><td>2</td></tr>
      <tr><td>3</td><td>4</td></tr><tr><td colspan="2">5</td></tr></table>"""
    assert html.to_text(markup) == "A\t1\t2\nA\t3\t4\nA\t5\t5"


def test_short_rows_are_padded_to_the_table_width_with_blank_cells() -> None:
    markup = "<table><tr><td>a</td><td>b</td><td>c</td></tr><tr><td>d</td></tr></table>"
    assert html.to_text(markup) == "a\tb\tc\nd\t\t"


def test_br_inside_a_cell_joins_cjk_without_a_space_and_latin_with_one() -> None:
    markup = "<table><tr><td>本年新<br/>制作数量</td><td>total<br>count</td></tr></table>"
    assert html.to_text(markup) == "本年新制作数量\ttotal count"


def test_nested_markup_in_cells_is_flattened_and_nbsp_cells_are_blank() -> None:
    markup = (
        "<table><tr><td><p align='center'><span><strong>1,024</strong></span></p></td>"
        "<td><p>&nbsp;</p></td><td>x</td></tr></table>"
    )
    assert html.to_text(markup) == "1,024\t\tx"


def test_script_style_noscript_and_comments_are_dropped() -> None:
    markup = """<html><head><title>年度报告</title><style>p { color: red }</style>
      <script>var n = 123;</script></head><body><p>正文<!-- 456 -->内容</p>
      <noscript>789</noscript></body></html>"""
    assert html.to_text(markup) == "年度报告\n正文内容"


def test_block_elements_are_lines_and_inline_elements_are_not() -> None:
    markup = (
        "<div><p>一、总体情况</p><p>主动公开<b>1,320</b>条，<a href='#'>详见</a>附件。</p></div>"
    )
    assert html.to_text(markup) == "一、总体情况\n主动公开1,320条，详见附件。"


def test_a_source_line_break_between_cjk_characters_is_not_a_space() -> None:
    assert html.to_text("<p>深入贯彻\n  落实条例, and\nmore</p>") == "深入贯彻落实条例, and more"


def test_a_table_caption_is_a_line_before_the_rows() -> None:
    markup = (
        "<table><caption>表三：收到和处理政府信息公开申请情况</caption><tr><td>1</td></tr></table>"
    )
    assert html.to_text(markup) == "表三：收到和处理政府信息公开申请情况\n1"


def test_a_nested_table_stays_inside_its_cell() -> None:
    markup = (
        "<table><tr><td>外</td><td><table><tr><td>内1</td><td>内2</td></tr></table></td>"
        "</tr></table>"
    )
    assert html.to_text(markup) == "外\t内1 内2"


def test_empty_rows_are_left_out_and_absurd_spans_are_capped() -> None:
    markup = (
        "<table><tr><td></td></tr><tr><td colspan='100000'>a</td></tr>"
        "<tr><td rowspan='x'>b</td></tr></table>"
    )
    lines = html.to_text(markup).split("\n")
    assert lines[0].split("\t")[:2] == ["a", "a"]
    assert len(lines[0].split("\t")) == 200
    assert lines[1].split("\t")[0] == "b"


def test_input_that_is_not_html_comes_back_as_its_text() -> None:
    assert html.to_text("") == ""
    assert html.to_text("纯文本 1 2 3") == "纯文本 1 2 3"
    assert html.to_text("<<<>>> \x00 </p>") == "<<<>>>"


def test_real_2019_page_rows_come_out_at_full_width() -> None:
    text = html.to_text((CORPUS / "real_2019_shanghai_office.txt").read_text(encoding="utf-8"))
    lines = text.split("\n")
    # Table 2: 本年新公开数量 spans two columns in the header and 13 in the row.
    assert "信息内容\t本年新制作数量\t本年新公开数量\t本年新公开数量\t对外公开总数量" in lines
    assert "规章\t13\t13\t13\t524" in lines
    # Table 3: three label columns then seven applicant columns, blanks kept.
    new_row = "\t".join(
        ["一、本年新收政府信息公开申请数量"] * 3 + ["821", "35", "", "", "2", "1", "859"]
    )
    assert new_row in lines
    assert "三、本年度办理结果\t（三）不予公开\t6.属于四类过程性信息\t3\t1\t\t\t\t\t" in lines
    # Table 4: the fifteen cells of the data row.
    assert "5\t\t\t2\t7\t8\t\t\t1\t9\t\t\t\t\t" in lines
