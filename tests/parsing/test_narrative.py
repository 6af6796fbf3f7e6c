"""Numbers in the prose: wording variants, zeros, lists, approximations, inferences, traps."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.parsing import NotAReport, html, narrative, parse
from app.parsing.draft import DraftValue
from app.parsing.text import normalize

CORPUS = Path(__file__).parent / "corpus"


def values_of(text: str) -> dict[str, DraftValue]:
    found, _ = narrative.extract(normalize(text))
    return {value.metric: value for value in found}


def numbers_of(text: str) -> dict[str, Decimal | None]:
    return {metric: value.value for metric, value in values_of(text).items()}


@pytest.mark.parametrize(
    ("sentence", "metric", "number"),
    [
        ("2010年主动公开政府信息10余条。", "proactive.total", 10),
        ("公开信息总数为1100条，", "proactive.total", 1100),
        ("全年共公开各类信息2,415条。", "proactive.total", 2415),
        ("我局累计公开政府信息285条。", "proactive.total", 285),
        ("人员配置53人。", "staff.total", 53),
        ("现有工作人员4名。", "staff.total", 4),
        ("其中专职人员8人、", "staff.full_time", 8),
        ("兼职人员两名。", "staff.part_time", 2),
        ("举办培训次数3次，", "training.sessions", 3),
        ("组织开展政府信息公开专题培训4场次。", "training.sessions", 4),
        ("参加培训二十六人次。", "training.attendances", 26),
        ("申请公开的政府信息次数1350次，", "requests.new.total", 1350),
        ("受理政府信息公开申请859件，", "requests.new.total", 859),
        ("共收到政府信息公开申请１７件。", "requests.new.total", 17),
        ("共受理依申请公开23件。", "requests.new.total", 23),
        ("依申请公开共受理4件，均已按时答复。", "requests.new.total", 4),
        ("全年发生依申请公开3次。", "requests.new.total", 3),
        ("全年青石镇人民政府网站共公开政府信息412条。", "proactive.online.items", 412),
        ("其中网上申请30件。", "requests.channel.online", 30),
        ("同意公开71件。", "requests.granted.total", 71),
        ("同意部分公开6件。", "requests.partial.total", 6),
        ("不予公开9件。", "requests.legacy_refused.total", 9),
        ("否决公开答复数为0。", "requests.legacy_refused.total", 0),
        ("行政复议2件。", "review.total", 2),
        ("引发行政复议案件12件、行政诉讼案件5件。", "litigation.total", 5),
        ("收费金额为1500元，", "fees.total", 1500),
        ("收取检索、复制、邮寄等成本费用共计85.5元。", "fees.cost_recovery", Decimal("85.5")),
        ("其他费用数为0。", "fees.other", 0),
        ("设立公共信息查阅点数为38处，", "reading_points.total", 38),
        ("设立政府信息公开查阅点近200个。", "reading_points.total", 200),
        ("专栏点击量达56万余次。", "proactive.online.visits", 560000),
        ("全市共主动公开政府信息8.6万余条。", "proactive.total", 86000),
        ("本年共制发政府信息130件，其中主动公开18件，", "proactive.total", 18),
        ("2019年收到申请公开0条。", "requests.new.total", 0),
        ("本街道共收到12件信息依申请公开，", "requests.new.total", 12),
        ("上年结转政府信息公开办理数量1件，", "requests.carried_in.total", 1),
        ("共办结政府信息公开申请16件，", "requests.total_handled.total", 16),
        ("结转至2024年办理1件。", "requests.carried_out.total", 1),
        ("其中10件已经按时答复，剩余2件结转下年度继续办理。", "requests.carried_out.total", 2),
        ("纸质申请36件，顺延至下一年答复2件。", "requests.carried_out.total", 2),
        ("明确1名工作人员专职负责政府信息公开工作。", "staff.full_time", 1),
        ("指定2名工作人员兼职负责信息公开。", "staff.part_time", 2),
        ("明确1名工作人员作为专职信息公开员，", "staff.full_time", 1),
        ("省文化厅收到2宗正式提交的政府信息公开申请，", "requests.new.total", 2),
        ("2012年共收到2份书面政府信息公开申请，", "requests.new.total", 2),
        ("本年度共制作政府信息184条，其中主动公开55条，", "proactive.total", 55),
        ("据统计，2016年，我委公开政府信息728条。", "proactive.total", 728),
    ],
)
def test_wording_variants(sentence: str, metric: str, number: int | Decimal) -> None:
    assert numbers_of(sentence).get(metric) == number


@pytest.mark.parametrize(
    ("sentence", "metric", "approximate"),
    [
        ("主动公开政府信息10余条。", "proactive.total", True),
        ("配备政府信息公开工作人员1,200人左右。", "staff.total", True),
        ("共收到政府信息公开申请1,300多件。", "requests.new.total", True),
        ("受理政府信息公开申请1300件。", "requests.new.total", False),
    ],
)
def test_approximate_numbers_are_marked(sentence: str, metric: str, approximate: bool) -> None:
    value = values_of(sentence)[metric]
    assert (value.how == "approximate") is approximate


@pytest.mark.parametrize(
    ("sentence", "zeros"),
    [
        ("2010年,我局没有受理信息公开申请。", {"requests.new.total"}),
        ("2016年，我局依申请公开办理事项为零。", {"requests.new.total"}),
        (
            "我市在2009年没有接收到任何申请行政复议、提起行政诉讼的情况。",
            {"review.total", "litigation.total"},
        ),
        ("我局没有收到有关政府信息公开行政复议申请。", {"review.total"}),
        (
            "本局未发生因政府信息公开申请提起的行政复议、行政诉讼和行政申诉案件。",
            {"review.total", "litigation.total", "complaints.total"},
        ),
        (
            "本乡无因政府信息公开引起的行政复议、行政诉讼案件。",
            {"review.total", "litigation.total"},
        ),
        ("本局全年未收取任何费用。", {"fees.total"}),
        ("我镇在政府信息公开工作中没有收取任何费用。", {"fees.total"}),
        ("2025 年度本机关未收取信息公开处理费。", {"fees.information_processing"}),
        (
            "全年无针对本局政府信息公开事务申请行政复议、提起行政诉讼的案件。",
            {"review.total", "litigation.total"},
        ),
        # The second statement is about refusals; the first still counts.
        (
            "本年度未收到信息公开的申请和未涉及“不予公开”的政府信息。",
            {"requests.new.total", "requests.legacy_refused.total"},
        ),
        ("本年度我乡没有接到群众主动要求公开政府信息的书面申请。", {"requests.new.total"}),
        (
            "本年度无一例因政府信息公开申请行政复议和提起行政诉讼发生。",
            {"review.total", "litigation.total"},
        ),
        ("2022年度我乡无依法申请公开件。", {"requests.new.total"}),
        ("五、行政复议和行政诉讼情况:无。", {"review.total", "litigation.total"}),
        ("三、依申请公开情况:无。", {"requests.new.total"}),
        # A heading run into its text: its 收费 is not the statement's.
        (
            "三、政府信息公开收费和减免情况 本年度我镇没有依申请公开信息情况，"
            "因此未发生依申请公开信息收费和费用减免情况。",
            {"requests.new.total", "fees.total"},
        ),
    ],
)
def test_zero_statements(sentence: str, zeros: set[str]) -> None:
    assert numbers_of(sentence) == dict.fromkeys(zeros, Decimal(0))


@pytest.mark.parametrize(
    "sentence",
    [
        # Not a count of reviews: no review was *corrected*, no suit *lost*.
        "全年未发生因依申请公开被行政复议纠错或行政诉讼败诉情形。",
        # Granted and partial together: neither metric alone.
        "予以公开及部分公开258件，占33.9%；",
        # A Chinese numeral that is not a count of refusals.
        "进一步做好公开和不予公开两类信息的界定。",
        # Last year's number.
        "比上年的1,980条增加435条。",
        # Site traffic is not the disclosure column's clicks.
        "政府门户网站全年访问量超过2,000万人次。",
        # Other publications: not proactive disclosure items.
        "共发布各类信息 13528 条，总浏览量为 536 万。",
        "全年某县人民政府网站共发布各类信息8632条。",
        "全年主动公开市政府规章 22 件、行政规范性文件 34 件。",
        "公开答复数100%。",
        # "全年无" about something else, and about corrections rather than cases.
        "全年无重大失泄密事件。",
        "全年无因政府信息公开被行政复议纠错的情况。",
        # One channel's count is not the total; last year's carried-out is this year's in.
        "本年度共收到5件网络依申请公开，",
        "2019年度结转2020年办理的3件。",
        # "So far": since when is not said, so it is not the year's figure.
        "截至目前，通过某区政府部门公开网站主动公开政府信息32条。",
    ],
)
def test_precision_traps_give_nothing(sentence: str) -> None:
    assert numbers_of(sentence) == {}


def test_a_websites_count_is_not_the_years_total() -> None:
    found = numbers_of("通过政府信息公开门户网站共公开信息35条，")
    assert found == {"proactive.online.items": 35}


def test_respectively_lists_assign_in_order() -> None:
    found = numbers_of(
        "其中当面申请、网上申请、信函申请分别为20件、38件、6件。专职、兼职人员分别为4人、19人。"
    )
    assert found == {
        "requests.channel.in_person": 20,
        "requests.channel.online": 38,
        "requests.channel.letter": 6,
        "staff.full_time": 4,
        "staff.part_time": 19,
    }


def test_list_with_unclear_items_is_left_out_with_a_warning() -> None:
    found, warnings = narrative.extract(normalize("当面申请和其他途径分别为3件、4件、5件。"))
    assert found == []
    assert [w.code for w in warnings] == ["ambiguous_number"]


def test_both_zero_statement() -> None:
    assert numbers_of("行政复议和行政诉讼均为零。") == {"review.total": 0, "litigation.total": 0}


def test_a_metric_stated_twice_with_different_numbers_is_dropped_with_a_warning() -> None:
    found, warnings = narrative.extract(normalize("人员配置5人。…… 人员配置6人。"))
    assert found == []
    assert warnings[0].code == "ambiguous_number"
    assert warnings[0].metrics == ("staff.total",)


def test_all_granted_and_all_in_person_are_inferred_from_the_request_count() -> None:
    found = values_of("申请公开的政府信息次数1350次，全部为当面申请数；全部同意公开答复。")
    assert found["requests.granted.total"].value == 1350
    assert found["requests.granted.total"].how == "inferred"
    assert found["requests.channel.in_person"].value == 1350
    assert found["requests.channel.fax"].value == 0
    assert found["requests.new.total"].how == "printed"


def test_no_inference_from_an_approximate_request_count() -> None:
    assert "requests.granted.total" not in values_of("受理政府信息公开申请10余件，全部予以公开。")


def test_evidence_points_into_the_original_text() -> None:
    original = "一、概述\n　　全年主动公開政府信息３２６條，其中規範性文件類１２條。"
    found, _ = narrative.extract(normalize(original))
    by_metric = {v.metric: v for v in found}
    evidence = by_metric["proactive.total"].evidence
    assert evidence is not None
    assert evidence.snippet == "主动公開政府信息３２６條"
    assert original[evidence.start : evidence.end] == evidence.snippet


def test_table_lines_are_not_read_as_prose() -> None:
    assert numbers_of("（一）予以公开\t5件\t0\n行政复议\t3件") == {}


def test_the_2010_sample_values_and_evidence() -> None:
    source = (CORPUS / "real_2010_penglai_stats.txt").read_text(encoding="utf-8")
    draft = parse(source)
    found = {v.metric: v for v in draft.values}
    assert {m: v.value for m, v in found.items()} == {
        "proactive.total": 10,
        "requests.new.total": 0,
        "review.total": 0,
    }
    assert found["proactive.total"].how == "approximate"
    evidence = found["requests.new.total"].evidence
    assert (
        evidence is not None and source[evidence.start : evidence.end] == "我局没有受理信息公开申请"
    )


def test_prose_contradicting_the_table_keeps_the_table_and_warns() -> None:
    source = (CORPUS / "real_2019_shanghai_office.txt").read_text(encoding="utf-8")
    changed = source.replace("信息公开类行政复议7件", "信息公开类行政复议8件")
    assert changed != source
    draft = parse(changed)
    assert [v.value for v in draft.values if v.metric == "review.total"] == [7]
    conflicts = [w for w in draft.warnings if w.code == "text_vs_table"]
    assert [w.metrics for w in conflicts] == [("review.total",)]


def test_prose_only_values_of_a_table_report_are_kept_where_the_format_stores_them() -> None:
    draft = parse((CORPUS / "real_2025_shanghai_office.txt").read_text(encoding="utf-8"))
    found = {v.metric: v.value for v in draft.values}
    assert found["fees.information_processing"] == 0
    # "不予公开 20 件" is the 2019+ derived refusal total, never the pre-2019 metric.
    assert "requests.legacy_refused.total" not in found
    assert not [w for w in draft.warnings if w.code == "text_vs_table"]


@pytest.mark.parametrize(
    "source",
    [
        "",
        "   \n\t ",
        "\x00\x01\x02binary\x00",
        "本报讯 昨日，市政府召开常务会议，研究部署下一步工作。",
    ],
)
def test_not_a_report(source: str) -> None:
    with pytest.raises(NotAReport):
        parse(source)


def test_a_news_article_about_disclosure_is_not_a_report() -> None:
    article = (
        "记者从市政府获悉，我市将进一步推进政府信息公开，主动公开政府信息。市民可登录网站查阅。"
    )
    with pytest.raises(NotAReport):
        parse(article)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.txt")), ids=lambda p: p.stem)
def test_truncated_documents_give_a_draft_or_not_a_report(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    for cut in range(0, len(source), max(1, len(source) // 25)):
        try:
            draft = parse(source[:cut])
        except NotAReport:
            continue
        # Evidence of HTML points into the text html.to_text made of it.
        parsed = html.to_text(source[:cut]) if "<p" in source else source
        for value in draft.values:
            if value.evidence is not None:
                assert parsed[value.evidence.start : value.evidence.end] == value.evidence.snippet


_FUZZ_ALPHABET = list(
    "０１２3456789一二十百千万两余近约条件人次元，。；、：（）\n\t "
    "公开申请行政复议诉讼收费没有未为零全部同意"
)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.sampled_from(_FUZZ_ALPHABET), max_size=300))
def test_arbitrary_text_never_crashes_the_parser(source: str) -> None:
    prefix = "某县2012年政府信息公开工作年度报告\n主动公开 依申请 行政复议 收费\n"
    try:
        draft = parse(prefix + source)
    except NotAReport:
        return
    for value in draft.values:
        assert value.evidence is not None
        assert (prefix + source)[
            value.evidence.start : value.evidence.end
        ] == value.evidence.snippet


def test_appended_statistics_table_rows() -> None:
    text = (
        "附表：2016年政府信息公开情况统计表\n统计指标 单位 统计数\n"
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 条 1520\n"
        "其中：主动公开规范性文件数 条 23\n"
        "（一）收到申请数 件 12\n"
        "4.不同意公开答复数 件 1\n"
        "六、依申请公开信息收取的费用 万元 0.05\n"
        "1.专职人员数（不包括政府公报及政府网站工作人员数） 人 1\n"
        "（一）召开政府信息公开工作会议或专题会议数 次 2\n"
    )
    assert numbers_of(text) == {
        "proactive.total": 1520,
        "requests.new.total": 12,
        "requests.legacy_refused.total": 1,
        "fees.total": 500,
        "staff.full_time": 1,
    }


def test_statistics_rows_in_html_cells_separated_by_tabs() -> None:
    assert numbers_of("（三）从事政府信息公开工作人员数\t人\t5\n2.兼职人员数\t人\t4") == {
        "staff.total": 5,
        "staff.part_time": 4,
    }


def test_nothing_under_a_heading_is_zero_for_the_heading_items() -> None:
    text = "四、政府信息公开的收费及减免情况\n无。\n五、行政复议、行政诉讼情况\n本年度无。\n"
    assert numbers_of(text) == {"fees.total": 0, "review.total": 0, "litigation.total": 0}


def test_no_request_under_each_heading() -> None:
    text = (
        "三、依申请公开政府信息和不予公开政府信息情况\n某镇2016年度无申请。\n"
        "四、依申请公开政府信息收费及减免情况\n某镇2016年度无申请。\n"
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n我镇2016年度无申请。\n"
    ).replace("某镇", "我镇")
    # "无申请" under the fees heading says nothing of fees.
    assert numbers_of(text) == {"requests.new.total": 0, "review.total": 0, "litigation.total": 0}


def test_a_towns_year_opening_with_what_it_published() -> None:
    text = "2016年镇政府信息公开全年发布各类信息132条,其中业务类30条。"
    assert numbers_of(text).get("proactive.total") == 132


def test_requests_received_by_the_request_system() -> None:
    assert numbers_of("2016年,政府信息依申请公开系统共收到2宗信息。") == {"requests.new.total": 2}


def test_every_reconsideration_upheld() -> None:
    got = numbers_of("全年办理政府信息公开类行政复议5件,均获维持;")
    assert got == {"review.total": 5, "review.upheld": 5}


def test_the_years_channels_with_the_website_first_give_the_total() -> None:
    got = numbers_of("某市2019年通过政府网站、信息查阅场所等公开信息2100条。")
    assert got == {"proactive.total": 2100}
    # Some channels only: no total.
    assert numbers_of("通过宣传资料、村村通广播等方式公开政府信息34条;") == {}


def test_no_cost_recovery_fee_when_no_request_came() -> None:
    got = numbers_of("本年未收到申请,因此未产生依申请信息检索、复印、邮递等成本费用。")
    assert got == {"requests.new.total": 0, "fees.total": 0, "fees.cost_recovery": 0}


def test_shenshu_slip_for_shensu_is_still_complaints() -> None:
    text = "我镇2014年度未发生针对本单位政府信息公开事务的行政复议案、诉讼和申述的情况。"
    assert numbers_of(text) == {"review.total": 0, "litigation.total": 0, "complaints.total": 0}


def test_quoted_outcome_labels() -> None:
    found = numbers_of(
        "已答复的申请中，“同意公开”的105件，“同意部分公开”的9件，“不同意公开”的12件。"
    )
    assert found == {
        "requests.granted.total": 105,
        "requests.partial.total": 9,
        "requests.legacy_refused.total": 12,
    }


def test_all_requests_online_and_all_staff_part_time_are_inferred() -> None:
    found = values_of("工作人员共二人（均为兼职）。共接到政府信息公开申请9件，均为网上申请。")
    assert {m: v.value for m, v in found.items()} == {
        "staff.total": 2,
        "staff.part_time": 2,
        "staff.full_time": 0,
        "requests.new.total": 9,
        "requests.channel.online": 9,
        "requests.channel.in_person": 0,
        "requests.channel.fax": 0,
        "requests.channel.email": 0,
        "requests.channel.letter": 0,
        "requests.channel.other": 0,
    }
    assert found["staff.part_time"].how == "inferred"
    assert found["staff.total"].how == "printed"


def test_training_attendance_is_not_staff() -> None:
    assert numbers_of("培训工作人员50人次。") == {"training.attendances": 50}


def test_a_stock_is_not_the_year_figure_and_the_year_addition_is() -> None:
    found = values_of("截至2016年底，我镇在区政府网站共主动公开政府信息480条，今年新增57条。")
    assert {m: v.value for m, v in found.items()} == {"proactive.total": 57}
    evidence = found["proactive.total"].evidence
    assert evidence is not None and evidence.snippet.endswith("今年新增57条")


@pytest.mark.parametrize(
    "sentence",
    [
        "截止2015年12月31日，全镇累计主动公开政府信息230条。",
        "本局到2015年底累计公开政府信息230条。",
    ],
)
def test_a_stock_to_a_date_is_not_the_year_figure(sentence: str) -> None:
    assert numbers_of(sentence) == {}


def test_a_year_total_to_a_date_is_read() -> None:
    assert numbers_of("截至2015年12月31日，全年累计主动公开政府信息230条。") == {
        "proactive.total": 230
    }


def test_a_stock_without_the_year_addition_is_still_read() -> None:
    # "截至<year end>…共" alone is how many reports state the year's count.
    assert numbers_of("截至2016年12月31日，共主动公开政府信息480条。") == {"proactive.total": 480}


def test_staff_stated_with_this_year_addition_keep_the_stock() -> None:
    assert numbers_of("现有工作人员6人，本年新增2人。") == {"staff.total": 6}


@pytest.mark.parametrize(
    "sentence",
    [
        # A report's own classes: neither its 政策规范性文件类 nor its 其他类 are the template's.
        "在公开的信息中，政策规范性文件类信息35条；规划计划类信息6条；业务类信息12条；其他类信息20条。",
        "其中工作动态类18条；规范性文件类4条；其他类2条。",
        "政策规范性文件类信息35条。",
        # "其他类" and a short label need the template's list around them.
        "其他类信息20条。",
        "规范性文件信息6条。",
    ],
)
def test_content_classes_of_a_local_list_are_left_out(sentence: str) -> None:
    assert numbers_of(sentence) == {}


def test_template_classes_with_short_labels_and_one_number_for_each() -> None:
    found = numbers_of(
        "其中，规范性文件信息6条，规划计划和完成情况类信息4条，"
        "公共资金使用信息、机构调整和人员变动类信息各3条。"
    )
    assert found == {
        "proactive.by_content.normative_docs": 6,
        "proactive.by_content.plans": 4,
        "proactive.by_content.public_funds": 3,
        "proactive.by_content.organization": 3,
    }


def test_a_lone_class_under_its_full_template_label_is_read() -> None:
    assert numbers_of("其中，规范性文件类信息9条，占2%。") == {
        "proactive.by_content.normative_docs": 9
    }


def test_one_number_for_each_of_two_channels() -> None:
    assert numbers_of("当面申请、网上申请各2件。") == {
        "requests.channel.in_person": 2,
        "requests.channel.online": 2,
    }


def test_each_over_items_that_are_not_metrics_gives_nothing() -> None:
    assert numbers_of("各乡镇、各部门各确定2名联络员。") == {}


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "局里为此配备了3名专职工作人员和5名兼职人员。",
            {"staff.full_time": 3, "staff.part_time": 5},
        ),
        ("办公室明确2名兼职信息公开工作人员负责网站更新。", {"staff.part_time": 2}),
        ("在镇文化站设立了两处政府信息公开查阅点。", {"reading_points.total": 2}),
        ("在图书馆设置3个公开查询点。", {"reading_points.total": 3}),
        ("上半年、下半年两次举办政府信息公开业务培训。", {"training.sessions": 2}),
    ],
)
def test_number_before_the_label(sentence: str, expected: dict[str, int]) -> None:
    assert numbers_of(sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        # Trained, not employed.
        "对全镇50名兼职人员进行了培训。",
        "安排了20名兼职工作人员参加培训。",
        # A frequency and an ordinal are not a count of sessions.
        "坚持每季度1次组织业务培训。",
        "这是第2次举办此类培训。",
        # Not the staff the body has.
        "组织20名专职人员开展检查。",
    ],
)
def test_number_before_the_label_traps(sentence: str) -> None:
    assert numbers_of(sentence) == {}


def test_channels_counted_in_zong_and_tiao() -> None:
    assert numbers_of("其中当面申请3宗，网上申请5宗，信函申请0宗。") == {
        "requests.channel.in_person": 3,
        "requests.channel.online": 5,
        "requests.channel.letter": 0,
    }
    assert numbers_of("当面申请数为4条，同意公开答复4条。") == {
        "requests.channel.in_person": 4,
        "requests.granted.total": 4,
    }


def test_reading_point_visits_counted_in_ci() -> None:
    assert numbers_of("政府信息查阅点接待公众查阅15次。") == {"reading_points.visitors": 15}
    # Without the reading point, "查询N次" may be calls or consultations.
    assert numbers_of("全年接待公众查询15次。") == {}


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("本年度我辦共主動公開政府資訊23條。", 23),
        ("门户网站发布各类信息5120条，其中发布政府信息公开信息共256条。", 256),
    ],
)
def test_proactive_total_variants(sentence: str, number: int) -> None:
    assert numbers_of(sentence) == {"proactive.total": number}


@pytest.mark.parametrize(
    ("sentence", "metric", "number"),
    [
        ("在信息公开专栏或信息公开网站发布信息，共35条。", "proactive.online.items", 35),
        ("本年通过镇政府网站共发布了信息61条,网站点击量约900次。", "proactive.online.items", 61),
        (
            "全年累计在县政府门户网站更新发布信息17条,其中通知公告5条。",
            "proactive.online.items",
            17,
        ),
        ("通过区政府门户网站公开发布防汛、救灾等政府信息23条;", "proactive.online.items", 23),
        ("其中政府网站公开信息95条,占比20.1%;", "proactive.online.items", 95),
        (
            "2023年在市人民政府网站公开信息310条,微信公众号发布信息44条。",
            "proactive.online.items",
            310,
        ),
        ("本年度全县共收到申请政府信息公开14件(次)。", "requests.new.total", 14),
        ("今年我委共收到依申请公开政府信息申请3件。", "requests.new.total", 3),
        ("政府信息公开申请数为5，", "requests.new.total", 5),
        ("本年度涉及我局的行政复议案共2起。", "review.total", 2),
        ("针对我办的行政复议案0件。", "review.total", 0),
        ("行政诉讼案1件。", "litigation.total", 1),
        ("依申请公开收取的费用(复印费、邮寄费等)为0元。", "fees.total", 0),
        ("举办培训班3次，培训相关人员96人次。", "training.attendances", 96),
    ],
)
def test_more_wording_variants(sentence: str, metric: str, number: int) -> None:
    assert numbers_of(sentence).get(metric) == number


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("本年收到政府依申请公开件3件,均按时答复。", {"requests.new.total": 3}),
        (
            "2023年,我局收到政府信息依申请公开办理事项4件,已按时办结答复。",
            {"requests.new.total": 4},
        ),
        ("2023年某镇共受理政府信息依申请公开0件。", {"requests.new.total": 0}),
        (
            "2023年收到自然人、法人或其他组织向我镇提交的政府信息公开申请6件,"
            "上年结转政府信息公开申请1件。",
            {"requests.new.total": 6, "requests.carried_in.total": 1},
        ),
        (
            "2023年,全县共受理政府信息公开申请120件,结转上年3件,按时办结118件,"
            "结转下年继续办理5件。",
            {
                "requests.new.total": 120,
                "requests.carried_in.total": 3,
                "requests.total_handled.total": 118,
                "requests.carried_out.total": 5,
            },
        ),
        (
            "本年共受理依申请公开40件,按时办结38件,结转2024年继续办理的2件。",
            {
                "requests.new.total": 40,
                "requests.total_handled.total": 38,
                "requests.carried_out.total": 2,
            },
        ),
        (
            "本机关不掌握的政府信息3件,没有现成信息需要另行制作1件,补正后申请内容仍不明确2件,"
            "要求行政机关确认或重新出具已获取信息1件。",
            {
                "requests.unable.not_held.total": 3,
                "requests.unable.needs_creation.total": 1,
                "requests.unable.unclear.total": 2,
                "requests.not_processed.confirm_existing.total": 1,
            },
        ),
        ("2018年结转2019年继续办理的申请2件已全部办结。", {}),
        # 办理 may count carried-over requests too: not the year's new ones.
        ("一是依法办理政府信息公开申请212件,较上年下降5%。", {}),
    ],
)
def test_request_counts_of_2019_and_later_reports_in_prose(
    sentence: str, expected: dict[str, int]
) -> None:
    assert numbers_of(sentence) == expected


def test_a_website_among_other_channels_gives_no_website_count() -> None:
    got = numbers_of("2023年通过政府网站、信息查阅场所等公开信息900条。")
    assert "proactive.online.items" not in got


@pytest.mark.parametrize(
    "sentence",
    [
        # Carried over from last year, not received this year.
        "上年结转政府信息公开申请数量为2，",
        # A comma before 共 only for the template's own label.
        "通过政府网站发布信息，共1200条。",
    ],
)
def test_more_wording_traps(sentence: str) -> None:
    assert numbers_of(sentence) == {}


def test_prose_does_not_stand_in_for_a_table_that_could_not_be_read() -> None:
    source = (
        "示例县林业局2022年政府信息公开工作年度报告\n"
        "一、总体情况\n本年度共受理政府信息公开申请2件，均按时答复。\n"
        "三、收到和处理政府信息公开申请情况\n"
        "| 一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |\n"
        "| 二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "| 三、本年度办理结果 |\n"
    )
    draft = parse(source)
    # The cut table's row 一 adds up by itself and is kept: the table's 3, not the prose's 2.
    found = {v.metric: v.value for v in draft.values}
    assert found["requests.new.total"] == 3
    assert "text_vs_table" in [w.code for w in draft.warnings]
    # Cut before row 一 is complete, the table gives nothing and the prose's 2 is left out.
    draft = parse(source.split("| 一、")[0] + "| 一、本年新收政府信息公开申请数量 | 3 | 0 |")
    assert "requests.new.total" not in {v.metric for v in draft.values}
    left_out = [w for w in draft.warnings if w.code == "text_vs_unread_table"]
    assert [w.metrics for w in left_out] == [("requests.new.total",)]


def test_prose_fills_a_table_metric_when_the_text_has_no_such_table() -> None:
    source = (
        "示例县林业局2022年政府信息公开工作年度报告\n"
        "一、总体情况\n本年度共受理政府信息公开申请2件，均按时答复。\n"
        "二、主动公开政府信息情况\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| 规章 | 0 | 0 | 0 |\n"
    )
    found = {v.metric: v.value for v in parse(source).values}
    assert found["requests.new.total"] == 2


def test_a_report_without_a_title_line_is_recognised_by_its_national_tables() -> None:
    source = (
        "一、总体情况\n本年度政府信息公开工作运行正常，主动公开政府信息40条。\n"
        "依申请公开按时办结。\n"
        "二、主动公开政府信息情况\n第二十条第(一)项\n"
        "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "| 规章 | 0 | 0 | 0 |\n"
        "本报告所列数据统计期限为2022年1月1日至2022年12月31日。\n"
    )
    draft = parse(source)
    assert (draft.title, draft.year, draft.format) == (None, 2022, "2021")
    assert {v.metric: v.value for v in draft.values}["proactive.rules.issued"] == 0


def test_one_table_word_alone_does_not_make_a_report() -> None:
    with pytest.raises(NotAReport):
        parse("关于本年度办理结果的说明：主动公开信息若干。")


@pytest.mark.parametrize(
    ("sentence", "zeros"),
    [
        ("2013年,本街道依申请办理事项为零。", {"requests.new.total"}),
        ("三、依申请公开政府信息情况:本年度无依申请公开的政府信息。", {"requests.new.total"}),
        ("因信息公开较为充分,全年没有发生依申请信息公开事件。", {"requests.new.total"}),
        # The list number of a heading before the statement is not a count.
        ("2、依申请公开情况:目前本办尚未收到政府信息公开申请。", {"requests.new.total"}),
        ("本年度未涉及政府信息公开的收费及减免。", {"fees.total"}),
        # The template's cost-recovery items: none charged, so that fee is zero too.
        ("本所暂未对申请人收取检索、复制、邮寄等费用。", {"fees.total", "fees.cost_recovery"}),
    ],
)
def test_more_zero_statements(sentence: str, zeros: set[str]) -> None:
    assert numbers_of(sentence) == dict.fromkeys(zeros, Decimal(0))


@pytest.mark.parametrize(
    ("sentence", "zeros"),
    [
        # One kind of applicant named: nothing said of the others.
        ("2024年度,未收到法人或者其他组织对依申请公开政府信息的申请。", {}),
        ("本年度未收到公民提出的政府信息公开申请。", {}),
        ("本年度未收到公民、法人或者其他组织提出的政府信息公开申请。", {"requests.new.total"}),
    ],
)
def test_a_zero_for_one_kind_of_applicant_is_no_zero_total(sentence: str, zeros: set[str]) -> None:
    assert numbers_of(sentence) == dict.fromkeys(zeros, Decimal(0))


def test_a_refusal_statement_is_not_a_zero_request_count() -> None:
    assert numbers_of("本年度无依申请公开不予公开的情况。") == {}


def test_a_list_number_does_not_hide_a_count_in_the_statement() -> None:
    assert numbers_of("3、依申请公开情况:本年度收到申请5件,均未收取费用。") == {
        "requests.new.total": Decimal(5),
        "fees.total": Decimal(0),
    }


@pytest.mark.parametrize(
    ("sentence", "number"),
    [
        ("2016年度本镇共主动公开政府信息(办文系统发文)214条,网站公开信息数80条。", 214),
        ("2013年,本区发布主动公开信息12大项、40小项,共计1520条。", 1520),
        # Without 主动 only where the year opens the sentence.
        ("2015年,全乡政府信息公开318条,一是在门户网站公开41条。", 318),
    ],
)
def test_proactive_total_with_a_note_groups_or_without_zhudong(sentence: str, number: int) -> None:
    assert numbers_of(sentence) == {"proactive.total": number}


@pytest.mark.parametrize(
    "sentence",
    [
        # A stock, in the note or before the year's words.
        "本局主动公开政府信息(累计)300条。",
        "本局主动公开政府信息(2008年以来)300条。",
        "截至2011年底,本镇累计主动公开2011年度政府信息41条。",
        # Without 主动 and without the year opening the sentence: which information is unclear.
        "依托门户网站,政府信息公开566条。",
        "2016年,全镇政府信息公开申请3件。",
    ],
)
def test_proactive_total_variant_traps(sentence: str) -> None:
    assert "proactive.total" not in numbers_of(sentence)


def test_a_flattened_page_whose_title_runs_into_the_text_is_a_report() -> None:
    text = (
        "示例县高新技术开发区2020年政府信息公开工作年度报告2020年,开发区认真贯彻落实《条例》,"
        "依法公开政府信息,全年主动公开政府信息31条。一、总体情况(一)主动公开。(二)依申请公开。"
    ) * 3
    draft = parse(text)
    assert (draft.body_name, draft.year) == ("示例县高新技术开发区", 2020)
    assert {v.metric: v.value for v in draft.values} == {"proactive.total": Decimal(31)}


@pytest.mark.parametrize(
    ("sentence", "metric", "number"),
    [
        # Wordings of real reports that the rules missed (the sentences are made up).
        ("2014年，全乡政府共对外公开信息36条。", "proactive.total", 36),
        (
            "截止到2021年12月，青桥街道主动公开涉及社会救助、养老服务、安全生产等方面信息312条。",
            "proactive.total",
            312,
        ),
        ("截至2015年末，我乡从事信息公开工作人员3人。", "staff.total", 3),
        ("全乡全年参加培训次数2次，参加培训16人次。", "training.sessions", 2),
        ("同时开辟了 3个公共查阅点，", "reading_points.total", 3),
        ("2016年受理依申請公開件7件，均已办结。", "requests.new.total", 7),
        ("全区共受理政府信息公开申请件845件，", "requests.new.total", 845),
        (
            "受理公民、法人和其他组织提出的政府信息公开申请4件，均按时答复。",
            "requests.new.total",
            4,
        ),
        ("2014年，我局共受理12起依申请公开，均按程序办理。", "requests.new.total", 12),
        ("区政府办公室共收到6份政府信息公开申请，", "requests.new.total", 6),
        ("全年共受理申请31件，结转上年2件，均在期限内答复。", "requests.carried_in.total", 2),
        ("已答复410件，17件结转下年答复。", "requests.carried_out.total", 17),
        ("本街道共收到申请2件，均按时办结。依申请公开收费为0。", "fees.total", 0),
    ],
)
def test_wordings_from_the_2026_tuning_set(sentence: str, metric: str, number: int) -> None:
    assert numbers_of(sentence).get(metric) == Decimal(number)


def test_a_year_named_addition_after_a_stock_is_the_years_count() -> None:
    text = "截至2010年底，我局主动公开政府信息历年累计60条，其中2010年新增主动公开政府信息15条。"
    assert numbers_of(text).get("proactive.total") == Decimal(15)


@pytest.mark.parametrize(
    "sentence",
    [
        # A sub-item of the total, not a summary of fields ("等方面").
        "其中主动公开涉及食品安全的信息50条。",
        # Trained people of another body, and a count of trainings per month.
        "每月参加培训次数不少于1次。",
        # Requests carried over are not the year's new requests.
        "17件结转下年答复。",
    ],
)
def test_near_misses_of_the_new_wordings_give_no_total(sentence: str) -> None:
    found = numbers_of(sentence)
    assert "proactive.total" not in found
    assert "requests.new.total" not in found
    assert "training.sessions" not in found


def test_a_titled_excerpt_that_stops_before_the_sections_is_a_report() -> None:
    text = (
        "青禾镇2012年政府信息公开工作年度报告\n"
        "2012年，我镇根据《中华人民共和国政府信息公开条例》要求编制本报告。\n"
        "一、概述\n我镇设有专职人员1人，兼职人员2人。"
    )
    draft = parse(text)
    assert (draft.body_name, draft.year) == ("青禾镇", 2012)
    assert {v.metric: v.value for v in draft.values} == {
        "staff.full_time": Decimal(1),
        "staff.part_time": Decimal(2),
    }


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("本年度,受理依申请公开政府信息0件。", {"requests.new.total": 0}),
        ("全年共收到、办理依申请公开 0件。", {"requests.new.total": 0}),
        ("本局2024年度收到4件针对本部门有关政府信息公开事务的申请。", {"requests.new.total": 4}),
        ("2013年度我镇在主动公开政府信息件数为123条。", {"proactive.total": 123}),
        (
            "按要求对领导简介和分工、机构信息、政策文件、工作动态等信息主动公开201条。",
            {"proactive.total": 201},
        ),
        (
            "2018年度我镇主动公开政府信息数22条,其中线上信息公开15条。",
            {"proactive.total": 22, "proactive.online.items": 15},
        ),
        ("年度无行政复议、行政诉讼的情况发生。", {"review.total": 0, "litigation.total": 0}),
        ("本年度无收取信息处理费用。", {"fees.information_processing": 0}),
        (
            "2013年,我镇政府未收到信息公开的申请,也无不予公开信息的情况发生。",
            {"requests.new.total": 0, "requests.legacy_refused.total": 0},
        ),
        (
            "2008年度我镇无依申请公开政府信息和不予以公开政府信息。",
            {"requests.new.total": 0, "requests.legacy_refused.total": 0},
        ),
        # A refused request taken to review is no statement that none was refused.
        ("本年度没有发生不予公开的政府信息被申请行政复议的情况。", {}),
        # Nor is a confidentiality review.
        ("本年度严格执行保密审查制度,没有涉及国家秘密和不予公开的信息被公开。", {}),
        # A part of the year's total, or one channel's count, is not the total.
        (
            "全年主动公开政府信息500条,其中对机构职能、领导信息等信息主动公开20条。",
            {"proactive.total": 500},
        ),
        ("通过政务微博对工作动态等信息主动公开300条。", {}),
    ],
)
def test_wordings_of_session_6(sentence: str, expected: dict[str, int]) -> None:
    assert numbers_of(sentence) == {k: Decimal(v) for k, v in expected.items()}


def test_a_zero_fee_of_a_2021_report_is_its_information_processing_fee() -> None:
    source = (
        "示例县林业局2022年政府信息公开工作年度报告\n"
        "一、总体情况\n本年度没有收到政府信息公开申请，未收取任何费用。\n"
    )
    draft = parse(source)
    assert draft.format == "2021"
    fees = [(v.metric, v.value) for v in draft.values if v.metric.startswith("fees.")]
    assert fees == [("fees.information_processing", Decimal(0))]
