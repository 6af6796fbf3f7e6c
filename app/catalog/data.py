"""The metric catalog as data: domain.md §2, one entry per key.

Table rows and columns are written once and expanded (26 request rows × 7 applicant columns,
4 blocks × 5 outcomes), so a label is never typed twice. Formats: P = pre2019, T = both
table formats (2019 and 2021), ALL = every format. Narrative items that the prose of 2019+
reports still states (total items disclosed, staff, training) are carried by every format.
"""

from __future__ import annotations

from typing import Any

P = ("pre2019",)
F2019 = ("2019",)
F2021 = ("2021",)
T = ("2019", "2021")
ALL = ("pre2019", "2019", "2021")

APPLICANTS: list[tuple[str, str, str]] = [
    ("natural_person", "自然人", "natural persons"),
    ("commercial", "商业企业", "commercial enterprises"),
    ("research", "科研机构", "research institutions"),
    ("social_org", "社会公益组织", "public-interest organisations"),
    ("legal_service", "法律服务机构", "legal-service institutions"),
    ("other_org", "其他", "other legal persons or organisations"),
    ("total", "总计", "total"),
]

# (row, label_zh, label_en, formats) — leaf rows of table 3 as printed.
REQUEST_ROWS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("new", "一、本年新收政府信息公开申请数量", "new requests received this year", T),
    ("carried_in", "二、上年结转政府信息公开申请数量", "requests carried over from last year", T),
    ("granted", "三、本年度办理结果 （一）予以公开", "granted", T),
    ("partial", "（二）部分公开", "partially granted", T),
    ("denied.state_secret", "（三）不予公开 1.属于国家秘密", "denied: state secret", T),
    ("denied.law_forbidden", "2.其他法律行政法规禁止公开", "denied: forbidden by other law", T),
    ("denied.three_safety", "3.危及“三安全一稳定”", "denied: endangers security or stability", T),
    ("denied.third_party", "4.保护第三方合法权益", "denied: third-party rights", T),
    ("denied.internal_affairs", "5.属于三类内部事务信息", "denied: internal affairs", T),
    ("denied.process_info", "6.属于四类过程性信息", "denied: process information", T),
    ("denied.enforcement_file", "7.属于行政执法案卷", "denied: enforcement file", T),
    ("denied.admin_query", "8.属于行政查询事项", "denied: administrative query", T),
    ("unable.not_held", "（四）无法提供 1.本机关不掌握相关政府信息", "unable: not held", T),
    ("unable.needs_creation", "2.没有现成信息需要另行制作", "unable: would need creating", T),
    ("unable.unclear", "3.补正后申请内容仍不明确", "unable: unclear after correction", T),
    ("not_processed.petition", "（五）不予处理 1.信访举报投诉类申请", "not processed: petition", T),
    ("not_processed.repeat", "2.重复申请", "not processed: repeated request", T),
    ("not_processed.publication", "3.要求提供公开出版物", "not processed: publication", T),
    ("not_processed.mass_repeat", "4.无正当理由大量反复申请", "not processed: mass repetition", T),
    (
        "not_processed.confirm_existing",
        "5.要求行政机关确认或重新出具已获取信息",
        "not processed: confirm information already obtained",
        T,
    ),
    (
        "other.no_correction",
        "（六）其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other: no correction in time",
        F2021,
    ),
    (
        "other.no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other: fee not paid in time",
        F2021,
    ),
    ("other.other", "3.其他", "other: other", F2021),
    ("total_handled", "（七）总计", "total handled", T),
    ("carried_out", "四、结转下年度继续办理", "carried over to next year", T),
]

# (group, label_zh, label_en, parts, formats, derived_in): rows computed from other rows.
REQUEST_GROUPS: list[tuple[str, str, str, list[str], tuple[str, ...], tuple[str, ...]]] = [
    (
        "denied",
        "（三）不予公开",
        "denied (all legal grounds)",
        [row for row, *_ in REQUEST_ROWS if row.startswith("denied.")],
        T,
        T,
    ),
    (
        "unable",
        "（四）无法提供",
        "unable to provide",
        [row for row, *_ in REQUEST_ROWS if row.startswith("unable.")],
        T,
        T,
    ),
    (
        "not_processed",
        "（五）不予处理",
        "not processed",
        [row for row, *_ in REQUEST_ROWS if row.startswith("not_processed.")],
        T,
        T,
    ),
    # A single printed row in 2019; the sum of its three reasons in 2021.
    (
        "other",
        "（六）其他处理",
        "other handling",
        ["other.no_correction", "other.no_fee", "other.other"],
        T,
        F2021,
    ),
]

OUTCOMES: list[tuple[str, str, str]] = [
    ("upheld", "结果维持", "upheld"),
    ("corrected", "结果纠正", "corrected"),
    ("other", "其他结果", "other result"),
    ("pending", "尚未审结", "pending"),
    ("total", "总计", "total"),
]

REVIEW_BLOCKS: list[tuple[str, str, str]] = [
    ("review", "行政复议", "administrative reconsideration"),
    ("litigation_direct", "行政诉讼 未经复议直接起诉", "litigation without prior reconsideration"),
    ("litigation_after_review", "行政诉讼 复议后起诉", "litigation after reconsideration"),
]

# Table 2, the proactive-disclosure table: (key, label_zh, label_en, unit, formats, signed).
PROACTIVE_TABLE: list[tuple[str, str, str, str, tuple[str, ...], bool]] = [
    ("proactive.rules.issued", "规章 本年制发件数", "rules issued this year", "件", T, False),
    (
        "proactive.rules.repealed",
        "规章 本年废止件数",
        "rules repealed this year",
        "件",
        F2021,
        False,
    ),
    ("proactive.rules.in_force", "规章 现行有效件数", "rules in force", "件", F2021, False),
    (
        "proactive.rules.published",
        "规章 本年新公开数量",
        "rules newly published",
        "件",
        F2019,
        False,
    ),
    (
        "proactive.rules.published_total",
        "规章 对外公开总数量",
        "rules published in total",
        "件",
        F2019,
        False,
    ),
    (
        "proactive.normative_docs.issued",
        "行政规范性文件 本年制发件数",
        "normative documents issued this year",
        "件",
        T,
        False,
    ),
    (
        "proactive.normative_docs.repealed",
        "行政规范性文件 本年废止件数",
        "normative documents repealed this year",
        "件",
        F2021,
        False,
    ),
    (
        "proactive.normative_docs.in_force",
        "行政规范性文件 现行有效件数",
        "normative documents in force",
        "件",
        F2021,
        False,
    ),
    (
        "proactive.normative_docs.published",
        "规范性文件 本年新公开数量",
        "normative documents newly published",
        "件",
        F2019,
        False,
    ),
    (
        "proactive.normative_docs.published_total",
        "规范性文件 对外公开总数量",
        "normative documents published in total",
        "件",
        F2019,
        False,
    ),
    (
        "proactive.admin_fees.amount",
        "行政事业性收费 本年收费金额",
        "administrative fees collected",
        "元",
        F2021,
        False,
    ),
    (
        "proactive.admin_fees.items_prev_year",
        "行政事业性收费 上一年项目数量",
        "administrative fee items last year",
        "项",
        F2019,
        False,
    ),
    (
        "proactive.admin_fees.items_change",
        "行政事业性收费 本年增/减",
        "change in administrative fee items",
        "项",
        F2019,
        True,
    ),
    (
        "proactive.procurement.projects",
        "政府集中采购 采购项目数量",
        "centralised procurement projects",
        "项",
        F2019,
        False,
    ),
    (
        "proactive.procurement.amount",
        "政府集中采购 采购总金额",
        "centralised procurement amount",
        "元",
        F2019,
        False,
    ),
]

# (matter, label_zh, label_en, formats of `decisions`): 2019 adds item counts for each matter.
PROACTIVE_MATTERS: list[tuple[str, str, str, tuple[str, ...]]] = [
    ("licensing", "行政许可", "administrative licensing", T),
    ("other_services", "其他对外管理服务事项", "other external management services", F2019),
    ("penalties", "行政处罚", "administrative penalties", T),
    ("compulsory", "行政强制", "administrative compulsion", T),
]

# Narrative items of domain.md §2.4: (key, label_zh, label_en, unit, formats, aggregation).
# `none`: website visit counters and a town's "county-level items" are shared with or copied
# from the level above, so adding them across bodies counts the same thing many times.
NARRATIVE: list[tuple[str, str, str, str, tuple[str, ...], str]] = [
    ("proactive.total", "主动公开政府信息数", "items proactively disclosed", "条", ALL, "sum"),
    ("proactive.by_level.county", "其中县（市）级", "of which county level", "条", P, "none"),
    ("proactive.by_level.township", "乡（镇）级", "of which township level", "条", P, "none"),
    ("proactive.by_content.normative_docs", "规范性文件类", "normative documents", "条", P, "sum"),
    (
        "proactive.by_content.plans",
        "规划计划和完成情况类",
        "plans and their completion",
        "条",
        P,
        "sum",
    ),
    (
        "proactive.by_content.public_interest",
        "与公众利益密切相关事项类",
        "matters of close public interest",
        "条",
        P,
        "sum",
    ),
    (
        "proactive.by_content.public_funds",
        "公共资金使用和监督类",
        "use of public funds",
        "条",
        P,
        "sum",
    ),
    (
        "proactive.by_content.organization",
        "机构调整和人员变动类",
        "organisation and personnel changes",
        "条",
        P,
        "sum",
    ),
    ("proactive.by_content.other", "其他类", "other items", "条", P, "sum"),
    (
        "proactive.online.items",
        "在信息公开专栏或信息公开网站发布信息数",
        "items published online",
        "条",
        ALL,
        "sum",
    ),
    (
        "proactive.online.visits",
        "信息公开专栏或信息公开网站点击次数",
        "website visits",
        "次",
        ALL,
        "none",
    ),
    (
        "proactive.within_20_workdays",
        "文件信息从生成到网上公开不超过20个工作日的数量",
        "items online within 20 working days",
        "条",
        P,
        "sum",
    ),
    ("reading_points.total", "设立公共信息查阅点数", "public reading points", "处", ALL, "sum"),
    (
        "reading_points.electronic",
        "其中可进行电子信息查阅的查阅点数",
        "reading points with electronic access",
        "处",
        ALL,
        "sum",
    ),
    (
        "reading_points.visitors",
        "公共信息查阅点接到查阅人次",
        "reading-point visitors",
        "人次",
        ALL,
        "sum",
    ),
    ("reading_points.files", "查阅文件数", "files consulted", "卷", ALL, "sum"),
    ("staff.total", "人员配置", "staff", "人", ALL, "sum"),
    ("staff.full_time", "专职人员", "full-time staff", "人", ALL, "sum"),
    ("staff.part_time", "兼职人员", "part-time staff", "人", ALL, "sum"),
    ("training.sessions", "举办培训次数", "training sessions", "次", ALL, "sum"),
    ("training.attendances", "参加培训人次数", "training attendances", "人次", ALL, "sum"),
    ("requests.channel.in_person", "当面申请", "requests in person", "件", P, "sum"),
    ("requests.channel.fax", "传真申请", "requests by fax", "件", P, "sum"),
    ("requests.channel.email", "电子邮件申请", "requests by e-mail", "件", P, "sum"),
    ("requests.channel.online", "网上申请", "requests online", "件", P, "sum"),
    ("requests.channel.letter", "信函申请", "requests by letter", "件", P, "sum"),
    ("requests.channel.other", "其他形式申请", "requests by other means", "件", P, "sum"),
    (
        "requests.legacy_refused.total",
        "否决公开 / 不予公开（2019年前口径）",
        "refused (pre-2019 sense; not comparable with requests.denied.total)",
        "件",
        P,
        "sum",
    ),
    ("complaints.total", "行政申诉", "administrative complaints", "件", P, "sum"),
    ("fees.total", "收费金额", "fees charged", "元", P, "sum"),
    (
        "fees.cost_recovery",
        "依申请提供政府信息收取复印、递送等成本费用",
        "cost-recovery fees for requested information",
        "元",
        P,
        "sum",
    ),
    ("fees.other", "其他费用", "other fees", "元", P, "sum"),
    (
        "fees.information_processing",
        "信息处理费",
        "information processing fees",
        "元",
        F2021,
        "sum",
    ),
]

# Keys that the narrative reports print and table 3 carries too (same concept, domain.md §2.4).
NARRATIVE_ALSO_IN_TABLES = (
    "requests.new.total",
    "requests.granted.total",
    "requests.partial.total",
)

# Ratios (domain.md §2.5): numerator and denominator as linear combinations {key: coefficient}.
RATIOS: list[tuple[str, str, str, dict[str, int], dict[str, int]]] = [
    (
        "requests.grant_rate",
        "予以公开率",
        "grant rate",
        {"requests.granted.total": 1},
        {"requests.total_handled.total": 1},
    ),
    (
        "requests.disclosure_rate",
        "公开率（含部分公开）",
        "disclosure rate (full or partial)",
        {"requests.granted.total": 1, "requests.partial.total": 1},
        {"requests.total_handled.total": 1},
    ),
    (
        "requests.carry_over_rate",
        "结转率",
        "carry-over rate",
        {"requests.carried_out.total": 1},
        {"requests.new.total": 1, "requests.carried_in.total": 1},
    ),
    (
        "review.correction_rate",
        "行政复议纠错率",
        "reconsideration correction rate",
        {"review.corrected": 1},
        {"review.total": 1, "review.pending": -1},
    ),
    (
        "litigation.correction_rate",
        "行政诉讼纠错率",
        "litigation correction rate",
        {"litigation.corrected": 1},
        {"litigation.total": 1, "litigation.pending": -1},
    ),
]


def _entry(
    key: str,
    label_zh: str,
    label_en: str,
    unit: str,
    section: str,
    formats: tuple[str, ...],
    **extra: Any,
) -> dict[str, Any]:
    return {
        "key": key,
        "label_zh": label_zh,
        "label_en": label_en,
        "unit": unit,
        "section": section,
        "formats": formats,
        **extra,
    }


def _request_entries() -> list[dict[str, Any]]:
    entries = []
    for row, row_zh, row_en, formats in REQUEST_ROWS:
        for col, col_zh, col_en in APPLICANTS:
            extra_formats = P if f"requests.{row}.{col}" in NARRATIVE_ALSO_IN_TABLES else ()
            entries.append(
                _entry(
                    f"requests.{row}.{col}",
                    f"{row_zh} · {col_zh}",
                    f"{row_en}, {col_en}",
                    "件",
                    "requests",
                    extra_formats + formats,
                )
            )
    for group, group_zh, group_en, parts, formats, derived_in in REQUEST_GROUPS:
        for col, col_zh, col_en in APPLICANTS:
            entries.append(
                _entry(
                    f"requests.{group}.{col}",
                    f"{group_zh} · {col_zh}",
                    f"{group_en}, {col_en}",
                    "件",
                    "requests",
                    formats,
                    terms={f"requests.{part}.{col}": 1 for part in parts},
                    derived_in=derived_in,
                )
            )
    return entries


def _review_entries() -> list[dict[str, Any]]:
    entries = []
    for block, block_zh, block_en in REVIEW_BLOCKS:
        for outcome, outcome_zh, outcome_en in OUTCOMES:
            key = f"{block}.{outcome}"
            # Narrative reports print the number of reconsiderations only.
            formats = ALL if key == "review.total" else T
            entries.append(
                _entry(
                    key,
                    f"{block_zh} {outcome_zh}",
                    f"{block_en}: {outcome_en}",
                    "件",
                    "review_litigation",
                    formats,
                )
            )
    for outcome, outcome_zh, outcome_en in OUTCOMES:
        key = f"litigation.{outcome}"
        entries.append(
            _entry(
                key,
                f"行政诉讼 {outcome_zh}",
                f"litigation: {outcome_en}",
                "件",
                "review_litigation",
                ALL if outcome == "total" else T,
                terms={f"litigation_direct.{outcome}": 1, f"litigation_after_review.{outcome}": 1},
                derived_in=T,
            )
        )
    return entries


def _proactive_entries() -> list[dict[str, Any]]:
    entries = [
        _entry(key, zh, en, unit, "proactive", formats, signed=signed)
        for key, zh, en, unit, formats, signed in PROACTIVE_TABLE
    ]
    for matter, zh, en, decision_formats in PROACTIVE_MATTERS:
        entries += [
            _entry(
                f"proactive.{matter}.items_prev_year",
                f"{zh} 上一年项目数量",
                f"{en}: items last year",
                "项",
                "proactive",
                F2019,
            ),
            _entry(
                f"proactive.{matter}.items_change",
                f"{zh} 本年增/减",
                f"{en}: change in items",
                "项",
                "proactive",
                F2019,
                signed=True,
            ),
            _entry(
                f"proactive.{matter}.decisions",
                f"{zh} 处理决定数量",
                f"{en}: decisions",
                "件",
                "proactive",
                decision_formats,
            ),
        ]
    return entries


def _narrative_section(key: str) -> str:
    head = key.split(".")[0]
    return {
        "staff": "organisation",
        "training": "organisation",
        "reading_points": "proactive",
        "complaints": "review_litigation",
    }.get(head, head)


def _narrative_entries() -> list[dict[str, Any]]:
    return [
        _entry(key, zh, en, unit, _narrative_section(key), formats, aggregation=aggregation)
        for key, zh, en, unit, formats, aggregation in NARRATIVE
    ]


def _ratio_entries() -> list[dict[str, Any]]:
    return [
        _entry(
            key,
            zh,
            en,
            "ratio",
            "requests" if key.startswith("requests.") else "review_litigation",
            T,
            aggregation="ratio",
            numerator=numerator,
            denominator=denominator,
        )
        for key, zh, en, numerator, denominator in RATIOS
    ]


def catalog_entries() -> list[dict[str, Any]]:
    """Every catalog entry as a plain dict, in report order."""
    return (
        _proactive_entries()
        + _narrative_entries()
        + _request_entries()
        + _review_entries()
        + _ratio_entries()
    )
