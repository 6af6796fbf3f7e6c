"""Text normalisation for report parsing: pure functions that keep offsets into the original.

Regexes run on a normalised copy (half-width digits and punctuation, simplified characters,
PDF line wraps joined, spaces beside Chinese text removed); `Normalized.span` maps a match
back to the original input so evidence always points at what the report printed.

Chinese numerals are converted by a small function here rather than cn2an: numbers are taken
from inside sentences by the narrative regexes (so a library's whole-string transform and its
lack of offsets do not help), and cn2an ships no type information for `mypy --strict`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

# Traditional → simplified, one character to one character (so offsets stay simple). Only
# the vocabulary of these reports: mirror sites of Hong Kong, Macao and Taiwan style pages.
_TRADITIONAL = (
    "報资訊開務統計數條處項請複議訴訟專職員訓費萬兩餘約門網發達點擊閱檔規範劃關與眾衛經機構"
    "變動單縣鄉鎮區級於為並對無沒過當傳電郵這個們會時間學習國華問題進準備體總況狀結轉辦類決財"
    "產實現態應據書錄廳長貫徹強參舉設場內屬審糾錯敗維護權額遞稱號說紙視聽獲醫療環業農稅營緊將"
    "繼續證許罰檢驗標臺萊廣東陽黃龍馬島橋鐵雲貴寧陝遼蘇滬嶺漢億價錢購採買賣託歷週聯繫係戶綜匯"
    "彙屆節導領組織責監圍盡儘讀釋觀測評嚴優細筆隊際協調簡練還訂諮詢鏈創須顯響積極義樣氣聞記廠"
    "礦築質雜隨確認壓藥預賬帳冊庫倉歸幫撫勞險養兒婦殘團黨幹紀競爭選綠難較斷層齊濟興術遺樂頁頭"
    "顧館麼齡査餘複製遞級訪來興辭補寫錄彙報務資復佈編廢"
    "堅則谘負詐圖熱針陜籌瀏覽揮閉輿試曉風暢遷尋擴畫頻勝鍵獎勵給徵順種從麵"
)
_SIMPLIFIED = (
    "报资讯开务统计数条处项请复议诉讼专职员训费万两余约门网发达点击阅档规范划关与众卫经机构"
    "变动单县乡镇区级于为并对无没过当传电邮这个们会时间学习国华问题进准备体总况状结转办类决财"
    "产实现态应据书录厅长贯彻强参举设场内属审纠错败维护权额递称号说纸视听获医疗环业农税营紧将"
    "继续证许罚检验标台莱广东阳黄龙马岛桥铁云贵宁陕辽苏沪岭汉亿价钱购采买卖托历周联系系户综汇"
    "汇届节导领组织责监围尽尽读释观测评严优细笔队际协调简练还订咨询链创须显响积极义样气闻记厂"
    "矿筑质杂随确认压药预账帐册库仓归帮抚劳险养儿妇残团党干纪竞争选绿难较断层齐济兴术遗乐页头"
    "顾馆么龄查余复制递级访来兴辞补写录汇报务资复布编废"
    "坚则咨负诈图热针陕筹浏览挥闭舆试晓风畅迁寻扩画频胜键奖励给征顺种从面"
)
assert len(_TRADITIONAL) == len(_SIMPLIFIED)
_CHAR_MAP: dict[str, str] = dict(zip(_TRADITIONAL, _SIMPLIFIED, strict=True))
for _code in range(0xFF01, 0xFF5F):  # full-width ASCII block
    _CHAR_MAP[chr(_code)] = chr(_code - 0xFEE0)
_CHAR_MAP.update({"\u3000": " ", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u200b": " "})
_CHAR_MAP["\r"] = "\n"
_TRANSLATE = str.maketrans(_CHAR_MAP)
# Mirror sites print a pinyin gloss after some characters ("报(bào)告", "数(shù)据"): it
# splits the words, so it is dropped like layout spaces. Only lowercase pinyin letters right
# after a Chinese character, so that "(一)", "(2019)" and English notes stay.
_PINYIN = "a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜńňǹ"
_DROPPED = re.compile(rf" +|(?<=[\u3400-\u9fff])\([{_PINYIN}]{{1,7}}\)")
_PAGE_NUMBER = re.compile(
    r"^\s*(?:[—\-–]\s*\d{1,3}\s*[—\-–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d+\s*页)?)\s*$"
)
_STATISTICS_ROW = re.compile(r"(?:条|件|个|人次|人|次|万元|元|处|项)\s*\d+(?:\.\d+)?$")
_TERMINAL = frozenset("。！？!?；;：:")
_HEADING_START = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、]|表[一二三四\d])"
)


def _is_cjk(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or char in "，。、；：（）“”《》"


@dataclass(frozen=True)
class Normalized:
    """A normalised text and, for each of its characters, the index in the original."""

    text: str
    offsets: tuple[int, ...]
    original: str

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of the normalised span [start, end)."""
        if end <= start:
            position = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return position, position
        return self.offsets[start], self.offsets[end - 1] + 1


def simplified(original: str) -> str:
    """Half-width, simplified characters; the same length as `original`, offsets unchanged."""
    # Taiwan-style vocabulary on big5 mirrors ("政府資訊"), two characters for two. Only the
    # traditional spelling: a simplified "资讯" is news ("政务资讯"), not disclosure items.
    # 文件 becomes 檔案 the same way ("規範性檔案", "部門檔案類信息"), but 檔案 alone is also
    # the traditional 档案 (archives: "檔案館"), so only where a 文件 word shows it.
    text = original.replace("資訊", "信息")
    if "檔案" in text:
        text = _TAIWAN_FILE.sub(lambda m: m.group().replace("檔案", "文件"), text)
    return text.translate(_TRANSLATE)


_TAIWAN_FILE = re.compile(r"性檔案|檔案類|公開檔案")


def normalize(original: str) -> Normalized:
    """Half-width, simplified, unwrapped text with a map back to `original`.

    Layout spaces beside Chinese text and pinyin glosses ("报(bào)告") are dropped.
    """
    mapped = simplified(original)
    # Spaces beside Chinese text are PDF layout ("2025 年", "规章 22 件"), never meaningful.
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for run in _DROPPED.finditer(mapped):
        before = mapped[run.start() - 1] if run.start() > 0 else "\n"
        after = mapped[run.end()] if run.end() < len(mapped) else "\n"
        gloss = run.group().startswith("(")
        if gloss or _is_cjk(before) or _is_cjk(after) or before == "\n" or after == "\n":
            pieces.append(mapped[position : run.start()])
            offsets.extend(range(position, run.start()))
            position = run.end()
    pieces.append(mapped[position:])
    offsets.extend(range(position, len(mapped)))
    text, mapping = _unwrap("".join(pieces), offsets)
    return Normalized(text=text, offsets=tuple(mapping), original=original)


def _unwrap(text: str, offsets: list[int]) -> tuple[str, list[int]]:
    """Join lines a PDF extraction wrapped mid-sentence and drop page-number lines."""
    lines: list[tuple[str, int]] = []
    position = 0
    for raw in text.split("\n"):
        if not _PAGE_NUMBER.match(raw):
            lines.append((raw, position))
        position += len(raw) + 1
    lengths = sorted(len(line) for line, _ in lines if len(line) >= 12 and "\t" not in line)
    width = lengths[len(lengths) // 2] if lengths else 0
    out_text: list[str] = []
    out_offsets: list[int] = []
    for index, (line, start) in enumerate(lines):
        out_text.append(line)
        out_offsets.extend(offsets[start : start + len(line)])
        if index == len(lines) - 1:
            break
        if _wrapped(line, lines[index + 1][0], width):
            continue
        out_text.append("\n")
        # A newline maps to the original newline after the line.
        end = start + len(line)
        out_offsets.append(offsets[end] if end < len(offsets) else len(offsets))
    return "".join(out_text), out_offsets


def _wrapped(line: str, following: str, width: int) -> bool:
    stripped = line.rstrip()
    if not stripped or not following.strip() or width < 12 or width > 60:
        return False
    if "\t" in line or "\t" in following or stripped.startswith("|") or following.startswith("|"):
        return False
    if stripped[-1] in _TERMINAL or stripped.endswith(("报告", "年报")):
        return False
    if _HEADING_START.match(stripped) and len(stripped) <= 30:
        return False  # a heading: its body starts on the next line
    if _STATISTICS_ROW.search(stripped) and (
        _HEADING_START.match(stripped) or stripped.startswith("其中")
    ):
        return False  # a row of an appended 统计表: "(一)主动公开政府信息数 条 1520"
    if _HEADING_START.match(following.strip()):
        return False
    if not any("\u3400" <= c <= "\u9fff" for c in stripped[-8:]):
        return False  # a URL or a line of numbers: not running text
    return len(stripped) >= width * 0.8


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "○": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
_CN_BIG = {"万": 10_000, "亿": 100_000_000}
CN_NUMERAL_CHARS = "".join(_CN_DIGITS) + "".join(_CN_UNITS) + "".join(_CN_BIG)


def chinese_to_int(numeral: str) -> int | None:
    """ "一千一百" → 1100, "十五" → 15, "两" → 2, "二〇〇九" → 2009; None if malformed."""
    if not numeral or any(c not in CN_NUMERAL_CHARS for c in numeral):
        return None
    if all(c in _CN_DIGITS for c in numeral):
        if len(numeral) > 1 and "两" in numeral:
            return None
        return int("".join(str(_CN_DIGITS[c]) for c in numeral))
    total = 0
    section = 0
    digit: int | None = None
    last_big = 10**12
    for char in numeral:
        if char in _CN_DIGITS and _CN_DIGITS[char] == 0:
            digit = None  # 零 only marks a skipped place: "一百零五"
        elif char in _CN_DIGITS:
            if digit is not None:
                return None  # two digits in a row without a unit: "一二十"
            digit = _CN_DIGITS[char]
        elif char in _CN_UNITS:
            section += (1 if digit is None else digit) * _CN_UNITS[char]
            digit = None
        else:
            big = _CN_BIG[char]
            if big >= last_big:
                return None
            section += digit or 0
            if section == 0:
                return None
            total += section * big
            section = 0
            digit = None
            last_big = big
    return total + section + (digit or 0)


@dataclass(frozen=True)
class Number:
    value: Decimal
    approximate: bool


_APPROX_BEFORE = ("大约", "将近", "接近", "超过", "约", "近", "逾")
_APPROX_AFTER = ("余", "多", "左右", "上下")
NUMBER_PATTERN = rf"(?:\d+(?:,\d{{3}})*(?:\.\d+)?(?:万|千|亿)?|[{CN_NUMERAL_CHARS}]+)"


def parse_number(token: str, before: str = "", after: str = "") -> Number | None:
    """A number token ("1,100", "1.5万", "一千一百") with its context → value and approximation.

    `before` is the text just before the token, `after` the text just after (unit included):
    "近300个", "10余条", "50条左右" are approximate.
    """
    token = token.strip()
    if not token:
        return None
    multiplier = 1
    if token[-1] in "万千亿" and token[:-1] and token[-2].isdigit():
        multiplier = {"万": 10_000, "千": 1000, "亿": 100_000_000}[token[-1]]
        token = token[:-1]
    if token[0].isdigit():
        try:
            value = Decimal(token.replace(",", "")) * multiplier
        except InvalidOperation:
            return None
    else:
        converted = chinese_to_int(token)
        if converted is None:
            return None
        value = Decimal(converted)
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    approximate = before.endswith(_APPROX_BEFORE) or after.startswith(_APPROX_AFTER)
    if not approximate:
        # "10条左右": the marker follows the unit.
        approximate = len(after) > 1 and after[1:].startswith(("左右", "上下"))
    return Number(value=value, approximate=approximate)
