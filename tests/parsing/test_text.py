"""Normalisation keeps offsets into the original; numerals and approximations are read right."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.parsing.text import chinese_to_int, normalize, parse_number


def test_full_width_digits_and_punctuation_become_half_width_with_offsets_kept() -> None:
    original = "主动公开信息１，１００条（其中网上８００条）"
    norm = normalize(original)
    assert norm.text == "主动公开信息1,100条(其中网上800条)"
    start = norm.text.index("1,100")
    s, e = norm.span(start, start + len("1,100"))
    assert original[s:e] == "１，１００"


def test_spaces_beside_chinese_text_are_dropped_but_offsets_point_at_the_original() -> None:
    original = "全年主动公开规章 22 件"
    norm = normalize(original)
    assert norm.text == "全年主动公开规章22件"
    s, e = norm.span(norm.text.index("22"), norm.text.index("22") + 2)
    assert (s, e) == (9, 11)
    assert original[s:e] == "22"


def test_spaces_between_two_numbers_are_kept() -> None:
    assert normalize("规章 22 235").text == "规章22 235"


def test_traditional_characters_become_simplified_one_for_one() -> None:
    original = "行政複議和行政訴訟案件２件"
    norm = normalize(original)
    assert norm.text == "行政复议和行政诉讼案件2件"
    assert len(norm.offsets) == len(original)


def test_pdf_wrapped_lines_are_joined_and_page_numbers_dropped() -> None:
    line = "这是一行被PDF抽取工具按照版面宽度折断的很长的句子内容"
    original = "\n".join([line + "甲", line + "乙", "— 1 —", "结尾。", "二、主动公开"])
    norm = normalize(original)
    assert f"{line}甲{line}乙结尾。" in norm.text
    assert "— 1 —" not in norm.text
    assert norm.text.endswith("\n二、主动公开")
    end = norm.text.index("结尾")
    s, _ = norm.span(end, end + 2)
    assert original[s : s + 2] == "结尾"


@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("一", 1),
        ("十", 10),
        ("十五", 15),
        ("二十六", 26),
        ("两", 2),
        ("一百零五", 105),
        ("一千一百", 1100),
        ("两千", 2000),
        ("三万五千", 35000),
        ("一万零二十", 10020),
        ("二〇〇九", 2009),
        ("零", 0),
    ],
)
def test_chinese_numerals(numeral: str, value: int) -> None:
    assert chinese_to_int(numeral) == value


@pytest.mark.parametrize("numeral", ["", "一二十", "万", "条", "两两"])
def test_malformed_chinese_numerals_give_none(numeral: str) -> None:
    assert chinese_to_int(numeral) is None


def test_numbers_with_separators_decimals_and_wan() -> None:
    assert parse_number("1,100") == parse_number("1100")
    number = parse_number("85.5")
    assert number is not None and number.value == Decimal("85.5")
    number = parse_number("8.6万")
    assert number is not None and number.value == Decimal(86000)
    assert str(number.value) == "86000"


@pytest.mark.parametrize(
    ("before", "token", "after"),
    [
        ("", "10", "余条"),
        ("近", "300", "个"),
        ("", "1600", "多份"),
        ("约", "5", "件"),
        ("", "50", "条左右"),
    ],
)
def test_approximate_markers(before: str, token: str, after: str) -> None:
    number = parse_number(token, before, after)
    assert number is not None and number.approximate


def test_exact_number_is_not_approximate() -> None:
    number = parse_number("1350", "次数", "次，全部")
    assert number is not None
    assert (number.value, number.approximate) == (Decimal(1350), False)


def test_taiwan_style_vocabulary_becomes_mainland_with_offsets_kept() -> None:
    original = "共主動公開政府資訊19條，由某某辦編制"
    norm = normalize(original)
    assert norm.text == "共主动公开政府信息19条,由某某办编制"
    assert len(norm.offsets) == len(original)
    assert normalize("政务资讯").text == "政务资讯"


def test_taiwan_style_file_word_becomes_mainland_but_archives_stay() -> None:
    original = "制發規範性檔案3件,部門檔案類信息2條,市檔案館"
    norm = normalize(original)
    assert norm.text == "制发规范性文件3件,部门文件类信息2条,市档案馆"
    assert len(norm.offsets) == len(original)
    assert normalize("规范性档案").text == "规范性档案"  # simplified text is left alone


def test_pinyin_glosses_of_mirror_pages_are_dropped_with_offsets_kept() -> None:
    # Mirror pages print a reading after some characters: "报(bào)告", "数(shù)据".
    original = "本報(bào)告所列數(shù)據(jù)截至年底。主動(dòng)公開信息12條。(一)概述 (2019)"
    norm = normalize(original)
    assert norm.text == "本报告所列数据截至年底。主动公开信息12条。(一)概述(2019)"
    start = norm.text.index("主动")
    s, e = norm.span(start, start + 4)
    assert original[s:e] == "主動(dòng)公開"
