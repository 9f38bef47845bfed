"""Every SMS the product sends is a template registered with the SMS service, declared
once (chalicelib/store/providers/sms_templates.py): each notice purpose's sms.txt renders
one of them, and docs/DEPLOY.md's table (what an operator registers) is that table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from chalicelib.store.providers import sms_templates
from chalicelib.store.providers.sms_templates import TEMPLATES

PROJECT_DIR = Path(__file__).resolve().parents[3]
NOTICES = PROJECT_DIR / "chalicelib" / "templates" / "notices"
DEPLOY = PROJECT_DIR / "docs" / "DEPLOY.md"
# A text the template marks for translation: _("...", name=value, ...)
_MARKED = re.compile(r'_\("((?:[^"\\]|\\.)*)"')


def purposes() -> list[str]:
    return sorted(p.name for p in NOTICES.iterdir() if (p / "sms.txt").exists())


def sms_texts(purpose: str) -> set[str]:
    """The texts a purpose's sms.txt can send, as templates: %(name)s -> ${name}, the
    signature dropped (the service adds it)."""
    source = (NOTICES / purpose / "sms.txt").read_text(encoding="utf-8")
    texts = set()
    for marked in _MARKED.findall(source):
        if marked.startswith("【"):  # a whole message; `_("无")` and the like are values
            body = sms_templates.SIGNATURE.sub("", marked)
            texts.add(re.sub(r"%\((\w+)\)s", r"${\1}", body))
    return texts


def test_every_notice_purpose_has_its_sms_templates_and_every_template_a_purpose() -> None:
    declared = {sms_templates.purpose_of(k) for k in TEMPLATES}
    assert set(purposes()) <= declared, "a purpose's SMS has no template: add its line"
    assert declared <= set(purposes()), "a template whose purpose has no sms.txt"


@pytest.mark.parametrize("purpose", purposes())
def test_each_sms_txt_sends_exactly_its_registered_templates(purpose: str) -> None:
    registered = {t for k, t in TEMPLATES.items() if sms_templates.purpose_of(k) == purpose}
    assert sms_texts(purpose) == registered


def test_the_deploy_guides_table_is_the_registered_table() -> None:
    rows = re.findall(
        r"^\| `([\w:]+)` \| `([^`]+)` \| `([^`]+)` \|$",
        DEPLOY.read_text(encoding="utf-8"),
        re.MULTILINE,
    )
    assert {key: (named, ordered) for key, named, ordered in rows} == {
        key: (text, sms_templates.ordered(key)) for key, text in TEMPLATES.items()
    }


@pytest.mark.parametrize("key", list(TEMPLATES))
def test_a_rendered_sms_is_read_back_as_its_template_and_params(key: str) -> None:
    samples = {
        "slip_no": "20200210-7KQ3M",
        "url": "https://jiafuwu.example.cn/a/b",
        "hours": "72",
        "code": "123456",
        "minutes": "10",
        "days": "7",
    }
    params = tuple(samples.get(n, f"值{i}") for i, n in enumerate(sms_templates.params_of(key)))
    text = sms_templates.render(key, params, "婺城家服务")
    assert text.startswith("【婺城家服务】")
    assert sms_templates.match(text) == (key, params)


def test_a_text_that_is_no_template_is_refused() -> None:
    with pytest.raises(sms_templates.UnknownTemplate):
        sms_templates.match("【婺城家服务】您的验证码是123456")
