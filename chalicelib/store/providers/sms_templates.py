"""Every SMS the product sends, as the template registered with the SMS service, in one
table. A template's key is its notice purpose (chalicelib/templates/notices/<purpose>/),
or `<purpose>:<variant>` where its sms.txt has more than one text; its parameters are
named (`${name}`, Alibaba Cloud's form) and ordered by where they stand (Tencent Cloud's
`{1}`, `{2}`, ...). The signature (【婺城家服务】) is the service's to add: it is not part
of a template. docs/DEPLOY.md's table is this one (tests/unit/store/test_sms_templates.py
checks it, and that every purpose's sms.txt renders one of these).

A new SMS is one line here (and its id in SMS_TEMPLATE_IDS once the service approved it).
"""

from __future__ import annotations

import functools
import re

TEMPLATES: dict[str, str] = {
    "approval_request": "${form}${slip_no}待您审核，${hours}小时内有效：${url}",
    "correction_request": "${form} ${slip_no}需补正：${fields}。请打开链接修改后重新提交：${url}",
    "decision:approved": "${form} ${slip_no}：${step}已通过。意见：${comment}。详情：${url}",
    "decision:refused": "${form} ${slip_no}：${step}未通过。意见：${comment}。详情：${url}",
    "document": "${document}已签发：${slip_no}，请在进度页下载：${url}",
    "draft": "${form}草稿已保存，${days}天内继续填写：${url}",
    "escalation": "超时督办：${form} ${slip_no}，请尽快处理：${url}",
    "health_alert": "健康随访：${slip_no}的${applicant}体温${temperature}℃或有症状。"
    "请通知${village}村医随访，并在工作台记录结果。",
    "health_alert:doctor": "健康随访：${slip_no}的${applicant}体温${temperature}℃或有症状，"
    "落脚${village}。请尽快上门随访，并告知镇专班结果。",
    "report_reminder": "${slip_no}的${applicant}今天的健康报告未收到，请在今天内报告：${url}",
    "overnight_alert": "不过夜：${town}今天有${count}名观察期内人员未报告健康情况（${slips}），"
    "请今晚上门核实。",
    "risk_recheck:extend": "风险复核：${slip_no}的${applicant}来自${county}，该地已调为${level}，"
    "健康观察延长至${until}。",
    "risk_recheck:suspend": "风险复核：${slip_no}的${applicant}来自${county}，该地已调为${level}，"
    "返婺通行证已暂停，请联系本人。",
    "filing_links": "${form} ${slip_no}的进度链接：${url}",
    "phone_code": "验证码${code}，${minutes}分钟内有效。请勿告诉他人，工作人员不会向您索要。",
    "received": "${form}已收到，回执编号${slip_no}。查看进度：${url}",
    "refused_approval": "${form} ${slip_no}未能通过：${reason}。已告知申请人。",
    "reminder": "催办：${form} ${slip_no}待您${step}，请尽快处理：${url}",
    "staff_sign_in": "工作台登录验证码 ${code}，${minutes}分钟内有效，请勿告诉他人。",
}
SIGNATURE = re.compile(r"^【[^】]+】")
_PARAM = re.compile(r"\$\{(\w+)\}")
# What a parameter's value looks like, where it is more than "some text": it keeps a
# value from swallowing its neighbour (`${form}${slip_no}`).
_SHAPES = {
    "slip_no": r"\d{8}-[0-9A-Z]+",
    "url": r"\S+",
    "hours": r"\d+",
    "code": r"\d+",
    "minutes": r"\d+",
    "days": r"\d+",
}


class UnknownTemplate(LookupError):
    """An SMS whose text is none of the registered templates: no service would send it."""


def params_of(key: str) -> tuple[str, ...]:
    return tuple(_PARAM.findall(TEMPLATES[key]))


def purpose_of(key: str) -> str:
    return key.partition(":")[0]


def ordered(key: str) -> str:
    """The template as Tencent Cloud registers it: `{1}`, `{2}`, ... in order."""
    names = iter(range(1, len(params_of(key)) + 1))
    return _PARAM.sub(lambda _: f"{{{next(names)}}}", TEMPLATES[key])


@functools.cache
def _pattern(key: str) -> re.Pattern[str]:
    parts = re.split(r"(\$\{\w+\})", TEMPLATES[key])
    regex = "".join(
        f"(?P<{m.group(1)}>{_SHAPES.get(m.group(1), '.+?')})"
        if (m := _PARAM.fullmatch(part))
        else re.escape(part)
        for part in parts
    )
    return re.compile(regex, re.DOTALL)


def match(text: str) -> tuple[str, tuple[str, ...]]:
    """The template an SMS's text was rendered from, and its parameters in order."""
    body = SIGNATURE.sub("", text.strip())
    for key in TEMPLATES:
        found = _pattern(key).fullmatch(body)
        if found:
            return key, tuple(found.group(name) for name in params_of(key))
    raise UnknownTemplate("an SMS text that is no registered template")


def render(key: str, params: tuple[str, ...], signature: str = "") -> str:
    """The text a template gives with these parameters (what the phone shows)."""
    values = iter(params)
    body = _PARAM.sub(lambda _: next(values), TEMPLATES[key])
    return f"【{signature}】{body}" if signature else body
