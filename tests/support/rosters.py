"""A charter roster as an employer uploads it: its header, rows of returning workers,
the CSV Excel saves."""

from __future__ import annotations

import csv
import io

from tests.support.workers import TODAY, make_id

HEADER = [
    "序号",
    "姓名",
    "身份证号",
    "手机号码",
    "来源省",
    "来源市",
    "来源县",
    "来源地风险",
    "健康码",
    "抵婺日期",
    "落脚镇（乡、街道）",
    "落脚村（社区）",
    "落脚详细地址",
]


def roster_rows(count: int, start: int = 1) -> list[list[str]]:
    return [
        [
            str(i),
            f"返岗{i}号",
            make_id(i),
            f"138{i:08d}",
            "贵州省",
            "遵义市",
            "湄潭县",
            "低",
            "绿码",
            TODAY.isoformat(),
            "罗埠镇",
            "下徐村",
            f"下徐村{i}号",
        ]
        for i in range(start, start + count)
    ]


def as_csv(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8-sig")  # as Excel saves it
