"""Numbers stated in a report's prose (domain.md §2.4), in their wording variants.

Precision first: a rule fires only where a metric's own wording stands directly before the
number (fillers such as 共/为/达 aside) and the unit fits; lists ("分别为"), zero statements
("没有受理", "未发生…行政复议") and inferences ("全部同意公开") have their own handlers. A
metric that receives two different numbers is dropped with a warning rather than guessed.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

from app.parsing.draft import DraftValue, Evidence, How, Warning
from app.parsing.text import NUMBER_PATTERN, Normalized, parse_number

_NUM = rf"(?P<n>{NUMBER_PATTERN})(?:余|多)?"
_FILL = (
    r"[”\"]?(?:的)?(?:总数|总量|数量|件数|条数|数)?(?:历年)?(?:共计|共|总计|合计|累计|计|为|是|达到|达|有|:)*"
    r"(?:约|近|大约|将近|逾|超过)?"
)


def _rule(keyword: str, units: str, *, unit_optional: bool = False) -> re.Pattern[str]:
    number = f"{_NUM}(?:{units})"
    if unit_optional:
        # "否决公开答复数为0。": a bare Arabic number right after 为/是/:, ending the clause.
        number = f"(?:{number}|(?<=[为是:])(?P<m>\\d+(?:\\.\\d+)?)(?![\\d.%\u3400-\u9fff]))"
    return re.compile(f"(?:{keyword}){_FILL}{number}")


def _rule_number_first(lead: str, units: str, label: str) -> re.Pattern[str]:
    """ "配备了1名专职人员": the number between a verb that counts and the metric's label."""
    return re.compile(f"(?:{lead}){_NUM}(?:{units})(?:{label})")


# Verbs that state how many staff a body has (not who was trained), or a staff item before:
# "配备了1名专职人员和2名兼职工作人员".
_STAFF_LEAD = (
    r"(?:配备|配置|设有|确定|明确|落实|安排|指定|现有|共有)了?[^,;。\d培训]{0,12}?"
    r"|(?:专职|兼职|全职)(?:工作)?人员(?:和|及|与|、)"
)
_STAFF_WORDS = r"(?:的)?(?:政府)?(?:信息公开)?(?:工作)?人员(?!参加|参训|接受)"


# The template's content classes (domain.md §2.4), without 类: lists of a report's own classes
# ("政策规范性文件类", "业务类", "其他类") are not these (see _template_classes_only).
_CONTENT_CLASSES = (
    ("proactive.by_content.normative_docs", "(?<!政策)规范性文件"),
    ("proactive.by_content.plans", "规划计划(?:和|及|与)?完成情况"),
    ("proactive.by_content.public_interest", "与?公众利益密切相关(?:的)?事项"),
    ("proactive.by_content.public_funds", "公共资金使用(?:(?:和|及|与)监督)?"),
    ("proactive.by_content.organization", "机构调整(?:和|及|与)人员变动"),
)
_CLASS_WORD = r"类(?:\([^)]{0,80}\))?(?:信息)?"
_BY_CONTENT = "proactive.by_content."
# An item of any list of classes ("业务类信息9条"), its class name at the end of `stem`.
_CLASS_ITEM = re.compile(
    rf"(?P<stem>[\u4e00-\u9fff]{{1,20}}){_CLASS_WORD}(?:数)?(?:为|有|共|是|各)?{NUMBER_PATTERN}"
)
_TEMPLATE_STEM = re.compile("(?:" + "|".join(stem for _, stem in _CONTENT_CLASSES) + "|其他)$")
_YEAR_ADDITION_WORDS = r",?(?:其中)?(?:今年|本年度?|当年|年内|全年|(?:19|20)\d{2}年度?)新增"
_ITEMS = "条|项|件|个"
_NOTE = r"\((?![^)]*(?:累计|历年|以来|截至|截止|至今))[^()\d]{1,15}\)"
_YEAR_OPENING = r"(?:19|20)\d{2}年度?|本年度?|全年|今年"
# "当面申请1宗", and 条 as the Jilin template prints requests ("当面申请数为2条").
_CHANNEL_UNITS = "件|次|份|宗|条"
_CASES = "件|起|次|宗|个"
_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    # proactive disclosure
    (
        "proactive.total",
        # "主动公开政府信息(公文平台发文)113条": a note without numbers or a stock's words.
        _rule(rf"(?<![依请])主动公开(?:各类|政府|的)*信息(?:{_NOTE})?", _ITEMS),
    ),
    # "主动公开信息28大项、79小项,共计6657条": the items counted in 条 after the groups.
    (
        "proactive.total",
        _rule(
            rf"(?<![依请])主动公开(?:各类|政府|的)*信息{NUMBER_PATTERN}大项"
            rf"(?:、{NUMBER_PATTERN}小项)?,?(?=共计|共|合计|总计)",
            "条",
        ),
    ),
    # "2016年,全镇政府信息公开566条": without 主动 only straight after the year that opens
    # the sentence, the body ("全镇", "我局") between.
    (
        "proactive.total",
        _rule(
            rf"(?:^|(?<=[。\n]))(?:{_YEAR_OPENING}),?(?:全[镇乡县区市]|我[镇乡县区市局办委]|[镇乡])?"
            r"政府信息公开(?:(?=\d)|(?:全年|共|全年共)(?:发布|公开)(?:各类)?信息)",
            "条",
        ),
    ),
    ("proactive.total", _rule(r"公开(?:政府)?信息总数", _ITEMS)),
    # "据统计,2016年,我委公开政府信息728条": the year, then the body itself ("我委").
    (
        "proactive.total",
        _rule(
            rf"(?:^|(?<=[。\n])|(?<=据统计,))(?:{_YEAR_OPENING}),?"
            r"(?:全[镇乡县区市]|我[镇乡县区市局办委厅])(?:共|全年)?(?:主动)?公开(?:各类|政府)*信息",
            "条",
        ),
    ),
    # "共制发政府信息130件,其中主动公开18件,不予公开112件": the made, then the disclosed.
    (
        "proactive.total",
        _rule(rf"(?:制发|制作|产生|生成)(?:政府)?信息{NUMBER_PATTERN}[件条],其中主动公开", "件|条"),
    ),
    # "某市2019年通过政府网站、信息查阅场所等公开信息35829条": the year's channels, the
    # website first, so the total; not "通过宣传资料、广播等方式公开…" (some channels only).
    (
        "proactive.total",
        _rule(
            rf"(?:{_YEAR_OPENING}),?通过[^,;。\d、]{{0,10}}网站、[^,;。\d]{{1,30}}?等"
            r"(?:不同)?(?:渠道|方式|途径|载体)?(?:共)?(?:主动)?公开(?:各类|政府)*信息",
            "条",
        ),
    ),
    (
        "proactive.total",
        _rule(
            # Not "通过…门户网站共公开信息35条": one channel's count (proactive.online.items).
            r"(?:全年|本年度?|年内|今年|(?<![站台栏])共|累计|全年共)(?:对外|向社会)?(?:主动)?"
            r"公开(?:各类|政府|的)*信息",
            "条|项",
        ),
    ),
    # "主动公开涉及疫情防控、社会救助…等方面信息423条": the fields listed, then the total.
    (
        "proactive.total",
        _rule(r"(?<![依请])主动公开涉及[^,;。\d]{2,80}?等(?:方面|领域)(?:的)?(?:政府)?信息", "条"),
    ),
    # "对领导简介、机构信息…等信息主动公开201条"
    # Only opening its clause: not "其中对…等信息主动公开20条" (a part) nor "通过政务微博对…"
    # (one channel).
    (
        "proactive.total",
        _rule(
            r"(?:^|(?<=[。,;:\n]))(?:按要求|按照要求)?对[^,;。\d]{2,80}?等(?:方面)?(?:的)?(?:政府)?信息"
            r"(?:予以)?主动公开",
            "条",
        ),
    ),
    # 发布 only with 政府信息: "共发布各类信息" is often another channel's output.
    ("proactive.total", _rule(r"(?:全年|本年度?|共|累计)(?:主动)?发布政府信息", "条|项")),
    # "发布政府信息公开信息共399条": the items of the disclosure column among a portal's posts.
    ("proactive.total", _rule(r"(?<![依请])(?:发布|公开)政府信息公开(?:类)?信息", "条|项")),
    # "截至…共主动公开政府信息615条,今年新增94条": the stock is not the year's figure, the
    # addition is (the stock itself is skipped by _is_stock).
    (
        "proactive.total",
        _rule(
            rf"(?:公开|发布)(?:各类|政府|的)*信息{_FILL}{NUMBER_PATTERN}(?:余|多)?(?:条|项)"
            rf"{_YEAR_ADDITION_WORDS}(?:主动)?(?:公开|发布)?(?:政府)?(?:信息)?",
            "条|项",
        ),
    ),
    ("proactive.by_level.county", _rule(r"(?:县\(市(?:、区)?\)|县|县\(区\))级(?:信息)?", "条")),
    ("proactive.by_level.township", _rule(r"(?:乡\(镇\)|乡镇|乡\(镇、街道\))级(?:信息)?", "条")),
    *((metric, _rule(f"{stem}(?:{_CLASS_WORD}|信息)", "条")) for metric, stem in _CONTENT_CLASSES),
    ("proactive.by_content.other", _rule(rf"(?<![\u4e00-\u9fff])其他{_CLASS_WORD}", "条")),
    (
        "proactive.online.items",
        # The template's label; the Jilin template prints "…发布信息,共20条".
        _rule(r"(?:在)?信息公开专栏或信息公开网站(?:上)?发布(?:政府)?信息(?:,(?=共))?", _ITEMS),
    ),
    ("proactive.online.items", _rule(r"信息公开专栏(?:上)?发布(?:政府)?信息", _ITEMS)),
    # "主动公开政府信息数22条,其中线上信息公开15条"
    ("proactive.online.items", _rule(r"其中(?:网上|线上)(?:信息)?公开(?:政府)?(?:信息)?", "条")),
    # "通过区政府门户网站共发布信息7604条", "在政府门户网站更新发布信息11条", "通过…网站
    # 公开发布安全生产、应急管理等政府信息46条": the website's own posts.
    (
        "proactive.online.items",
        _rule(
            r"通过[^,;。\d]{0,10}?网站(?:上)?(?:共|累计|全年)?(?:更新)?(?:公开|发布)了?"
            r"(?:发布)?(?:[^,;。\d]{2,40}?等)?(?:各类|政府)*(?:信息)?"
            r"|在[^,;。\d]{0,10}?网站(?:上)?(?:共|累计|全年)?(?:更新)?(?:公开|发布)了?"
            r"(?:发布)?(?:[^,;。\d]{2,40}?等)?(?:各类|政府)*信息",
            "条",
        ),
    ),
    # "政府网站公开信息118条,占比20.34%": the website named first in its clause, perhaps
    # after its owner ("全年某镇人民政府网站共公开政府信息412条"); not "…网站发布各类信息",
    # which counts the site's news too.
    (
        "proactive.online.items",
        _rule(
            r"(?:^|(?<=[,;。:\n]))(?:其中)?(?:全年|本年度?|今年)?[^,;。\d、]{0,12}?(?:政府|门户)"
            r"[^,;。\d、]{0,6}?网站(?:共|全年)?(?:公开|发布)(?:政府)?信息",
            "条",
        ),
    ),
    (
        "proactive.online.visits",
        _rule(
            r"(?:网站|专栏|栏目)(?:全年|年度|累计)?点击(?:次数|量)"
            r"|信息公开(?:专栏|栏目|网站)(?:全年|年度|累计)?访问(?:次数|量)",
            "次|人次",
        ),
    ),
    ("proactive.within_20_workdays", _rule(r"不超过20个工作日(?:的)?", _ITEMS, unit_optional=True)),
    # reading points
    (
        "reading_points.total",
        _rule(r"(?:设立|设置|建立)(?:公共|政府)*信息(?:公开)?查阅(?:点|场所|室|中心)", "处|个"),
    ),
    (
        "reading_points.total",
        _rule_number_first(
            r"(?:设立|设置|建立|设有|开设|开辟)了?",
            "处|个",
            r"(?:政府|公共|信息|公开|政务)*(?:查阅|查询)(?:点|场所|室|中心)",
        ),
    ),
    ("reading_points.electronic", _rule(r"可(?:进行)?电子信息查阅的查阅点", "处|个|条")),
    (
        "reading_points.visitors",
        _rule(
            r"查阅点(?:共)?接(?:到|待)查阅|接待(?:群众|公众|市民|来访)?(?:查阅|查询)"
            r"(?:群众|公众|市民)?",
            "人次",
        ),
    ),
    # "查阅点接待公众查阅2次": visits of a reading point, also counted in 次.
    (
        "reading_points.visitors",
        _rule(r"查阅点[^,;。\d]{0,6}?接(?:到|待)(?:群众|公众|市民)?(?:查阅|查询)", "人次|次"),
    ),
    ("reading_points.files", _rule(r"查阅文件", "卷|份|件")),
    # staff and training
    (
        "staff.total",
        _rule(
            r"人员配置|(?:配备|配置|共有|现有)(?:政府信息公开)?(?:工作)?人员"
            r"|从事(?:政府)?信息公开工作(?:的)?(?:工作)?人员"
            r"|(?<![专兼全]职)(?<!培训)(?<!参训)(?<!接待)工作人员(?=共)",
            "(?:人|名)(?!次)",
        ),
    ),
    ("staff.full_time", _rule(r"(?:专职|全职)(?:工作)?(?:人员)?", "(?:人|名)(?!次)")),
    ("staff.part_time", _rule(r"兼职(?:工作)?(?:人员|信息公开员|信息员)?", "(?:人|名)(?!次)")),
    (
        "staff.full_time",
        _rule_number_first(_STAFF_LEAD, "名", f"(?:专职|全职){_STAFF_WORDS}"),
    ),
    ("staff.part_time", _rule_number_first(_STAFF_LEAD, "名", f"兼职{_STAFF_WORDS}")),
    # "明确1名工作人员专职负责政府信息公开工作": the kind of work after the person.
    (
        "staff.full_time",
        _rule_number_first(
            _STAFF_LEAD, "名", r"(?:工作)?人员(?:作为|担任)?(?:专职|全职)(?:负责|从事|信息公开员)"
        ),
    ),
    ("staff.part_time", _rule_number_first(_STAFF_LEAD, "名", r"(?:工作)?人员兼职(?:负责|从事)")),
    (
        "training.sessions",
        _rule(r"(?:举办|组织|开展)[^,;。\d]{0,10}?培训(?:班|会)?(?:次数)?", "次|期|场"),
    ),
    # "两次举办…培训"; not a frequency ("每季度1次组织培训") or an ordinal ("第2次").
    (
        "training.sessions",
        _rule_number_first(
            r"(?<![第每])(?<!每月)(?<!每周)(?<!每季度)(?<!每年)",
            "次",
            r"(?:举办|组织|开展)[^,;。\d]{0,12}?培训",
        ),
    ),
    ("training.sessions", _rule(r"参加培训次数", "次(?!数)")),
    (
        "training.attendances",
        _rule(
            r"参加培训(?:人次数|人次|人员)?|参训(?:人次|人员)?"
            r"|培训(?:相关|有关)?(?:工作)?(?:人员|干部)",
            "人次",
        ),
    ),
    # requests
    ("requests.new.total", _rule(r"申请公开的政府信息次数", "次|件")),
    (
        "requests.new.total",
        _rule(
            r"(?:收到|受理|接到|接收)(?:各类|依申请)*(?:政府)?信息公开(?:的)?申请(?:件(?=\d))?"
            r"(?:共|共计)?",
            "件|次|份|条|宗",
        ),
    ),
    (
        "requests.new.total",
        _rule(r"(?:受理|收到|接到)(?:依申请公开|(?:公开)?申请)(?:件(?=\d))?|申请总数", "件|次|份"),
    ),
    # "2019年收到申请公开0条"
    (
        "requests.new.total",
        _rule(r"(?:受理|收到|接到)申请公开(?:的)?(?:政府)?(?:信息)?", "件|次|份|条"),
    ),
    # "收到申请政府信息公开26件", "收到依申请公开政府信息申请1件"
    (
        "requests.new.total",
        _rule(
            r"(?:收到|受理|接到|接收)(?:申请(?:政府)?信息公开|依申请公开(?:政府)?信息(?:的)?申请)",
            "件|次|份",
        ),
    ),
    # "受理公民、法人和其他组织…提出的政府信息公开申请5件": who applied, between.
    (
        "requests.new.total",
        _rule(r"(?:收到|受理|接到)[^,;。\d]{2,40}?提出的(?:政府)?信息公开申请", "件|份"),
    ),
    # "共受理12起依申请公开", "收到8份政府信息公开申请": the number before the noun.
    (
        "requests.new.total",
        _rule_number_first(
            r"(?:收到|受理|接到|接收)了?(?:各类)?",
            "件|起|份|宗",
            # "收到2份书面政府信息公开申请", "收到2宗正式提交的政府信息公开申请"
            r"(?:书面|正式|有效)?(?:提交|提出|递交)?(?:的)?"
            r"(?:政府)?(?:信息)?(?:依申请公开|(?:政府)?信息公开(?:的)?申请)"
            # "收到4件针对本部门有关政府信息公开事务的申请"
            r"|针对[^,;。\d]{0,12}?政府信息公开事务的申请",
        ),
    ),
    # "收到政府依申请公开件2件", "收到政府信息依申请公开办理事项1件", "受理政府信息依申请公开0件",
    # "受理依申请公开政府信息0件", "全年共收到、办理依申请公开0件"
    (
        "requests.new.total",
        _rule(
            r"(?:收到|受理|接到|接收)(?:、(?:办理|处理|受理))?(?:政府)?(?:信息)?依申请公开"
            r"(?:政府)?(?:信息)?(?:件|办理事项|事项)?",
            "件|份|次",
        ),
    ),
    # "政府信息依申请公开系统共收到1宗信息"
    ("requests.new.total", _rule(r"依申请公开(?:系统|平台)(?:共|共计)?收到", "件|宗|份")),
    # "依申请公开共受理2件", "全年发生依申请公开1次"
    (
        "requests.new.total",
        _rule(r"依申请公开(?:工作)?(?:共|共计)?(?:受理|收到|接到)|发生依申请公开", "件|份|次|起"),
    ),
    # "收到自然人、法人或其他组织向我镇提交的政府信息公开申请0件"
    (
        "requests.new.total",
        _rule(r"(?:收到|受理|接到)[^,;。\d]{2,40}?提交的(?:政府)?信息公开申请", "件|份"),
    ),
    # Carried over (2019+ tables' rows 二 and 四), stated in the prose.
    (
        "requests.carried_in.total",
        _rule(
            r"(?:结转上年(?:度)?|上年(?:度)?结转)(?:的)?(?:(?:政府)?信息公开)?(?:申请|办理)?",
            "件",
        ),
    ),
    # "结转下年继续办理7件", "结转2020年继续办理的6件": the number after the words.
    (
        "requests.carried_out.total",
        _rule(
            # Not "2018年结转2019年继续办理的" (carried in, from the year before).
            r"(?<!年)(?<!年度)结转(?:至|到)?(?:下一?年度?|(?:19|20)\d{2}年度?(?=继续|办理|答复))"
            r"(?:继续)?(?:办理|答复)?(?:的)?|顺延(?:至|到)下一?年度?(?:答复|办理)",
            "件",
        ),
    ),
    # "按时办结130件", "今年共办结35件": the handled requests, the table's （七）总计. Not
    # "办结上年结转3件" (the words between name carried-over requests).
    ("requests.total_handled.total", _rule(r"(?<![未])办结(?:(?:政府)?信息公开)?(?:申请)?", "件")),
    # The table's reasons named in the prose ("本机关不掌握的政府信息4件").
    (
        "requests.unable.not_held.total",
        _rule(r"本机关不掌握(?:的)?(?:相关)?(?:政府)?信息", "件"),
    ),
    ("requests.unable.needs_creation.total", _rule(r"没有现成信息需要另行制作", "件")),
    ("requests.unable.unclear.total", _rule(r"补正后申请内容仍不明确", "件")),
    (
        "requests.not_processed.confirm_existing.total",
        _rule(r"要求行政机关确认或重新出具已获取信息", "件"),
    ),
    (
        "requests.carried_out.total",
        _rule_number_first(
            r"(?<=[,;])(?:剩余|其余|尚有|另有)?",
            "件",
            r"(?:申请)?结转(?:至)?下(?:一)?年(?:度)?(?:继续)?(?:办理|答复)",
        ),
    ),
    # The Jilin template: "政府信息公开申请数为2," (a bare number, as its other counts).
    ("requests.new.total", _rule(r"(?:政府)?信息公开申请数", "件|次|条", unit_optional=True)),
    ("requests.channel.in_person", _rule(r"当面(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS)),
    ("requests.channel.fax", _rule(r"传真(?:方式)?(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS)),
    (
        "requests.channel.email",
        _rule(r"电子邮件(?:方式)?(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS),
    ),
    (
        "requests.channel.online",
        _rule(r"(?:网上|网络|在线)(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS),
    ),
    ("requests.channel.letter", _rule(r"信函(?:方式)?(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS)),
    ("requests.channel.other", _rule(r"其他形式(?:提出|提交)?申请(?:数)?", _CHANNEL_UNITS)),
    (
        "requests.granted.total",
        _rule(r"(?<![不及和、与])(?:同意公开|予以公开|全部公开)(?:答复)?", "件|次|份|条"),
    ),
    ("requests.partial.total", _rule(r"(?<![及和、与])(?:同意)?部分公开(?:答复)?", "件|次|份|条")),
    (
        "requests.legacy_refused.total",
        _rule(
            r"(?:否决公开|不予公开|不同意公开|未予公开)(?:答复)?",
            "件|次|份|条",
            unit_optional=True,
        ),
    ),
    # reconsideration, litigation, complaints
    ("review.total", _rule(r"行政复议(?:申请|案件|案)?", _CASES)),
    # "行政复议7件,均获维持": every case upheld.
    (
        "review.upheld",
        re.compile(
            rf"行政复议(?:申请|案件|案)?{_FILL}{_NUM}(?:{_CASES}),?(?:全部|均)(?:获|被|予以)?维持"
        ),
    ),
    ("litigation.total", _rule(r"行政诉讼(?:案件|案)?|(?<=[,、;])诉讼(?:案件)?", _CASES)),
    ("complaints.total", _rule(r"行政申诉(?:案件)?", _CASES)),
    # fees
    (
        "fees.total",
        # "收取的费用(检索费、邮寄费、复制费等)为0元": the parenthesis lists what it covers.
        _rule(
            r"(?:收费|收取(?:的)?费用)(?:金额|总额)?(?:\([^)]{0,30}\))?", "元", unit_optional=True
        ),
    ),
    (
        "fees.cost_recovery",
        _rule(
            r"(?:复印|复制|递送|邮寄|检索)[^,;。]{0,8}?(?:成本)?费用(?:数)?",
            "元",
            unit_optional=True,
        ),
    ),
    ("fees.other", _rule(r"其他费用(?:数)?", "元", unit_optional=True)),
    ("fees.information_processing", _rule(r"信息(?:公开)?处理费", "元")),
)

# Words before a match that show the number is about another year, not this report's.
_OTHER_YEAR = re.compile(r"(?:上年|去年|上一年|同比|较|比)[^,;。]{0,6}$")
# Words after a number that show it was a stock ("…615条,今年新增94条"): not the year's count.
_YEAR_ADDITION = re.compile(_YEAR_ADDITION_WORDS)
# "截止2010年12月31日,全乡累计主动公开政府信息65条", "到2011年底累计…": a point in time and
# 累计 together state a stock since the regulation began, unless the year is named (全年累计).
# "截至…累计", and "截至目前/至今" ("so far": since when is not said, so not the year's).
_STOCK_SINCE = re.compile(r"(?:截至|截止|(?<!达)到)[^。;]{0,30}?累计|(?:截至|截止)目前|迄今|至今")
_THIS_YEAR = re.compile(r"今年|本年|全年|年内|当年|(?:19|20)\d{2}年度?新增")
# Metrics that are stocks by nature: a stock with this year's addition is still their value.
_STOCK_METRICS = frozenset(
    ("staff.total", "staff.full_time", "staff.part_time", "reading_points.total")
)

_LIST_KEYWORDS: tuple[tuple[str, str], ...] = (
    ("当面", "requests.channel.in_person"),
    ("传真", "requests.channel.fax"),
    ("电子邮件", "requests.channel.email"),
    ("邮件", "requests.channel.email"),
    ("网上", "requests.channel.online"),
    ("网络", "requests.channel.online"),
    ("信函", "requests.channel.letter"),
    ("其他形式", "requests.channel.other"),
    ("专职", "staff.full_time"),
    ("全职", "staff.full_time"),
    ("兼职", "staff.part_time"),
    ("部分公开", "requests.partial.total"),
    ("不予公开", "requests.legacy_refused.total"),
    ("不同意公开", "requests.legacy_refused.total"),
    ("同意公开", "requests.granted.total"),
    ("予以公开", "requests.granted.total"),
    ("行政复议", "review.total"),
    ("复议", "review.total"),
    ("行政诉讼", "litigation.total"),
    ("诉讼", "litigation.total"),
    ("申诉", "complaints.total"),
)
_RESPECTIVELY = re.compile(
    rf"(?P<keys>[^,;。:\n\d]{{2,60}}?)(?:的数量|数量|数)?分别(?:为|是|有|达)?"
    rf"(?P<nums>(?:{NUMBER_PATTERN})(?:余|多)?(?:件|次|人|名|条|起)?"
    rf"(?:[、,和及与](?:{NUMBER_PATTERN})(?:余|多)?(?:件|次|人|名|条|起)?)+)"
)
# "公共资金使用信息、机构调整和人员变动类信息各2条": one number for each item of a 、-list.
_EACH = re.compile(
    rf"(?P<keys>[^,;。:\n\d]{{2,80}}?)各(?:为|是|有)?(?P<n>{NUMBER_PATTERN})(?:余|多)?"
    r"(?P<unit>条|件|次|人|名|起)"
)
_BOUNDARY = frozenset(",;。:\n")
_ALL_ZERO = re.compile(
    r"(?P<keys>[^,;。:\n\d]{2,60}?)均(?:为|是)?(?:零|0|无)(?:件|起|人)?(?![\d.])"
)

_ZERO = re.compile(
    r"没有|未(?:发生|出现|收到|接到|接收|受理|有|产生)|为零|为0(?![\d.])|是零|(?:^|[:为])无(?:$|[。,;])|无(?=因|任何|涉及|发生|依申请|依法申请|行政复议|行政诉讼)|均无|零(?:件|起)"
    r"|(?:全年|本年度?|今年|年内)无|无一(?:例|起|件)"
)
# "未收到…申请和未涉及“不予公开”的信息": two statements in one clause, each read alone.
_SECOND_STATEMENT = re.compile(r"(?:和|及|并且?|且|也|同时)(?=未|没有)")
_NOT_ZERO_CONTEXT = re.compile(
    r"纠错|纠正|败诉|撤销|被确认违法|不予公开|不予受理|补正|超期|逾期|以外"
)
# "也不存在不予公开的情况", "无不予公开信息的情况发生", "未涉及“不予公开”的政府信息":
# no request was refused (the pre-2019 不予公开 count).
# "无依申请公开政府信息和不予以公开政府信息": both nothing.
_NO_REFUSAL = re.compile(
    r"(?:没有|未涉及|未有|未出现|不存在|无)(?:[^,;。\d]{0,12}?和)?[“\"]?不予(?:以)?公开"
)
_REQUEST_WORDS = re.compile(
    r"(?:收到|接到|接收)[^,;。]{0,20}申请|(?:受理|提出|办理)[^,;。]{0,12}申请|依申请公开|申请公开"
    # "依申请办理事项为零" (domain.md §1), "没有发生依申请信息公开事件"
    r"|依申请办理事项|依申请(?:政府)?信息公开"
)
# "1、依申请公开情况:目前…": a list number before a statement is not a count.
_LIST_NUMBER = re.compile(r"^\s*(?:\d{1,2}[、.]|\(\d{1,2}\))")
_FEE_WORDS = re.compile(r"收费|收取[^,;。]{0,6}费|费用")
_FEE_ZERO = re.compile(
    r"没有|未(?:收取|收费|发生|产生)|未[^,;。]{0,6}收取|不收取|免费|免收|为零|为0(?![\d.])"
    # "暂未对依申请提供政府信息收取…费用", "未涉及政府信息公开的收费及减免"
    r"|未对[^,;。]{0,12}收取|未涉及[^,;。]{0,12}收费"
    r"|无(?:收费|任何|收取|发出收费)"
)
# "检索、复印、邮递等成本费用", or the template's three items without 成本 ("未收取检索、复印、
# 邮寄等费用"); not some of them ("收取复印费用,未收取检索、邮寄等费用" charged the copies).
_COST_ITEMS = re.compile(
    r"(?:检索|复印|复制|邮寄|邮递|递送)[^,;。]{0,12}?成本费"
    r"|检索[、和及]?(?:复印|复制)[、和及]?(?:邮寄|邮递|递送)[^,;。]{0,4}?费"
)
_ALL_GRANTED = re.compile(
    r"(?:全部|均|一律)(?:予以|同意)?(?:公开|同意公开)(?:答复)?|全部予以答复公开"
)
_ALL_ONE_CHANNEL = re.compile(
    r"(?:全部|均)(?:为|是|通过)?(?P<channel>当面|传真|电子邮件|网上|网络|信函)(?:方式)?(?:申请|提出|提交)"
)
_CHANNEL_KEYS = {
    "当面": "in_person",
    "传真": "fax",
    "电子邮件": "email",
    "网上": "online",
    "网络": "online",
    "信函": "letter",
}
_ALL_ONE_KIND_OF_STAFF = re.compile(r"(?:全部|均)(?:为|是)(?P<kind>专职|兼职)")


# The 2014–2018 统计表 appended to many reports: "label unit number" lines.
_STATISTICS_LINE = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、]|其中:)*"
    r"(?P<label>[^\t|]+?)(?:\([^)]*\))?[\s|]*(?P<unit>万元|元|条|件|个|人次|人|次|处)[\s|]*"
    r"(?P<n>\d+(?:\.\d+)?)[\s|]*$"
)
_STATISTICS_LABELS = {
    "主动公开政府信息数": "proactive.total",
    "政府网站公开政府信息数": "proactive.online.items",
    "收到申请数": "requests.new.total",
    "当面申请数": "requests.channel.in_person",
    "传真申请数": "requests.channel.fax",
    "网络申请数": "requests.channel.online",
    "网上申请数": "requests.channel.online",
    "电子邮件申请数": "requests.channel.email",
    "信函申请数": "requests.channel.letter",
    "同意公开答复数": "requests.granted.total",
    "同意部分公开答复数": "requests.partial.total",
    "不同意公开答复数": "requests.legacy_refused.total",
    "行政复议数量": "review.total",
    "行政诉讼数量": "litigation.total",
    "依申请公开信息收取的费用": "fees.total",
    "设置政府信息公开查阅点数": "reading_points.total",
    "从事政府信息公开工作人员数": "staff.total",
    "专职人员数": "staff.full_time",
    "兼职人员数": "staff.part_time",
    "举办各类培训班数": "training.sessions",
    "接受培训人员数": "training.attendances",
}
_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\))(?P<heading>.{2,40})$"
)
_WHEN = r"(?:本年度|本年|全年|今年|(?:19|20)\d{2}年度?)"
# "本年度无。", "我镇2016年度无申请。" (the body first, then the year).
_NOTHING_LINE = re.compile(
    rf"^{_WHEN}?[,]?(?:我[^,;。\d]{{0,4}})?{_WHEN}?[,]?"
    r"(?:无|没有|为零|无此类情况|无相关情况|未发生|(?P<no_request>(?:无|没有|未收到)(?:此类|相关)?申请))[。.]?$"
)


@dataclass(frozen=True)
class _Found:
    metric: str
    value: Decimal
    how: How
    start: int
    end: int


def _prose(text: str) -> str:
    """The text with table lines blanked (same length, so offsets hold)."""
    out = []
    for line in text.split("\n"):
        stripped = line.strip()
        if "\t" in line or stripped.startswith("|") or stripped.startswith("##"):
            out.append(" " * len(line))
        else:
            out.append(line)
    return "\n".join(out)


# "三、政府信息公开收费和减免情况 本年度我镇没有…": a heading run into its text where the
# line break was lost (normalising drops the space). Its 收费 does not make the statement
# one about fees; its other words stay, since "五、行政复议情况:无。" is about them. It ends
# at 情况 before the words that open a sentence, or at a colon.
_INLINE_HEADING = re.compile(
    r"^\s*[一二三四五六七八九十]{1,3}、(?:[^,;。:\d]{2,40}?情况"
    r"(?=本年|全年|今年|年内|(?:19|20)\d{2}年|我|本[镇乡县区市局街])|[^,;。:\d]{2,40}:)"
)


def _clauses(text: str) -> Iterator[tuple[int, str]]:
    for match in re.finditer(r"[^,;。\n!?]+", text):
        yield match.start(), match.group()


def _number_at(text: str, match: re.Match[str]) -> tuple[Decimal, bool] | None:
    group = "n" if match.group("n") is not None else "m"
    start, end = match.span(group)
    number = parse_number(match.group(group), text[max(0, start - 2) : start], text[end : end + 4])
    if number is None:
        return None
    return number.value, number.approximate


def _from_rules(text: str) -> Iterator[_Found]:
    for metric, pattern in _RULES:
        for match in pattern.finditer(text):
            if _OTHER_YEAR.search(text[max(0, match.start() - 12) : match.start()]):
                continue
            if metric not in _STOCK_METRICS and _is_stock(text, match):
                continue
            parsed = _number_at(text, match)
            if parsed is None:
                continue
            value, approximate = parsed
            yield _Found(metric, value, "approximate" if approximate else "printed", *match.span())


def _is_stock(text: str, match: re.Match[str]) -> bool:
    """A count since the regulation began rather than this year's: followed by this year's
    addition, or stated to a date with 累计."""
    if _YEAR_ADDITION.match(text, match.end()):
        return True
    start = max(match.start() - 40, text.rfind("。", 0, match.start()) + 1)
    window = text[start : match.end()]
    return bool(_STOCK_SINCE.search(window)) and not _THIS_YEAR.search(window)


def _metric_for(key: str) -> str | None:
    for word, metric in _LIST_KEYWORDS:
        if word in key:
            return metric
    return None


def _split_keys(keys: str) -> list[str]:
    keys = re.sub(r"^(?:其中|分别|通过|以|按)", "", keys)
    return [k for k in re.split(r"[、和及与/]|以及", keys) if k]


def _from_lists(norm: Normalized, text: str, warnings: list[Warning]) -> Iterator[_Found]:
    for match in _anchored(_RESPECTIVELY, text, "分别"):
        keys = _split_keys(match.group("keys"))
        numbers = re.findall(rf"({NUMBER_PATTERN})((?:余|多)?)", match.group("nums"))
        metrics = [_metric_for(k) for k in keys]
        if len(keys) != len(numbers) or None in metrics or len(set(metrics)) != len(metrics):
            if any(metrics):
                warnings.append(
                    _ambiguous(norm, match, "a list of numbers whose items are unclear")
                )
            continue
        for metric, (token, suffix) in zip(metrics, numbers, strict=True):
            number = parse_number(token, after=suffix)
            if metric is not None and number is not None:
                how: How = "approximate" if number.approximate else "printed"
                yield _Found(metric, number.value, how, *match.span())
    for match in _anchored(_ALL_ZERO, text, "均"):
        keys = _split_keys(match.group("keys"))
        metrics = [_metric_for(k) for k in keys]
        if metrics and None not in metrics and len(keys) >= 2:
            for metric in metrics:
                if metric is not None:
                    yield _Found(metric, Decimal(0), "printed", *match.span())


def _each(text: str) -> Iterator[_Found]:
    for match in _anchored(_EACH, text, "各"):
        keys = [re.sub(r"^(?:其中|分别)", "", k) for k in match.group("keys").split("、")]
        metrics = [_content_class(k) or _metric_for(k) for k in keys]
        if len(keys) < 2 or None in metrics or len(set(metrics)) != len(metrics):
            continue
        is_content = [m is not None and m.startswith(_BY_CONTENT) for m in metrics]
        if any(is_content) and (not all(is_content) or match.group("unit") != "条"):
            continue
        number = parse_number(match.group("n"), after=match.group("unit"))
        if number is None:
            continue
        how: How = "approximate" if number.approximate else "printed"
        for metric in metrics:
            if metric is not None:
                yield _Found(metric, number.value, how, *match.span())


def _content_class(label: str) -> str | None:
    for metric, stem in _CONTENT_CLASSES:
        if re.fullmatch(f"{stem}(?:{_CLASS_WORD}|信息)", label):
            return metric
    if re.fullmatch(f"其他{_CLASS_WORD}", label):
        return f"{_BY_CONTENT}other"
    return None


def _template_classes_only(text: str, found: list[_Found]) -> list[_Found]:
    """Content classes only from lists of the template's classes, never a report's own list.

    A sentence listing any other class ("业务类信息9条", "政策规范性文件类") is a local taxonomy:
    its numbers do not fit the template keys, and its "其他类" is another "other". A lone class
    is read only under its full template label; "其他类" and the short labels ("规范性文件信息")
    need two template classes in the same sentence.
    """
    kept = []
    for item in found:
        if not item.metric.startswith(_BY_CONTENT):
            kept.append(item)
            continue
        start, end = _sentence(text, item.start)
        if any(_is_local_class(m.group("stem")) for m in _CLASS_ITEM.finditer(text, start, end)):
            continue
        classes = {
            f.metric
            for f in found
            if f.metric.startswith(_BY_CONTENT)
            and f.metric != f"{_BY_CONTENT}other"
            and start <= f.start < end
        }
        full_label = item.metric != f"{_BY_CONTENT}other" and "类" in text[item.start : item.end]
        if len(classes) >= 2 or full_label:
            kept.append(item)
    return kept


def _sentence(text: str, position: int) -> tuple[int, int]:
    start = max(text.rfind("。", 0, position), text.rfind("\n", 0, position)) + 1
    ends = [e for e in (text.find("。", position), text.find("\n", position)) if e >= 0]
    return start, min(ends, default=len(text))


def _is_local_class(stem: str) -> bool:
    # "各类信息46条", "两类": a quantity of classes, not a class name.
    if stem.endswith(tuple("各两几多此该这等")):
        return False
    return not _TEMPLATE_STEM.search(stem)


def _anchored(pattern: re.Pattern[str], text: str, word: str) -> Iterator[re.Match[str]]:
    """Matches of a list pattern, tried only at the clause starts before `word` (fast)."""
    tried: set[int] = set()
    for anchor in re.finditer(word, text):
        start = anchor.start()
        while start > 0 and start > anchor.start() - 61 and text[start - 1] not in _BOUNDARY:
            start -= 1
        if start in tried:
            continue
        tried.add(start)
        match = pattern.match(text, start)
        if match:
            yield match


def _ambiguous(norm: Normalized, match: re.Match[str], why: str) -> Warning:
    start, end = norm.span(*match.span())
    return Warning(
        "ambiguous_number",
        f"{why}: left out",
        evidence=Evidence(norm.original[start:end], start, end),
    )


def _statements(text: str) -> Iterator[tuple[int, str]]:
    for start, clause in _clauses(text):
        cuts = [0, *(m.start() for m in _SECOND_STATEMENT.finditer(clause)), len(clause)]
        for cut, following in itertools.pairwise(cuts):
            if following > cut:
                yield start + cut, clause[cut:following]


_PERSONS = re.compile(r"公民|自然人|个人")
_ORGANISATIONS = re.compile(r"法人|组织|企业")


def _some_applicants(clause: str) -> bool:
    """The clause names applicants of one kind only ("未收到法人或者其他组织…的申请").

    Such a statement says nothing of the others', so the year's total is not zero by it.
    """
    return bool(_PERSONS.search(clause)) != bool(_ORGANISATIONS.search(clause))


def _zero_statements(text: str) -> Iterator[_Found]:
    for start, clause in _statements(text):
        end = start + len(clause)
        if re.search(r"\d", re.sub(r"(?:19|20)\d{2}年", "", _LIST_NUMBER.sub("", clause))):
            continue
        if _NO_REFUSAL.search(clause) and not re.search("复议|诉讼|涉密|保密|秘密|被公开", clause):
            yield _Found("requests.legacy_refused.total", Decimal(0), "printed", start, end)
        if _NOT_ZERO_CONTEXT.search(clause):
            continue
        zero = _ZERO.search(clause)
        legal = False
        if zero and ("复议" in clause or "诉讼" in clause or "申诉" in clause or "申述" in clause):
            legal = True
            if "复议" in clause:
                yield _Found("review.total", Decimal(0), "printed", start, end)
            if "诉讼" in clause:
                yield _Found("litigation.total", Decimal(0), "printed", start, end)
            if "申诉" in clause or "申述" in clause:  # 申述: a common slip for 申诉
                yield _Found("complaints.total", Decimal(0), "printed", start, end)
        if (
            zero
            and not legal
            and _REQUEST_WORDS.search(clause)
            and "费" not in _INLINE_HEADING.sub("", clause)
            and not _some_applicants(clause)
        ):
            yield _Found("requests.new.total", Decimal(0), "printed", start, end)
        if _FEE_WORDS.search(clause) and _FEE_ZERO.search(clause) and not legal:
            metric = "fees.information_processing" if "处理费" in clause else "fees.total"
            yield _Found(metric, Decimal(0), "printed", start, end)
            if metric == "fees.total" and _COST_ITEMS.search(clause):
                # "未产生…检索、复印、邮递等成本费用": no cost-recovery fee, so none at all.
                yield _Found("fees.cost_recovery", Decimal(0), "printed", start, end)


def _statistics_table(text: str) -> Iterator[_Found]:
    position = 0
    for line in text.split("\n"):
        match = _STATISTICS_LINE.match(line.strip())
        if match:
            metric = _STATISTICS_LABELS.get(match.group("label").strip())
            number = parse_number(match.group("n"))
            if metric is not None and number is not None:
                value = number.value * (10_000 if match.group("unit") == "万元" else 1)
                yield _Found(metric, value, "printed", position, position + len(line))
        position += len(line) + 1


def _nothing_under_heading(text: str) -> Iterator[_Found]:
    """ "五、行政复议、行政诉讼情况" followed by "本年度无。": zeros for the heading's items."""
    lines = text.split("\n")
    starts = []
    position = 0
    for line in lines:
        starts.append(position)
        position += len(line) + 1
    content = [i for i, line in enumerate(lines) if line.strip()]
    for here, following in itertools.pairwise(content):
        heading = _HEADING.match(lines[here].strip())
        nothing = _NOTHING_LINE.match(lines[following].strip())
        if not heading or not nothing:
            continue
        words = heading.group("heading")
        if nothing.group("no_request"):
            # "无申请" under the fees heading says there were no requests, not what was charged.
            words = words.replace("收费", "")
        span = (starts[following], starts[following] + len(lines[following]))
        metrics = [
            metric
            for word, metric in (
                ("复议", "review.total"),
                ("诉讼", "litigation.total"),
                ("申诉", "complaints.total"),
                ("收费", "fees.total"),
            )
            if word in words
        ]
        if not metrics and "申请" in words:
            metrics = ["requests.new.total"]
        for metric in metrics:
            yield _Found(metric, Decimal(0), "printed", *span)


def extract(norm: Normalized) -> tuple[list[DraftValue], list[Warning]]:
    """Values stated in the prose of a normalised report, with evidence in the original."""
    text = _prose(norm.text)
    warnings: list[Warning] = []
    found = [
        *_statistics_table(norm.text),
        *_from_rules(text),
        *_from_lists(norm, text, warnings),
        *_each(text),
    ]
    found = _template_classes_only(text, found)
    printed_metrics = {f.metric for f in found}
    zeros = [*_zero_statements(text), *_nothing_under_heading(text)]
    found += [z for z in zeros if z.metric not in printed_metrics]
    chosen: dict[str, _Found] = {}
    conflicting: set[str] = set()
    for item in found:
        previous = chosen.get(item.metric)
        if previous is None:
            chosen[item.metric] = item
        elif previous.value != item.value:
            conflicting.add(item.metric)
    for metric in sorted(conflicting):
        stated = sorted({str(f.value) for f in found if f.metric == metric})
        warnings.append(
            Warning(
                "ambiguous_number",
                f"{metric} is stated as {', '.join(stated)}: left out",
                metrics=(metric,),
            )
        )
        del chosen[metric]
    _infer(text, chosen)
    values = [_draft_value(norm, item) for item in chosen.values()]
    return values, warnings


def _infer(text: str, chosen: dict[str, _Found]) -> None:
    """Values implied by a statement and a known count: "全部同意公开", "全部为当面申请"."""
    staff = chosen.get("staff.total")
    kind = _ALL_ONE_KIND_OF_STAFF.search(text)
    if staff is not None and staff.how == "printed" and kind:
        same, other = ("full_time", "part_time")[:: 1 if kind.group("kind") == "专职" else -1]
        if f"staff.{same}" not in chosen and f"staff.{other}" not in chosen:
            chosen[f"staff.{same}"] = _Found(f"staff.{same}", staff.value, "inferred", *kind.span())
            chosen[f"staff.{other}"] = _Found(
                f"staff.{other}", Decimal(0), "inferred", *kind.span()
            )
    requests = chosen.get("requests.new.total")
    if requests is None or requests.how != "printed":
        return
    granted = _ALL_GRANTED.search(text)
    if granted and "requests.granted.total" not in chosen and "部分" not in _around(text, granted):
        chosen["requests.granted.total"] = _Found(
            "requests.granted.total", requests.value, "inferred", *granted.span()
        )
    channel = _ALL_ONE_CHANNEL.search(text)
    channels = [f"requests.channel.{c}" for c in ("in_person", "fax", "email", "online", "letter")]
    if channel and not any(key in chosen for key in channels):
        only = f"requests.channel.{_CHANNEL_KEYS[channel.group('channel')]}"
        for key in [*channels, "requests.channel.other"]:
            value = requests.value if key == only else Decimal(0)
            chosen[key] = _Found(key, value, "inferred", *channel.span())


def _around(text: str, match: re.Match[str]) -> str:
    return text[max(0, match.start() - 6) : match.end() + 2]


def _draft_value(norm: Normalized, item: _Found) -> DraftValue:
    start, end = norm.span(item.start, item.end)
    evidence = Evidence(norm.original[start:end], start, end)
    return DraftValue(metric=item.metric, value=item.value, how=item.how, evidence=evidence)
