"""What a report is: its title, body, year, format, scope, and problems/improvements sections."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

from app.parsing.draft import Warning
from app.parsing.text import Normalized, chinese_to_int

Format = Literal["pre2019", "2019", "2021"]
Scope = Literal["self", "aggregate"]

_YEAR = r"(?:19|20)\d{2}|二[〇○零][〇○零一二三四五六七八九]{2}"
_TITLE_END = r"(?:政府)?信息公开(?:工作)?(?:的)?(?:年度)?(?:报告|年报|工作报告)"
_TITLE_PATTERNS = (
    # 台上镇2009年政府信息公开工作年度报告 · 2019年上海市人民政府办公厅政府信息公开工作年度报告
    re.compile(
        rf"(?P<pre>[^\n。,;:!?]{{0,40}}?)(?:关于)?(?P<year>{_YEAR})年度?(?:的)?"
        rf"(?P<post>[^\n。,;:!?\d]{{0,40}}?){_TITLE_END}"
    ),
    # 某某局政府信息公开工作2012年度报告
    re.compile(
        rf"(?P<pre>[^\n。,;:!?]{{0,40}}?)政府信息公开(?:工作)?(?P<year>{_YEAR})年度?(?:报告|年报)"
    ),
)
# A site's breadcrumb trail ("首页 > 政务公开 > 政府信息公开年报 > 2021 > …", "首页 / 政府信息
# 公开 / 正文") names sections of the site, not the report: never a title, even where it ends
# in the report's name. Nor are the site's own links ("返回首页", "无障碍浏览", "登录 注册"),
# which a title wrapped over two lines would otherwise take as its first half.
_SKIP_LINE = re.compile(
    r"^(?:SOURCE:|正文$|发布(?:时间|日期)|来源|信息来源|索引号|【"
    r"|返回首页|网站首页|首页$|无障碍|关怀版|长者版|适老|登录|注册|打印|关闭窗口|字体|字号|分享到"
    r"|当前位置|您(?:现在)?(?:所在)?的?位置)"
)
_BREADCRUMB = re.compile(r">[^>]*>|^(?:网站)?首页\s*[/／>»›]")
# Lines that are a page's metadata ("…| 主动公开 | 某镇人民政府 |", "公文生成日期:2019-01-04",
# a document number "某政〔2011〕6号"): never the first half of a wrapped title.
_METADATA_LINE = re.compile(r"[|:]|[〔﹝\[(]\d{4}[〕﹞\])]\d+号")
# With no title line, the body in the opening sentences: "由义亭镇编制的2009年…年度报告",
# "…要求,由某县人民政府办公室编制。", "现公布2012年凤安镇政府信息公开工作年度报告".
_BY = r"(?<![理自经])由(?!于|此)(?P<body>[^,。;:\n《》]{2,30}?)(?:组织|负责|牵头)?编制"
_BODY_IN_TEXT = (
    re.compile(rf"{_BY}的[^。\n]{{0,30}}?报告"),
    re.compile(rf"(?:报告|条例)[^。\n]{{0,80}}?{_BY}。"),
    re.compile(rf"(?:公布|编制了?)(?:{_YEAR})年度?(?P<body>[^\n。,;:\d《》]{{2,30}}?){_TITLE_END}"),
    # "现公开某区人民政府办公室2025年政府信息公开工作年度报告"
    re.compile(
        rf"(?:现公开|现公布|现予公布|现予公开)(?P<body>[^\n。,;:\d《》]{{2,30}}?)(?:{_YEAR})年度?"
        rf"(?:的)?{_TITLE_END}"
    ),
    # The overview's first sentence: "2022年,某区房屋征收工作管理办公室认真贯彻落实《条例》",
    # "2023年,在区委、区政府的坚强领导下,某街道办事处认真…", "(一)主动公开情况。2020年,
    # 某市财政局共主动公开…", "2024年,某镇未收到…申请".
    re.compile(
        rf"(?:^|\n|。)[一二三四五六七八九十、()\s总体情况概述]*(?:{_YEAR})年度?,"
        r"(?:在[^\n。,;]{2,30}?下,)?"
        r"(?P<body>[^\n。,;:\d《》]{2,30}?(?:办公室|局|委员会|政府|办事处|中心|街道|镇|乡))"
        r"(?:认真|深入|全面|严格|坚持|始终|高度|共主动公开|主动公开|未收到|共收到|共受理)"
    ),
    # "本报告由某区财政局按照《条例》…编制": the compiler, before the rules it followed.
    re.compile(
        r"本(?:年度)?报告由(?P<body>[^\n。,;:\d《》]{2,30}?(?:办公室|局|委员会|政府|办事处|中心))"
        r"(?:按照|根据|依据|依照)"
    ),
)
# A title without a year ("某某局\n政府信息公开工作年度报告"; the year is in the text): the
# whole line, or two lines joined, is the body and the title words, nothing else.
_YEARLESS_TITLE = re.compile(rf"(?P<pre>[^\n。,;:!?\d《》]{{2,30}}?){_TITLE_END}")
# "县政府办公室", "本局", "我镇": no name of a body.
_NOT_A_NAME = re.compile(r"^(?:本|我|该|各|全|县|市|区|镇|乡|省)")
# "由某县人民政府办公室编制", "由某镇人民政府党政办公室编制": the office compiles its
# government's report.
_COMPILING_OFFICE = re.compile(
    r"(?P<body>.+?(?:政府|局|委员会|委|厅|院))(?:党政|综合|党政综合)?(?:信息公开(?:工作)?)?"
    r"(?:办公室|办)$"
)

# 2019+ reports carry the national tables; their row labels tell the two formats apart.
_TABLE_MARKERS = (
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "第二十条第(一)项",
    "结转下年度继续办理",
    "未经复议直接起诉",
    "本年度办理结果",
)
_MARKERS_2021 = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "逾期不补正",
    "逾期未按收费通知",
    "本年处理决定数量",
    "本年收费金额",
)
_MARKERS_2019 = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "采购总金额",
)

_AGGREGATE = (
    re.compile(
        r"(?:汇总|汇编|综合|汇集|整合)[^。\n]{0,20}?"
        r"(?:各县|各区|各乡|各镇|各街道|各县\(市、?区\)|县\(市、?区\)|各部门|各单位|所属|下属|各级)"
    ),
    re.compile(
        r"(?:根据|依据|由)[^。\n]{0,30}(?:各县|各区|各乡镇|各部门|各单位)[^。\n]{0,20}(?:报送|提供|上报)"
    ),
    re.compile(
        r"本(?:年度)?报告[^。\n]{0,10}(?:包括|涵盖)[^。\n]{0,20}(?:各县|各区|各乡镇|各部门)"
    ),
    # "结合…各乡镇人民政府及县政府各工作部门的…年度报告编成本报告"
    re.compile(
        r"结合[^。\n]{0,30}?(?:各乡镇|各县|各区|各街道|各部门|各工作部门|各单位)"
        r"[^。\n]{0,40}?报告[^。\n]{0,6}?(?:编成|编制|汇总|形成)"
    ),
    # "全区各单位共收到…申请": the numbers are the whole area's.
    re.compile(r"全(?:省|市|县|区|镇|乡)(?:各单位|各部门|各级行政机关|各级政府|各级各部门)"),
    # "根据《条例》以及2018年度某市政府各部门和各区政府的…年度报告编制": compiled from them.
    re.compile(
        r"(?:根据|依据|以及)[^。\n]{0,40}?(?:各部门|各区|各县|各街道|各乡镇|委办局)"
        r"[^。\n]{0,40}?年度报告[^。\n]{0,4}?编制"
    ),
    # "2023年,全区主动公开政府信息21019条", "全市共受理…申请452件", "某市各部门共接受…":
    # counts of a whole city, district or county (a town's 全镇 is its own).
    re.compile(r"全(?:省|市|县|区)(?:共|主动公开)|[省市县区]各部门共"),
)

_TOP_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_PROBLEM_HEADING = re.compile(r"^[一二三四五六七八九十]+、[^\n]{0,30}?(?:问题|改进)")
_PROBLEM_SUBHEADING = re.compile(
    r"^\([一二三四五]\)[^\n]{0,30}?(?:存在的?(?:主要)?问题|改进情况|改进措施|主要问题)"
)
_SUBHEADING = re.compile(r"^\([一二三四五六]\)")
_IMPROVEMENT_SPLIT = re.compile(
    r"(?:改进措施|改进情况|整改措施|下一步(?:工作)?(?:打算|计划|措施)?|今后(?:的)?工作中|结合存在的问题"
    r"|针对(?:以上|上述|存在的)|我(?:市|县|区|局|镇|乡|委|办|厅)将)"
)


@dataclass(frozen=True)
class Meta:
    title: str | None
    body_name: str | None
    year: int | None
    format: Format | None
    scope: Scope
    problems: str | None
    improvements: str | None
    has_tables: bool
    warnings: list[Warning] = field(default_factory=list)


def _year(token: str) -> int | None:
    if token.isdigit():
        return int(token)
    return chinese_to_int(token.replace("〇", "零").replace("○", "零").replace("零", "〇"))


def find_title(norm: Normalized) -> tuple[str | None, str | None, int | None]:
    """The title line, the body name printed in it and the report year."""
    lines = [line.strip() for line in norm.text.split("\n")[:40]]
    lines = [
        line
        for line in lines
        if line and not _SKIP_LINE.match(line) and not _BREADCRUMB.search(line)
    ]
    head = lines[:12]
    # A title may be wrapped over two lines: try each line, then it with the next; not
    # where the next repeats it (a page header "某县人民政府" above "某县人民政府2021年度…").
    candidates = [
        candidate
        for i, line in enumerate(head)
        for candidate in (
            (line,)
            if _METADATA_LINE.search(line) or "".join(head[i + 1 : i + 2]).startswith(line)
            else (line, "".join(head[i : i + 2]))
        )
    ]
    unnamed: tuple[str, None, int | None] | None = None
    named: tuple[str, str, int | None] | None = None
    for candidate in candidates:
        for pattern in _TITLE_PATTERNS:
            match = pattern.search(candidate)
            if match and len(candidate) > 80:
                match = _run_on_title(pattern, candidate)
            if not match:
                continue
            raw_pre = match.group("pre")
            if _SENTENCE_START.search(raw_pre.rsplit("《", 1)[-1]):
                continue  # "特向社会公布2017年度…年度报告": a sentence about the report
            year = _year(match.group("year"))
            title = match.group(0)
            if "《" in raw_pre:
                # "某镇人民政府关于公布《某镇2009年…年度报告》的通知": the quoted report.
                title = title[raw_pre.rindex("《") + 1 :]
                raw_pre = raw_pre[raw_pre.rindex("《") + 1 :]
            pre = _clean_body(raw_pre)
            post = _shared_government(_clean_body(match.groupdict().get("post") or ""))
            body = _named(pre) or _named(post)
            if body is not None and named is not None:
                # "2016年龙归镇…年度报告" in the page's header, then "武江区龙归镇人民政府2016年…
                # 年度报告" under it: the same report, the fuller name.
                if year == named[2] and _spelled_out(named[1], body) and candidate in head:
                    return title.strip(), body, year
                break
            if body is not None and (unnamed is None or unnamed[2] == year):
                named = (title.strip(), body, year)
                break
            # "2012年政府信息公开工作年度报告" alone in the page's header: the title, but a
            # later line may print it again under the body's name ("南坑乡人民政府" above).
            unnamed = unnamed or (title.strip(), None, year)
            break
    if named is not None:
        return named
    if unnamed is not None:
        return unnamed
    for candidate in candidates[:4]:
        match = _YEARLESS_TITLE.fullmatch(candidate)
        if match and not _NOT_A_TITLE_START.search(match.group("pre")):
            body = _named(_clean_body(match.group("pre")))
            return match.group(0), body, None
    return None, None, None


# A flattened page whose title runs straight into the text ("…工作年度报告2019年,我区…"):
# the title must open the line, name no more than a body, and not go on as a sentence
# ("…年度报告如下", "…年度报告已经编制").
# "以及": "根据《条例》以及2013年度某区…年度报告编制", a report about the reports it compiles.
_SENTENCE_START = re.compile(r"现将|现公开|现予公开|特向|根据|按照|依据|以及|公布|印发|发布|编制了")
_NOT_A_TITLE_START = re.compile(rf"{_SENTENCE_START.pattern}|编制|特|《|关于")
_SENTENCE_GOES_ON = re.compile(r"[》”\"的已如是由将为于,、:;]|公布|经")


def _spelled_out(name: str, fuller: str) -> bool:
    """`fuller` is `name` with the divisions above it before and perhaps 人民政府 after
    ("龙归镇" → "武江区龙归镇人民政府"), not another body or a page's words around it."""
    at = fuller.find(name)
    if at < 0 or fuller == name:
        return False
    before, after = fuller[:at], fuller[at + len(name) :]
    divisions = re.fullmatch(f"(?:{DIVISION})*", before)
    return divisions is not None and after in ("", "人民政府", "政府")


# A division's name at the start of a body's: "深圳市", "武江区", "延边朝鲜族自治州".
DIVISION = r"[\u4e00-\u9fff]{1,10}?(?:省|自治区|市|自治州|地区|盟|县|区|旗)"


def _run_on_title(pattern: re.Pattern[str], line: str) -> re.Match[str] | None:
    match = pattern.match(line)
    if match is None or _NOT_A_TITLE_START.search(match.group("pre")):
        return None
    if _SENTENCE_GOES_ON.match(line, match.end()):
        return None
    return match


def _clean_body(name: str) -> str:
    name = name.rsplit("|", 1)[-1]  # a metadata row glued on
    name = re.sub(r"^[\W\d_]+", "", name)  # a date or a bullet before the name
    name = re.sub(r"^[\x00-\x7f]+", "", name)  # a page label ("Page 8 - "): names are Chinese
    name = re.sub(r"^[\s\"“《]+|[\s\"”》]+$", "", name)
    name = re.sub(r"(?:关于|的)$", "", name)
    name = re.sub(r"^(?:关于|由)", "", name)
    name = re.sub(r"(?:编制|编写|制作)$", "", name)  # "由北京市信访办编制的2009年度…报告"
    return name.strip()


def _shared_government(name: str) -> str:
    """ "2008年张义镇人民政府信息公开…": the name's 政府 is also the title's 政府信息公开."""
    return f"{name}政府" if name.endswith("人民") else name


def body_in_text(text: str) -> str | None:
    """The body named in the opening sentences of a report without a title line."""
    for pattern in _BODY_IN_TEXT:
        match = pattern.search(text[:1000])
        if not match:
            continue
        body = _shared_government(_clean_body(match.group("body")))
        # "由某县人民政府办公室编制": the office compiled its government's report. Only
        # there: "现公开某区人民政府办公室2025年…年度报告" is the office's own.
        compiled = "编制" in match.group() or match.group().startswith("本")
        office = _COMPILING_OFFICE.match(body) if compiled else None
        body = office.group("body") if office else body
        if len(body) >= 2 and not _NOT_A_NAME.match(body) and _named(body):
            return body
    return None


# "公布2017年度政府信息公开年度报告": the 政府 of 政府信息公开 names no body.
_GENERIC_NAME = re.compile(r"(?:人民)?政府|机关|单位|部门|本机关|行政机关|街道|乡镇|[镇乡县区市局]")


def _named(name: str) -> str | None:
    """The name unless empty or a bare generic word."""
    return None if not name or _GENERIC_NAME.fullmatch(name) else name


def _fallback_year(text: str) -> int | None:
    period = re.search(r"统计期限[^。\n]{0,6}?((?:19|20)\d{2})年", text)
    if period:
        return int(period.group(1))
    years = Counter(int(y) for y in re.findall(r"(?<!\d)((?:19|20)\d{2})年", text[:3000]))
    return years.most_common(1)[0][0] if years else None


def detect_format(text: str, year: int | None) -> tuple[Format | None, bool]:
    """(format, whether the text carries the 2019+ tables)."""
    has_tables = sum(marker in text for marker in _TABLE_MARKERS) >= 1
    hits_2021 = sum(marker in text for marker in _MARKERS_2021)
    hits_2019 = sum(marker in text for marker in _MARKERS_2019)
    if has_tables or hits_2021 or hits_2019:
        if hits_2021 > hits_2019:
            return "2021", True
        if hits_2019 > hits_2021:
            return "2019", True
        if year is not None:
            return ("2021" if year >= 2021 else "2019"), True
        return None, True
    if year is None:
        return None, False
    if year < 2019:
        return "pre2019", False
    return ("2021" if year >= 2021 else "2019"), False


def detect_scope(text: str) -> Scope:
    return "aggregate" if any(p.search(text[:6000]) for p in _AGGREGATE) else "self"


def _original_lines(norm: Normalized, start: int, end: int) -> str:
    """The original text of normalised [start, end), one normalised line per line."""
    out: list[str] = []
    position = start
    for line in norm.text[start:end].split("\n"):
        if line.strip():
            s, e = norm.span(position, position + len(line))
            original = re.sub(r"[\s\u3000]*\n[\s\u3000]*", "", norm.original[s:e])
            out.append(original.strip(" \t\u3000\u00a0"))
        position += len(line) + 1
    # A site footer after the last paragraph ("政府信息公开年报") is not part of the section.
    while out and len(out[-1]) < 12 and out[-1][-1] not in "。；;.":
        out.pop()
    return "\n".join(out)


def find_sections(norm: Normalized) -> tuple[str | None, str | None]:
    """The problems and improvements text of the 问题/改进 section, split where it splits."""
    text = norm.text
    starts = [m for m in re.finditer(r"(?m)^[^\n]*$", text) if _PROBLEM_HEADING.match(m.group())]
    body_start: int | None = None
    if starts:
        heading = starts[-1]
        body_start = heading.end() + 1
    else:
        sub = [
            m for m in re.finditer(r"(?m)^[^\n]*$", text) if _PROBLEM_SUBHEADING.match(m.group())
        ]
        if sub:
            body_start = sub[0].start()
    if body_start is None or body_start >= len(text):
        return None, None
    end = len(text)
    for m in re.finditer(r"(?m)^[^\n]*$", text[body_start:]):
        if _TOP_HEADING.match(m.group()) and m.start() > 0:
            end = body_start + m.start()
            break
    # Sub-sections: "(一)主要问题" / "(二)改进措施" (also in reverse order).
    problems: list[tuple[int, int]] = []
    improvements: list[tuple[int, int]] = []
    subs = [
        m
        for m in re.finditer(r"(?m)^[^\n]*$", text[body_start:end])
        if _SUBHEADING.match(m.group()) and len(m.group()) < 40
    ]
    kinds = [_kind(m.group()) for m in subs]
    if subs and all(kinds) and "problems" in kinds and "improvements" in kinds:
        for index, m in enumerate(subs):
            s = body_start + m.end() + 1
            e = body_start + subs[index + 1].start() if index + 1 < len(subs) else end
            (problems if kinds[index] == "problems" else improvements).append((s, e))
    else:
        section = text[body_start:end]
        split = _IMPROVEMENT_SPLIT.search(section, 10)
        if split:
            problems.append((body_start, body_start + split.start()))
            improvements.append((body_start + split.start(), end))
        else:
            problems.append((body_start, end))
    problem_text = "\n".join(_original_lines(norm, s, e) for s, e in problems).strip()
    improvement_text = "\n".join(_original_lines(norm, s, e) for s, e in improvements).strip()
    return problem_text or None, improvement_text or None


def _kind(heading: str) -> str | None:
    if "改进" in heading or "措施" in heading or "打算" in heading:
        return "improvements"
    if "问题" in heading or "不足" in heading:
        return "problems"
    return None


# The page's publisher ("信息来源:沙塘镇人民政府", "来源 : 深圳市福田区集体经济发展服务署") or a
# name alone on one of the first lines ("浑南区国资局" above the text): a body, not a website.
_BODY_SUFFIX = r"(?:人民政府|政府|局|委员会|委|办公室|办事处|署|中心|厅|镇|乡|街道)"
# The longest name ending as a body's, whatever text a lost line break ran into it.
_PUBLISHER = re.compile(
    rf"(?:信息来源|来源|发布机构)\s*:\s*(?P<body>[\u4e00-\u9fff()]{{1,28}}{_BODY_SUFFIX})"
    r"(?![\u4e00-\u9fff]*网)"
)
_NAME_LINE = re.compile(rf"[\u4e00-\u9fff]{{2,24}}{_BODY_SUFFIX}")


def publisher(norm: Normalized) -> str | None:
    """The body that published the page, from its metadata or a line of its own."""
    lines = [line.strip() for line in norm.text.split("\n")[:15] if line.strip()]
    for line in lines:
        match = _PUBLISHER.search(line)
        if match:
            return match.group("body")
    for line in lines[:3]:
        if _NAME_LINE.fullmatch(line) and not _NOT_A_NAME.match(line):
            return line
    return None


def detect(norm: Normalized) -> Meta:
    """Title, body, year, format, scope and sections of a normalised report."""
    warnings: list[Warning] = []
    title, body, year = find_title(norm)
    if body is None:
        body = body_in_text(norm.text)
    published_by = publisher(norm)
    # The publisher where nothing else names the body, or where it spells out the printed
    # name ("区集体经济发展服务署" in the title, "深圳市福田区集体经济发展服务署" as the source);
    # not one that merely contains it ("某县人民政府办公室" for "某县人民政府").
    if published_by and (body is None or (published_by.endswith(body) and published_by != body)):
        body = published_by
    if year is None:
        year = _fallback_year(norm.text)
        if year is not None:
            warnings.append(Warning("year_guessed", f"no title year; {year} taken from the text"))
    report_format, has_tables = detect_format(norm.text, year)
    if report_format in ("2019", "2021") and not has_tables:
        warnings.append(
            Warning("no_tables", f"a {year} report without the national tables; format by year")
        )
    problems, improvements = find_sections(norm)
    return Meta(
        title=title,
        body_name=body,
        year=year,
        format=report_format,
        scope=detect_scope(norm.text),
        problems=problems,
        improvements=improvements,
        has_tables=has_tables,
        warnings=warnings,
    )
