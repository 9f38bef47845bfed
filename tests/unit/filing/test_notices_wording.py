"""The wording of every email and SMS (chalicelib/filing/wording.py): each purpose renders
in Chinese and in English with every fact it carries, the English part holds no Chinese
of its own, and what is sent is the Chinese subject and SMS with a bilingual email."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from chalicelib.filing import wording
from chalicelib.filing.wording import Notice, Words, compose, render_notice

HAN = re.compile(r"[\u4e00-\u9fff\u3000-\u303f\uff00-\uffef]")  # Chinese and its punctuation
TEMPLATES = Path(wording.__file__).parents[1] / "templates" / "notices"

FORM = Words("企业复工备案", "Enterprise work-resumption filing")
STEP = Words("镇街专班审核", "Town task force review")
URL = "https://jiafuwu.example/approve/F1/town?gen=2&sig=a&b"
STATUS = "https://jiafuwu.example/status/F1"

# For each purpose: its facts, with every datum in Latin letters so that any Chinese in
# the English part is the template's own; and what each language must show.
CASES: dict[str, tuple[dict[str, Any], list[str], list[str]]] = {
    "approval_request": (
        dict(
            name="Zhang San", town="Luobu", form=FORM, step=STEP, sent_back="short by 90",
            applicant="Jinhua A&B Ltd", slip_no="WC-0001", hours=72, url=URL,
        ),
        ["Zhang San", "Luobu", "企业复工备案", "镇街专班审核", "short by 90", "Jinhua A&B Ltd",
         "WC-0001", "72", URL],
        ["Zhang San", "Luobu", "Enterprise work-resumption filing", "Town task force review",
         "short by 90", "Jinhua A&B Ltd", "WC-0001", "72", URL],
    ),
    "decision": (
        dict(form=FORM, slip_no="WC-0001", step=STEP, refused=True, comment="papers", url=STATUS),
        ["企业复工备案", "WC-0001", "镇街专班审核", "未通过", "papers", STATUS],
        ["Enterprise work-resumption filing", "WC-0001", "Town task force review",
         "not approved", "papers", STATUS],
    ),
    "refused_approval": (
        dict(name="Li Si", form=FORM, applicant="Jinhua A&B Ltd", slip_no="WC-0001",
             reason="3 barrels left"),
        ["Li Si", "企业复工备案", "Jinhua A&B Ltd", "WC-0001", "3 barrels left"],
        ["Li Si", "Enterprise work-resumption filing", "Jinhua A&B Ltd", "WC-0001",
         "3 barrels left"],
    ),
    "document": (
        dict(document=Words("复工备案证明", "Work-resumption filing certificate"),
             slip_no="WC-0001", code="C-9", url=STATUS, verify_url="https://v.example/C-9"),
        ["复工备案证明", "C-9", STATUS, "https://v.example/C-9"],
        ["Work-resumption filing certificate", "C-9", STATUS, "https://v.example/C-9"],
    ),
    "reminder": (
        dict(name="Zhang San", town="Luobu", form=FORM, applicant="Jinhua A&B Ltd",
             slip_no="WC-0001", step=STEP, due="2026-03-02 09:00", url=URL),
        ["Zhang San", "Luobu", "企业复工备案", "Jinhua A&B Ltd", "WC-0001", "镇街专班审核",
         "2026-03-02 09:00", URL],
        ["Zhang San", "Luobu", "Enterprise work-resumption filing", "Jinhua A&B Ltd",
         "WC-0001", "Town task force review", "2026-03-02 09:00", URL],
    ),
    "escalation": (
        dict(name="District", owner="Luobu task force", step=STEP, since="2026-03-01 09:00",
             form=FORM, slip_no="WC-0001", url=URL),
        ["District", "Luobu task force", "镇街专班审核", "2026-03-01 09:00", "企业复工备案",
         "WC-0001", URL],
        ["District", "Luobu task force", "Town task force review", "2026-03-01 09:00",
         "Enterprise work-resumption filing", "WC-0001", URL],
    ),
    "correction_request": (
        dict(form=FORM, slip_no="WC-0001", step=STEP,
             fields=Words("dizhi: full number", "Address: full number"), url=STATUS),
        ["企业复工备案", "WC-0001", "镇街专班审核", "dizhi: full number", STATUS],
        ["Enterprise work-resumption filing", "WC-0001", "Town task force review",
         "Address: full number", STATUS],
    ),
    "staff_sign_in": (
        dict(code="381204", minutes=10),
        ["381204", "10"],
        ["381204", "10"],
    ),
    "phone_code": (
        dict(code="042917", minutes=10),
        ["042917", "10"],
        ["042917", "10"],
    ),
    "received": (
        dict(form=FORM, slip_no="WC-0001", url=STATUS, my_url="https://jiafuwu.example/my"),
        ["企业复工备案", "WC-0001", STATUS, "https://jiafuwu.example/my"],
        ["Enterprise work-resumption filing", "WC-0001", STATUS, "https://jiafuwu.example/my"],
    ),
    "filing_links": (
        dict(form=FORM, slip_no="WC-0001", url=STATUS),
        ["企业复工备案", "WC-0001", STATUS],
        ["Enterprise work-resumption filing", "WC-0001", STATUS],
    ),
    "draft": (
        dict(form=FORM, days=7, url="https://jiafuwu.example/forms/x?draft=D1"),
        ["企业复工备案", "7", "https://jiafuwu.example/forms/x?draft=D1"],
        ["Enterprise work-resumption filing", "7", "https://jiafuwu.example/forms/x?draft=D1"],
    ),
    "health_alert": (
        dict(
            name="Zhang San", form=FORM, slip_no="WC-0001", applicant="Li Si",
            village="Xiaxu", temperature="37.8",
        ),
        ["WC-0001", "Li Si", "Xiaxu", "37.8"],
        ["WC-0001", "Li Si", "Xiaxu", "37.8"],
    ),
    "report_reminder": (
        dict(name="Zhang San", slip_no="WC-0001", applicant="Li Si", day="2020-02-20", url=URL),
        ["WC-0001", "Li Si", "2020-02-20", URL],
        ["WC-0001", "Li Si", "2020-02-20", URL],
    ),
    "overnight_alert": (
        dict(name="Zhang San", town="Luobu", day="2020-02-20", count=2, slips="WC-0001, WC-0002"),
        ["Luobu", "2020-02-20", "WC-0001, WC-0002"],
        ["Luobu", "2020-02-20", "WC-0001, WC-0002"],
    ),
    "risk_recheck": (
        dict(
            name="Zhang San", slip_no="WC-0001", applicant="Li Si", county="Meitan",
            level=Words("中风险", "medium risk"), version="V20200220", until="2020-03-05",
            action="extend",
        ),
        ["WC-0001", "Li Si", "Meitan", "中风险", "V20200220", "2020-03-05"],
        ["WC-0001", "Li Si", "Meitan", "medium risk", "V20200220", "2020-03-05"],
    ),
}  # fmt: skip


def test_a_suspending_recheck_says_the_pass_is_suspended() -> None:
    context = {**CASES["risk_recheck"][0], "action": "suspend", "until": ""}
    sent = compose("risk_recheck", **context)
    assert "暂停" in sent.subject and "暂停" in sent.sms and "suspended" in sent.email
    assert "延长" not in sent.sms


def test_the_village_doctors_alert_asks_for_a_visit_not_to_send_the_doctor() -> None:
    context = CASES["health_alert"][0]
    office, doctor = (
        compose("health_alert", **context),
        compose("health_alert", doctor=True, **context),
    )
    assert "请通知Xiaxu村医" in office.sms and "上门随访" in doctor.sms
    assert "请通知" not in doctor.sms and "visit the worker in Xiaxu" in doctor.email


def test_a_code_sms_holds_the_six_digits() -> None:
    assert "042917" in compose("phone_code", code="042917", minutes=10).sms


def test_every_purpose_has_its_three_templates() -> None:
    assert sorted(CASES) == sorted(wording.PURPOSES)
    found = {p.parent.name for p in TEMPLATES.glob("*/*.txt")}
    assert found == set(wording.PURPOSES)
    for purpose in wording.PURPOSES:
        assert sorted(p.name for p in (TEMPLATES / purpose).iterdir()) == [
            "email.txt", "sms.txt", "subject.txt",
        ]  # fmt: skip


@pytest.mark.parametrize("purpose", sorted(CASES))
def test_the_chinese_carries_every_fact(purpose: str) -> None:
    context, facts, _ = CASES[purpose]
    zh = render_notice(purpose, "zh", **context)
    for fact in facts:
        assert fact in zh.email or fact in zh.subject, (purpose, fact)
    assert zh.subject.startswith("【婺城家服务】") and "\n" not in zh.subject
    assert zh.sms.startswith("【婺城家服务】") and "\n" not in zh.sms
    assert len(zh.sms) <= 200, zh.sms  # to be registered with an SMS provider: short


@pytest.mark.parametrize("purpose", sorted(CASES))
def test_the_english_carries_every_fact_and_no_chinese(purpose: str) -> None:
    context, _, facts = CASES[purpose]
    en = render_notice(purpose, "en", **context)
    for fact in facts:
        assert fact in en.email or fact in en.subject, (purpose, fact)
    for part in (en.subject, en.email, en.sms):
        assert not HAN.search(part), (purpose, part)
    assert en.subject.startswith("[Wucheng Home Services]")


@pytest.mark.parametrize("purpose", sorted(CASES))
def test_what_is_sent_is_chinese_with_the_email_also_in_english(purpose: str) -> None:
    context = CASES[purpose][0]
    zh = render_notice(purpose, "zh", **context)
    en = render_notice(purpose, "en", **context)
    assert compose(purpose, **context) == Notice(zh.subject, f"{zh.email}\n\n{en.email}", zh.sms)
    assert HAN.search(zh.email) and "\n\n" not in zh.email and "\n\n" not in en.email


def test_links_and_names_are_not_escaped() -> None:
    context = CASES["approval_request"][0]
    notice = compose("approval_request", **context)
    assert URL in notice.email and URL in notice.sms and "&amp;" not in notice.email
    assert "Jinhua A&B Ltd" in notice.subject


def test_a_decision_approved_and_without_comment() -> None:
    context = {**CASES["decision"][0], "refused": False, "comment": ""}
    zh = render_notice("decision", "zh", **context)
    en = render_notice("decision", "en", **context)
    assert "已通过" in zh.subject and "审核意见：无" in zh.email and "意见：无" in zh.sms
    assert "approved" in en.subject and "not approved" not in en.email
    assert "Comment: none" in en.email


def test_a_step_not_sent_back_says_nothing_of_it() -> None:
    context = {**CASES["approval_request"][0], "sent_back": None}
    assert "退回" not in render_notice("approval_request", "zh", **context).email
    assert "sent back" not in render_notice("approval_request", "en", **context).email


def test_a_missing_fact_is_an_error_not_a_blank() -> None:
    context = dict(CASES["document"][0])
    del context["code"]
    with pytest.raises(Exception, match="code"):
        render_notice("document", "zh", **context)
    with pytest.raises(ValueError):
        render_notice("no_such_purpose", "zh")


@pytest.mark.parametrize("purpose", sorted(CASES))
def test_english_names_a_form_with_its_article_right(purpose: str) -> None:
    # GIVEN a form whose English title starts with a vowel (the old email said "A Enterprise")
    context = CASES[purpose][0]
    # WHEN it renders in English THEN no "A" stands before a vowel
    english = render_notice(purpose, "en", **context)
    text = f"{english.subject}\n{english.email}"
    assert not re.search(r"\bA [AEIOU]", text), text
