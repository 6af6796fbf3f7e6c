"""Title, body, year, format, scope and the problems/improvements sections."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.parsing import meta
from app.parsing.text import normalize

CORPUS = Path(__file__).parent / "corpus"


@pytest.mark.parametrize(
    ("text", "body", "year"),
    [
        ("台上镇2009年政府信息公开工作年度报告\n一、基本情况", "台上镇", 2009),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        (
            "2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告根据",
            "上海市人民政府办公厅",
            2025,
        ),
        ("河西乡人民政府2015年度政府信息公开工作报告", "河西乡人民政府", 2015),
        ("某某市档案局关于2012年政府信息公开工作的年度报告", "某某市档案局", 2012),
        ("某某县财政局政府信息公开工作2013年度报告", "某某县财政局", 2013),
        ("雲山市財政局２０１４年政府信息公開工作年度報告", "云山市财政局", 2014),
        # The 政府 of the name is also the title's 政府信息公开.
        ("2013年青石镇人民政府信息公开工作年度报告", "青石镇人民政府", 2013),
        # A page's metadata row or date line before the title is not part of the name.
        (
            "索引号 | 公开方式 | 发布机构 |\n"
            "000123/2013-00045 | 主动公开 | 东山县青石镇人民政府 |\n"
            "2013年青石镇人民政府信息公开工作年度报告",
            "青石镇人民政府",
            2013,
        ),
        ("青政〔2016〕3号\n青石镇2015年度政府信息公开工作年度报告", "青石镇", 2015),
        (
            "• 公文生成日期:2017-02-10\n白沙区人民政府2016年政府信息公开工作年度报告",
            "白沙区人民政府",
            2016,
        ),
        (
            "本報告是根據《條例》要求，由雲山市檔案局編制的2014年度政府信息公開年度報告。",
            "云山市档案局",
            2014,
        ),
    ],
)
def test_title_variants(text: str, body: str, year: int) -> None:
    title, found_body, found_year = meta.find_title(normalize(text))
    assert title is not None
    assert (found_body, found_year) == (body, year)


def test_no_title_in_a_news_article() -> None:
    assert meta.find_title(normalize("本报讯 昨日，市政府召开常务会议。")) == (None, None, None)


@pytest.mark.parametrize(
    ("text", "year", "expected"),
    [
        ("一、概述\n主动公开政府信息100条", 2012, ("pre2019", False)),
        ("本年新收政府信息公开申请数量\t5\n本年新制作数量\t本年新公开数量", 2020, ("2019", True)),
        (
            "本年新收政府信息公开申请数量\t5\n本年制发件数\t本年废止件数\t现行有效件数",
            2021,
            ("2021", True),
        ),
        # Labels decide, not the year: a 2021 report printed in the old table layout.
        ("本年新收政府信息公开申请数量\n本年新制作数量\t对外公开总数量", 2021, ("2019", True)),
        ("申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请\t0", 2022, ("2021", True)),
        ("本年度办理结果", 2020, ("2019", True)),
        ("一、总体情况\n全年主动公开…", 2023, ("2021", False)),
    ],
)
def test_format_detection(text: str, year: int, expected: tuple[str, bool]) -> None:
    assert meta.detect_format(text, year) == expected


@pytest.mark.parametrize(
    "text",
    [
        "本报告由县政府办公室汇总全县各乡镇人民政府和县政府各部门的年度报告编制而成。",
        "本报告由市政府办公室综合各县、区人民政府和市政府各部门政府信息公开工作情况编制。",
        "本报告根据各县(市、区)政府和市直各部门报送的年度报告汇总编制。",
        "结合2016年全县各乡镇人民政府及县直各工作部门的政府信息公开工作年度报告编成本报告。",
        "2023年,全区主动公开政府信息1203条。",
        "2024年,全市共受理政府信息公开申请52件,结转上年2件。",
        "2011年度,某某市各部门共接受公众政府信息公开咨询约900人次。",
    ],
)
def test_aggregate_scope(text: str) -> None:
    assert meta.detect_scope(normalize(text).text) == "aggregate"


@pytest.mark.parametrize(
    "text",
    [
        "组织开展了全市政务公开业务培训，指导各区开展试点。",
        "结合各部门工作实际，制定了年度工作要点，编制了公开目录。",
        "2023年,全镇主动公开政府信息88条。",  # a town's own count
    ],
)
def test_self_scope_when_only_mentioning_the_whole_city(text: str) -> None:
    assert meta.detect_scope(normalize(text).text) == "self"


def test_sections_split_by_subheadings() -> None:
    text = (
        "五、存在的主要问题及改进情况\n（一）主要问题\n一是公开不及时。\n"
        "（二）改进措施\n一是加强考核。\n六、其他需要报告的事项\n无。"
    )
    problems, improvements = meta.find_sections(normalize(text))
    assert problems == "一是公开不及时。"
    assert improvements == "一是加强考核。"


def test_sections_split_at_improvement_wording_and_site_footer_dropped() -> None:
    text = (
        "五、存在的问题及改进措施\n工作中存在以下主要问题:公开内容不全面。改进措施:加强学习。"
        "\n\n政府信息公开年报"
    )
    problems, improvements = meta.find_sections(normalize(text))
    assert problems == "工作中存在以下主要问题:公开内容不全面。"
    assert improvements == "改进措施:加强学习。"


def test_section_without_a_split_is_all_problems() -> None:
    problems, improvements = meta.find_sections(normalize("六、存在的主要问题\n人手不足。"))
    assert (problems, improvements) == ("人手不足。", None)


def test_sections_of_the_2025_sample_lacking_the_section_heading() -> None:
    norm = normalize((CORPUS / "real_2025_shanghai_office.txt").read_text(encoding="utf-8"))
    problems, improvements = meta.find_sections(norm)
    assert problems is not None and problems.startswith("总体来看，我市政务公开工作基础持续巩固")
    assert problems.endswith("能力尚需进一步提高。")
    assert improvements is not None and improvements.startswith("针对 2024 年工作中存在的主要问题")
    assert "六、其他需要报告的事项" not in problems + improvements


def test_the_2009_sample() -> None:
    norm = normalize((CORPUS / "real_2009_taishang.txt").read_text(encoding="utf-8"))
    info = meta.detect(norm)
    assert (info.title, info.body_name, info.year) == (
        "台上镇2009年政府信息公开工作年度报告",
        "台上镇",
        2009,
    )
    assert (info.format, info.scope, info.has_tables) == ("pre2019", "self", False)
    assert info.problems is not None and info.problems.endswith("长效工作机制建设仍需完善。")
    assert info.improvements is not None
    assert info.improvements.startswith("结合存在的问题和不足，我市将在今后的工作中进一步改进：")
    assert info.improvements.endswith("确保我市信息公开工作制度化、规范化、完整化。")


def test_year_from_the_statistics_period_when_no_title() -> None:
    text = "一、概述\n本报告所列数据的统计期限自2013年1月1日起至2013年12月31日止。主动公开信息。"
    info = meta.detect(normalize(text))
    assert (info.year, info.format) == (2013, "pre2019")
    assert [w.code for w in info.warnings] == ["year_guessed"]


@pytest.mark.parametrize(
    ("text", "body"),
    [
        ("本年度报告根据《条例》要求，由青禾镇编制的2011年政府信息公开年度报告。", "青禾镇"),
        ("根据《条例》的规定，现公布2013年石门乡政府信息公开工作年度报告。", "石门乡"),
        # The office compiles its government's report.
        (
            "根据《中华人民共和国政府信息公开条例》要求，由安平县人民政府办公室编制。",
            "安平县人民政府",
        ),
        ("本报告是根据《条例》要求，由石门乡人民政府党政办公室编制。", "石门乡人民政府"),
        ("本报告由县政府办公室编制。", None),
        ("根据《条例》要求，本报告由我局编制。", None),
        # Not the report's compiler.
        ("由于人员变动，指南由档案馆编制。", None),
    ],
)
def test_body_named_in_the_opening_sentences(text: str, body: str | None) -> None:
    assert meta.body_in_text(normalize(text).text) == body


@pytest.mark.parametrize(
    ("text", "body"),
    [
        (
            "依据《条例》要求,现公开某某市某区人民政府办公室2025年政府信息公开工作年度报告,"
            "本报告所列数据的统计期限自2025年1月1日至2025年12月31日。",
            "某某市某区人民政府办公室",
        ),
        (
            "关于2022年度政府信息公开情况的报告\n一、总体情况\n"
            "2022年,某区住房保障工作办公室认真贯彻落实《条例》要求。",
            "某区住房保障工作办公室",
        ),
        # "我局" names no body.
        (
            "关于2022年度政府信息公开情况的报告\n一、总体情况\n2022年,我局认真贯彻落实《条例》。",
            None,
        ),
        (
            "一、总体情况\n2023年,在区委、区政府的坚强领导下,某洲街道办事处认真贯彻落实《条例》。",
            "某洲街道办事处",
        ),
        (
            "一、总体情况\n(一)主动公开情况。2020年,某庆市财政局共主动公开各类政府信息480条。",
            "某庆市财政局",
        ),
        (
            "本报告由某宁市某州区财政局按照《中华人民共和国政府信息公开条例》要求编制。\n"
            "一、总体情况\n",
            "某宁市某州区财政局",
        ),
    ],
)
def test_body_in_an_opening_sentence_that_publishes_or_opens_the_overview(
    text: str, body: str | None
) -> None:
    assert meta.detect(normalize(text)).body_name == body


def test_body_from_the_text_only_without_a_title_name() -> None:
    text = "白沙区人民政府2016年政府信息公开工作年度报告\n本报告由白沙区人民政府办公室编制。"
    assert meta.detect(normalize(text)).body_name == "白沙区人民政府"
    untitled = "根据《条例》要求，由青禾镇编制的2011年政府信息公开年度报告。主动公开信息。"
    assert meta.detect(normalize(untitled)).body_name == "青禾镇"


_RUN_ON_BODY = (
    "2020年,开发区在县委、县政府领导下,认真贯彻落实《条例》,依法公开政府信息,"
    "全年主动公开政府信息31条,未收到政府信息公开申请,未发生行政复议、行政诉讼。" * 2
)


def test_a_title_running_into_the_text_on_one_line_is_the_title() -> None:
    text = "示例县高新技术开发区2020年政府信息公开工作年度报告" + _RUN_ON_BODY
    title, body, year = meta.find_title(normalize(text))
    assert (title, body, year) == (
        "示例县高新技术开发区2020年政府信息公开工作年度报告",
        "示例县高新技术开发区",
        2020,
    )


@pytest.mark.parametrize(
    "opening",
    [
        # A sentence about the report, not its title.
        "现将示例县高新技术开发区2020年政府信息公开工作年度报告公布如下",
        "示例县高新技术开发区2020年政府信息公开工作年度报告如下",
        "示例县高新技术开发区2020年政府信息公开工作年度报告已经编制完成",
    ],
)
def test_a_long_line_opening_with_a_sentence_about_the_report_is_no_title(opening: str) -> None:
    assert meta.find_title(normalize(opening + _RUN_ON_BODY)) == (None, None, None)


def test_a_cover_notice_gives_the_quoted_report_and_its_body() -> None:
    text = (
        "示例县白沙镇人民政府关于公布《白沙镇2010年政府信息公开年度报告》的通知\n"
        "各村委会:\n现将报告公布如下。"
    )
    assert meta.find_title(normalize(text)) == (
        "白沙镇2010年政府信息公开年度报告",
        "白沙镇",
        2010,
    )


@pytest.mark.parametrize(
    "text",
    [
        # The 政府 of 政府信息公开 is no body.
        "根据《条例》规定,特向社会公布2016年度政府信息公开年度报告。本报告由概述等五部分组成。",
        "2016年度政府信息公开工作年度报告\n一、概述",
    ],
)
def test_a_bare_generic_word_is_never_the_body(text: str) -> None:
    assert meta.detect(normalize(text)).body_name is None


@pytest.mark.parametrize(
    ("text", "body", "year"),
    [
        # A breadcrumb trail before the title is the site's, not the report's.
        (
            "首页 > 政务公开 > 政府信息公开年报\n\n2019年某省贸易厅政府信息公开工作年度报告\n",
            "某省贸易厅",
            2019,
        ),
        (
            "首页 > 政务公开 > 年报 > 2021 > 街道办事处政府信息公开工作年度报告\n"
            "2021年青桥路街道政府信息公开工作年度报告\n",
            "青桥路街道",
            2021,
        ),
        # A page label from a flip-book conversion.
        ("Page 8 - 某市某区档案局2022年政府信息公开工作年度报告\nP. 8\n", "某市某区档案局", 2022),
        # No year in the title: the year comes from the text.
        (
            "某市科学技术局\n政府信息公开工作年度报告\n为做好工作，根据2020年政务公开工作要点，"
            "本报告所列数据的统计期限自2020年1月1日起至2020年12月31日。\n",
            "某市科学技术局",
            2020,
        ),
        # A page header repeating the body above the title line is not part of the title.
        (
            " 某某县人民政府\n      某某县人民政府\n\n  某某县人民政府2021年度\n信息公开年度报告\n",
            "某某县人民政府",
            2021,
        ),
        # The traditional variant 陜 of a province's name.
        ("陜西省某某廳2022年政府信息公開工作年度報告\n", "陕西省某某厅", 2022),
        # A breadcrumb trail with slashes, and the site's own links, above the title.
        (
            "首页 / 政府信息公开 / 政府信息公开年报 / 正文\n\n松河区教育局2019年政府信息公开工作"
            "年度报告\n一、总体情况\n",
            "松河区教育局",
            2019,
        ),
        (
            "登录    注册\n\n无障碍浏览\n\n青石街道办事处2020年政府信息公开工作年度报告\n",
            "青石街道办事处",
            2020,
        ),
        (
            "返回首页\n青石乡人民政府2024年政府信息公开工作年度报告\n来源:青石乡\n",
            "青石乡人民政府",
            2024,
        ),
        # "由…组织编制": the office compiled the government's report.
        (
            "本报告根据《条例》要求,由松河县人民政府办公室组织编制。报告包括总体情况。\n"
            "一、总体情况\n2022年,松河县主动公开政府信息1200条。\n",
            "松河县人民政府",
            2022,
        ),
        # The office compiled the government's report, named after 编制了.
        (
            "根据《条例》规定，松河区政务公开领导小组办公室编制了2019年松河区人民政府信息公开"
            "工作年度报告。\n一、总体情况\n",
            "松河区人民政府",
            2019,
        ),
    ],
)
def test_title_behind_page_furniture_and_without_a_year(text: str, body: str, year: int) -> None:
    info = meta.detect(normalize(text))
    assert (info.body_name, info.year) == (body, year)


def test_a_title_repeated_under_the_body_name_gives_the_body() -> None:
    text = (
        "关怀版 无障碍 无障碍\n您当前所在位置: 首页 > 乡(镇)信息公开目录 > 年度报告\n"
        "2012年政府信息公开工作年度报告\n访问量:\n某坑乡人民政府\n"
        "2012年政府信息公开工作年度报告\n根据《条例》要求,特向社会公布本报告。\n"
    )
    info = meta.detect(normalize(text))
    assert (info.body_name, info.year) == ("某坑乡人民政府", 2012)


def test_a_later_title_of_another_year_is_not_the_body() -> None:
    text = "2012年政府信息公开工作年度报告\n访问量:\n上一篇:某坑乡2011年政府信息公开工作年度报告\n"
    info = meta.detect(normalize(text))
    assert (info.body_name, info.year) == (None, 2012)


def test_the_office_that_compiles_by_the_rules_names_its_government() -> None:
    text = "本报告由某宁市人民政府办公室按照《条例》要求编制。\n一、总体情况\n"
    assert meta.detect(normalize(text)).body_name == "某宁市人民政府"


def test_a_sentence_naming_the_compiled_reports_gives_no_body_and_is_aggregate() -> None:
    text = (
        "本报告根据《中华人民共和国政府信息公开条例》(以下简称《条例》)以及2018年度某某市政府"
        "各部门和各区政府的信息公开工作年度报告编制。\n一、概述\n"
    )
    info = meta.detect(normalize(text))
    assert info.body_name is None
    assert info.scope == "aggregate"


def test_a_bare_level_word_is_no_body_name() -> None:
    text = "根据《条例》要求，特编制并向社会公布2021年度街道信息公开年度报告。\n一、总体情况\n"
    assert meta.detect(normalize(text)).body_name is None


@pytest.mark.parametrize(
    ("text", "body"),
    [
        # The page's header title, then the document's own with the fuller name.
        (
            "2016年某归镇政府信息公开年度报告\n某江区某归镇人民政府2016年政府信息公开年度报告\n",
            "某江区某归镇人民政府",
        ),
        # The source line spells out the title's name.
        (
            "2021年区集体经济发展服务署政府信息公开工作年度报告\n"
            "信息提供日期 : 2022-01-21 17:48来源 : 某圳市某田区集体经济发展服务署\n",
            "某圳市某田区集体经济发展服务署",
        ),
        # No name in the text: the source line names the body.
        (
            "信息来源:某塘镇人民政府\n根据《条例》规定,某塘镇政府编制了2016年度报告。\n"
            "一、政府信息主动公开情况\n",
            "某塘镇人民政府",
        ),
        # A name alone above the text.
        (
            "某南区国资局\n根据《条例》要求,现公布区政府国资局2022年政府信息公开工作年度报告。\n",
            "某南区国资局",
        ),
        # A website is no body; nor is another body than the title's.
        (
            "某某县财政局2016年政府信息公开工作年度报告\n来源:某某县人民政府网\n",
            "某某县财政局",
        ),
        (
            "某某县财政局2016年政府信息公开工作年度报告\n来源:某某县人民政府\n",
            "某某县财政局",
        ),
        # The government's office publishes the government's report: it does not spell it out.
        (
            "某某县人民政府2019年政府信息公开工作年度报告\n信息来源:某某县人民政府办公室\n",
            "某某县人民政府",
        ),
        ("某某县2019年政府信息公开工作年度报告\n信息来源:某某县统计局\n", "某某县"),
        # A later title names the body only with divisions before it, not page words.
        (
            "2016年某归镇政府信息公开年度报告\n上一篇\n某归镇人民政府办公室2016年政府信息公开年度报告\n",
            "某归镇",
        ),
    ],
)
def test_the_publisher_names_or_spells_out_the_body(text: str, body: str) -> None:
    assert meta.detect(normalize(text)).body_name == body
