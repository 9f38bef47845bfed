"""The wording of every email and SMS: Jinja2 templates under
chalicelib/templates/notices/<purpose>/, one each for the subject, the email and the SMS,
written in Chinese and marked for the gettext catalogue as the pages are
(chalicelib/core/i18n.py), so that each renders in English too.

Python assembles the facts (names, slip numbers, links, times); the templates hold the
words. A text known in both languages (a form's, a step's or a document's title) is
passed as `Words`, and each rendering takes its own language's.

What is sent (`compose`): the subject and the SMS in Chinese (SMS templates stay short,
to be registered with a Chinese SMS provider), the email in Chinese, a blank line, then
the same email in English.

Jinja2 is imported on first use only: `import app` must not bring it (cold start).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from chalicelib.core.i18n import translations

PURPOSES = (
    "approval_request",  # an approver asked to decide a step
    "decision",  # the applicant told of a step's decision
    "refused_approval",  # an official told the stock could not cover an approval
    "document",  # the applicant told of a document issued
    "reminder",  # an approver reminded of a late step
    "escalation",  # the district office told of a step twice overdue
    "correction_request",  # the applicant asked to correct fields (退回补正)
    "staff_sign_in",  # an official's sign-in code for the workbench
    "phone_code",  # an SMS code that proves a phone (chalicelib/filing/phone_proofs.py)
    "received",  # the applicant's slip number and status link, at submission
    "filing_links",  # a lost status link sent again (我的办件)
    "draft",  # the link back to a saved draft
    "health_alert",  # the town office told of a fever or a symptom (chalicelib/filing/health.py)
    "report_reminder",  # a day of observation unreported at 20:00 (observation_reminders.py)
    "overnight_alert",  # the town office told at 22:00 who has still not reported
    "risk_recheck",  # a new risk map re-checked a worker (chalicelib/filing/recheck.py)
)
PARTS = ("subject", "email", "sms")


@dataclass(frozen=True)
class Words:
    """A text given in both languages: each rendering takes its own."""

    zh: str
    en: str

    def of(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Notice:
    subject: str
    email: str
    sms: str


@functools.cache
def _env(lang: str) -> Any:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("chalicelib", "templates/notices"),
        # plain text: nothing is escaped (an "&" in a name stays an "&")
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html",), disabled_extensions=("txt",), default=False
        ),
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,  # a fact left out is an error, not a blank
        extensions=["jinja2.ext.i18n"],
    )
    env.install_gettext_translations(translations(lang), newstyle=True)  # type: ignore[attr-defined]
    return env


def render_notice(purpose: str, lang: str = "zh", **context: Any) -> Notice:
    """The purpose's subject, email and SMS, all in one language."""
    if purpose not in PURPOSES:
        raise ValueError(f"no notice templates for {purpose!r}")
    env = _env(lang)
    values = {k: v.of(lang) if isinstance(v, Words) else v for k, v in context.items()}
    parts = (
        env.get_template(f"{purpose}/{part}.txt").render(lang=lang, **values).strip()
        for part in PARTS
    )
    return Notice(*parts)


def compose(purpose: str, **context: Any) -> Notice:
    """What is sent: the Chinese subject and SMS; the email in Chinese, then in English."""
    zh = render_notice(purpose, "zh", **context)
    en = render_notice(purpose, "en", **context)
    return Notice(zh.subject, f"{zh.email}\n\n{en.email}", zh.sms)
