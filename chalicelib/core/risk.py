"""The risk rules as data: the county risk map (五色图, five levels by county, as Zhejiang
published it daily) and the eligibility rules that read it (which levels may come back,
which must isolate first, which a charter subsidy accepts, which health codes are
refused). Pure: a staff upload is parsed and validated whole here, stored by
chalicelib/store/risk_maps.py, and every judgement (a worker's filing, the public
self-check) is `judge` over one version, whose id the judgement records.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from chalicelib.core import divisions
from chalicelib.core.i18n import N_, translate

# The five colours, lowest first (绿、蓝、黄、橙、红). "low", "medium" and "high" are the
# first contract's three origin risks, so stored filings keep their meaning.
LEVELS: tuple[str, ...] = ("low", "medium_low", "medium", "medium_high", "high")
LEVEL_LABELS: dict[str, str] = {
    "low": N_("低风险"),
    "medium_low": N_("较低风险"),
    "medium": N_("中风险"),
    "medium_high": N_("较高风险"),
    "high": N_("高风险"),
}
HEALTH_CODES: tuple[str, ...] = ("green", "yellow", "red")
RULE_NAMES: tuple[str, ...] = (
    "may_return",
    "isolation_first",
    "charter_accepts",
    "refused_health_codes",
)
MAX_PROBLEMS = 20  # an upload's problems named in one answer: enough to fix a file by
MAX_BYTES = 64 * 1024  # every request's limit: a whole country's map is under 40 KB as CSV


@dataclass(frozen=True)
class Rules:
    may_return: frozenset[str]  # levels whose people may come back
    isolation_first: frozenset[str]  # of those, levels that isolate before starting work
    charter_accepts: frozenset[str]  # levels a chartered trip's subsidy accepts
    refused_health_codes: frozenset[str]  # health codes no filing is taken for

    def as_json(self) -> dict[str, list[str]]:
        """Each rule's values in their own order (lowest level first, green first)."""
        return {
            name: [v for v in (HEALTH_CODES + LEVELS) if v in getattr(self, name)]
            for name in RULE_NAMES
        }


DEFAULT_RULES = Rules(
    may_return=frozenset({"low", "medium_low", "medium", "medium_high"}),
    isolation_first=frozenset({"medium", "medium_high"}),
    charter_accepts=frozenset({"low"}),
    refused_health_codes=frozenset({"red"}),
)
BUILTIN = "builtin"  # the version in force before staff upload the first map


@dataclass(frozen=True)
class RiskMap:
    version: str
    published: str  # YYYY-MM-DD: the day the map is for
    default_level: str  # a county the map does not list
    levels: Mapping[str, str] = field(default_factory=dict)  # county code -> level
    rules: Rules = DEFAULT_RULES

    def level_of(self, code: str) -> str:
        return self.levels.get(code, self.default_level)

    def as_json(self) -> dict[str, Any]:
        """The stored form (S3): what `from_json` reads back."""
        return {
            "version": self.version,
            "published": self.published,
            "default_level": self.default_level,
            "counties": dict(sorted(self.levels.items())),
            "rules": self.rules.as_json(),
        }

    @classmethod
    def from_json(cls, doc: Mapping[str, Any]) -> RiskMap:
        rules = doc["rules"]
        return cls(
            version=str(doc["version"]),
            published=str(doc["published"]),
            default_level=str(doc["default_level"]),
            levels=dict(doc["counties"]),
            rules=Rules(**{name: frozenset(rules[name]) for name in RULE_NAMES}),
        )

    def raised_from(self, older: RiskMap) -> frozenset[str]:
        """The counties whose level is higher here than in `older` (listed in either)."""
        codes = set(self.levels) | set(older.levels)
        return frozenset(c for c in codes if _order(self.level_of(c)) > _order(older.level_of(c)))


def builtin_map() -> RiskMap:
    return RiskMap(version=BUILTIN, published="", default_level="low")


def _order(level: str) -> int:
    return LEVELS.index(level) if level in LEVELS else -1


class MapRefused(Exception):
    """An upload that is not a valid map: `problems` names each (a county code, a rule,
    the file itself) with its message in Chinese (translated where it is answered)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(", ".join(problems))
        self.problems = problems

    def in_language(self, lang: str) -> dict[str, str]:
        return {where: translate(lang, said) for where, said in self.problems.items()}


FILE = "file"  # the key naming the upload itself rather than one of its entries
NOT_A_MAP = N_("文件应为UTF-8编码的CSV（code,level）或JSON（counties、rules）")
EMPTY_MAP = N_("文件中没有区县")
UNKNOWN_COUNTY = N_("没有这个区县代码（应为6位县级行政区划代码）")
BAD_LEVEL = N_("风险等级应为 low、medium_low、medium、medium_high、high 之一")
REPEATED_COUNTY = N_("区县重复出现")
BAD_RULE = N_("规则应为风险等级（或健康码颜色）的列表")
UNKNOWN_RULE = N_("没有这条规则")
BAD_DATE = N_("日期格式应为YYYY-MM-DD")
TOO_LARGE = N_("文件过大（不超过64KB）")
ISOLATION_NOT_RETURN = N_("须先隔离的等级必须是可以返回的等级")


def parse_upload(content: bytes, kind: str, current: RiskMap, today: date) -> RiskMap:
    """A new map from an upload, validated whole; MapRefused naming every problem (at
    most MAX_PROBLEMS), nothing half-read. `kind` "csv" (columns code and level, a name
    column ignored; the rules carried over from `current`) or "json"
    ({"published", "default_level", "counties": {code: level}, "rules": {...}}, every
    key but counties optional). Its version is the store's to give (`version` empty)."""
    if len(content) > MAX_BYTES:
        raise MapRefused({FILE: TOO_LARGE})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise MapRefused({FILE: NOT_A_MAP}) from None
    problems: dict[str, str] = {}
    if kind == "json":
        levels, rules, published, default = _from_json(text, current, today, problems)
    else:
        levels, rules, published, default = _from_csv(text, problems), current.rules, today, "low"
    if not levels and not problems:
        problems[FILE] = EMPTY_MAP
    if problems:
        raise MapRefused(dict(list(problems.items())[:MAX_PROBLEMS]))
    return RiskMap("", published.isoformat(), default, levels, rules)


def _from_csv(text: str, problems: dict[str, str]) -> dict[str, str]:
    rows = list(csv.reader(io.StringIO(text)))
    header = [cell.strip().lower() for cell in rows[0]] if rows else []
    if "code" not in header or "level" not in header:
        problems[FILE] = NOT_A_MAP
        return {}
    at_code, at_level = header.index("code"), header.index("level")
    pairs = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (len(header) - len(row))
        pairs.append((cells[at_code].strip(), cells[at_level].strip(), f"line {number}"))
    return _levels(pairs, problems)


def _from_json(
    text: str, current: RiskMap, today: date, problems: dict[str, str]
) -> tuple[dict[str, str], Rules, date, str]:
    try:
        doc = json.loads(text)
    except ValueError:
        doc = None
    if not isinstance(doc, dict) or not isinstance(doc.get("counties"), dict):
        problems[FILE] = NOT_A_MAP
        return {}, current.rules, today, "low"
    pairs = [(str(code), str(level), "") for code, level in doc["counties"].items()]
    levels = _levels(pairs, problems)
    published = today
    if "published" in doc:
        try:
            published = date.fromisoformat(str(doc["published"]))
        except ValueError:
            problems["published"] = BAD_DATE
    default = str(doc.get("default_level", "low"))
    if default not in LEVELS:
        problems["default_level"] = BAD_LEVEL
    rules = _rules(doc.get("rules"), current.rules, problems)
    return levels, rules, published, default


def _levels(pairs: list[tuple[str, str, str]], problems: dict[str, str]) -> dict[str, str]:
    levels: dict[str, str] = {}
    for code, level, where in pairs:
        name = f"counties.{code}" if code else f"counties.{where}"
        if not divisions.is_county(code):
            problems[name] = UNKNOWN_COUNTY
        elif level not in LEVELS:
            problems[name] = BAD_LEVEL
        elif code in levels:
            problems[name] = REPEATED_COUNTY
        else:
            levels[code] = level
    return levels


def _rules(sent: object, current: Rules, problems: dict[str, str]) -> Rules:
    if sent is None:
        return current
    if not isinstance(sent, dict):
        problems["rules"] = BAD_RULE
        return current
    for name in set(sent) - set(RULE_NAMES):
        problems[f"rules.{name}"] = UNKNOWN_RULE
    chosen: dict[str, frozenset[str]] = {}
    for name in RULE_NAMES:
        value = sent.get(name, sorted(getattr(current, name)))
        allowed = HEALTH_CODES if name == "refused_health_codes" else LEVELS
        if not isinstance(value, list) or any(v not in allowed for v in value):
            problems[f"rules.{name}"] = BAD_RULE
            value = []
        chosen[name] = frozenset(value)
    both_read = not {"rules.may_return", "rules.isolation_first"} & set(problems)
    if both_read and not chosen["isolation_first"] <= chosen["may_return"]:
        problems["rules.isolation_first"] = ISOLATION_NOT_RETURN
    return Rules(**chosen)


# --- judgements -------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    """What the rules say of one origin, health code and travel mode."""

    version: str
    county: str
    level: str
    may_return: bool
    isolation_first: bool
    health_refused: bool
    charter_subsidy: bool | None  # None: not travelling by charter

    @property
    def admitted(self) -> bool:
        return self.may_return and not self.health_refused

    def record(self) -> dict[str, Any]:
        """What a decision stores of the rules it used (the filing's outputs["risk"])."""
        return {
            "version": self.version,
            "county": self.county,
            "level": self.level,
            "isolation_first": self.isolation_first,
        }

    def advice(self) -> list[str]:
        """What the person must do, in order (Chinese, marked; shown through translate)."""
        said: list[str] = []
        if self.health_refused:
            said.append(N_("您的健康码颜色暂不能返婺，请按当地要求隔离观察，转为绿码后再登记。"))
        if not self.may_return:
            said.append(
                N_("来源地区县当前风险等级暂不能返婺，请留在当地，等风险等级下调后再登记。")
            )
        if not self.admitted:
            return said
        said.append(
            N_("出发前在本网站填写“人员返婺登记”，等待企业和村（社区）确认，取得电子返婺对接单。")
        )
        if self.isolation_first:
            said.append(N_("抵婺后须先在落脚地隔离观察14天，解除后方可上岗。"))
        said.append(N_("抵婺当天到落脚村（社区）和用工企业报到打卡，测量体温。"))
        said.append(N_("抵婺后14天内每天报告体温和症状。"))
        if self.charter_subsidy is True:
            said.append(N_("包车（专列）返婺：来源地风险等级符合条件，企业可申请包车补助。"))
        elif self.charter_subsidy is False:
            said.append(N_("包车（专列）返婺：来源地风险等级不符合包车补助条件。"))
        return said


def judge(risk_map: RiskMap, county: str, health_code: str, travel_mode: str) -> Verdict:
    level = risk_map.level_of(county)
    rules = risk_map.rules
    may = level in rules.may_return
    return Verdict(
        version=risk_map.version,
        county=county,
        level=level,
        may_return=may,
        isolation_first=may and level in rules.isolation_first,
        health_refused=health_code in rules.refused_health_codes,
        charter_subsidy=(level in rules.charter_accepts) if travel_mode == "charter" else None,
    )
