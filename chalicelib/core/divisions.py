"""China's county-level divisions (区县), with their provinces and cities: the origin of a
returning worker and the counties of a risk map are named by a county's six-digit code.

The data ships with the code (chalicelib/core/data/divisions/, its README names the
source, date and licence) and is read once, on first use: a cold start that never names
a county does not pay for it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import cache
from importlib import resources
from typing import NamedTuple

from chalicelib.core.i18n import N_, translate


class County(NamedTuple):
    code: str  # six digits: 330702
    name: str  # 婺城区
    city_code: str  # four digits: 3307
    city: str  # 金华市
    province_code: str  # two digits: 33
    province: str  # 浙江省


class Province(NamedTuple):
    code: str
    name: str


# The provinces' names, marked so that a picker reads in English (the data's names,
# chalicelib/core/data/divisions/provinces.csv; a county's name stays as the data has it).
PROVINCE_WORDS = (
    N_("北京市"), N_("天津市"), N_("河北省"), N_("山西省"), N_("内蒙古自治区"), N_("辽宁省"),
    N_("吉林省"), N_("黑龙江省"), N_("上海市"), N_("江苏省"), N_("浙江省"), N_("安徽省"),
    N_("福建省"), N_("江西省"), N_("山东省"), N_("河南省"), N_("湖北省"), N_("湖南省"),
    N_("广东省"), N_("广西壮族自治区"), N_("海南省"), N_("重庆市"), N_("四川省"), N_("贵州省"),
    N_("云南省"), N_("西藏自治区"), N_("陕西省"), N_("甘肃省"), N_("青海省"),
    N_("宁夏回族自治区"), N_("新疆维吾尔自治区"),
)  # fmt: skip


def province_name(name: str, lang: str) -> str:
    """A province's name in the language (湖北省: Hubei)."""
    return translate(lang, name) if name in PROVINCE_WORDS else name


def _rows(name: str) -> Iterator[dict[str, str]]:
    path = resources.files("chalicelib.core") / "data" / "divisions" / name
    yield from csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines())


@cache
def provinces() -> tuple[Province, ...]:
    """Every province-level division, in code order."""
    return tuple(Province(r["code"], r["name"]) for r in _rows("provinces.csv"))


@cache
def _counties() -> dict[str, County]:
    province = {p.code: p.name for p in provinces()}
    cities = {r["code"]: r["name"] for r in _rows("cities.csv")}
    found: dict[str, County] = {}
    for r in _rows("areas.csv"):
        city_code, province_code = r["cityCode"], r["provinceCode"]
        found[r["code"]] = County(
            r["code"],
            r["name"],
            city_code,
            cities[city_code],
            province_code,
            province[province_code],
        )
    return found


def is_province(code: str) -> bool:
    return any(p.code == code for p in provinces())


def county(code: str) -> County | None:
    """The county of a six-digit code, None for a code the data does not know."""
    return _counties().get(code)


def is_county(code: str) -> bool:
    return code in _counties()


def counties_of(province_code: str) -> tuple[County, ...]:
    """One province's counties, in code order (so grouped by city)."""
    return tuple(c for c in _counties().values() if c.province_code == province_code)


def by_city(province_code: str) -> list[tuple[str, list[County]]]:
    """One province's counties grouped by city, for a page's <optgroup>s. A
    municipality's "市辖区" is shown as the province's own name (北京市, not 市辖区)."""
    groups: dict[str, list[County]] = {}
    for c in counties_of(province_code):
        label = c.province if c.city in ("市辖区", "县") else c.city
        groups.setdefault(label, []).append(c)
    return list(groups.items())


@cache
def _by_names() -> dict[tuple[str, str], tuple[str, ...]]:
    found: dict[tuple[str, str], list[str]] = {}
    for c in _counties().values():
        found.setdefault((c.province, c.name), []).append(c.code)
    return {k: tuple(v) for k, v in found.items()}


def find(province: str, city: str, county_name: str) -> County | None:
    """The county written by its names (an API client of the first contract, a roster
    row): the province and county's full names, the city's where the county's name
    repeats in the province (several 市辖区 ...). None when nothing or several match."""
    codes = _by_names().get((province.strip(), county_name.strip()), ())
    matches = [
        c for c in map(_counties().__getitem__, codes) if len(codes) == 1 or c.city == city.strip()
    ]
    return matches[0] if len(matches) == 1 else None
