"""Drafts: a long form saved half-filled and resumed from a link sent by SMS
(`/forms/{form}?draft=<id>`). The id is random (no personal data in the key); the
answers are kept as typed, unvalidated, only the form's own fields, and DynamoDB's TTL
deletes them 7 days on (a read past that day finds nothing, even before TTL runs)."""

from __future__ import annotations

import re
import secrets
from datetime import datetime, timedelta
from typing import NamedTuple

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import NotFound, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.core.phones import normalize_mobile
from chalicelib.core.privacy import mask_phone
from chalicelib.filing.wording import Words, compose
from chalicelib.forms import FormSpec
from chalicelib.store import notify
from chalicelib.store.models import Draft, bind_models

KEEP_DAYS = 7
DRAFT_ID = re.compile(r"[A-Za-z0-9_-]{16,64}")  # secrets.token_urlsafe(16): 22 characters
MAX_VALUE = 2000  # characters of one answer kept in a draft
# Kept beside the form's own fields: a worker's employer code, and the token of the
# enterprise whose own form it is (its page's proof; checked again when resumed). The
# link goes to the phone the form names: for the enterprise's forms, its contact's.
KEPT_BESIDE = ("employer_code", "enterprise_token")
NEEDS_PHONE = N_("保存草稿需填写手机号码，草稿链接将以短信发送到该号码")


def url(spec: FormSpec, draft_id: str) -> str:
    return f"{links.public_base()}/forms/{spec.id}?draft={draft_id}"


class Saved(NamedTuple):
    draft_id: str
    link: str
    masked: str  # the phone its link was sent to, masked
    expires_at: datetime


def save(spec: FormSpec, values: dict[str, str], lang: str) -> tuple[str, str]:
    """Keep the form's answers as typed; send the link to the phone the form names.
    The link and the masked phone; ValidationFailed naming the phone field without one."""
    saved = keep(spec, values, lang)
    return saved.link, saved.masked


def keep(spec: FormSpec, values: dict[str, str], lang: str) -> Saved:
    """As `save`, with the draft's id and end (the JSON API answers them)."""
    field = spec.applicant_phone_field
    phone = normalize_mobile(values.get(field, "")) if field else None
    if field is None or phone is None:
        raise ValidationFailed({field or "_form": translate(lang, NEEDS_PHONE)})
    bind_models()
    now = utcnow()
    kept = {
        k: str(v)[:MAX_VALUE]
        for k, v in values.items()
        if k in spec.model.model_fields or k in KEPT_BESIDE
    }
    draft = Draft(
        draft_id=secrets.token_urlsafe(16),
        form=spec.id,
        values=kept,
        created_at=now,
        expires_at=now + timedelta(days=KEEP_DAYS),
    )
    draft.save(condition=Draft.draft_id.does_not_exist())
    link = url(spec, draft.draft_id)
    notice = compose("draft", form=Words(spec.title, spec.title_en), days=KEEP_DAYS, url=link)
    notify.send(
        notify.Message("sms", notify.to_phone(phone), notice.subject, notice.sms, (link,), "")
    )
    return Saved(draft.draft_id, link, mask_phone(phone), draft.expires_at)


def load(draft_id: str, form: str) -> dict[str, str]:
    """A draft's answers; NotFound for none, another form's, or one past its 7 days."""
    draft = read(draft_id)
    if draft.form != form:
        raise NotFound("draft")
    return draft.values


class Kept(NamedTuple):
    form: str
    values: dict[str, str]
    expires_at: datetime


def read(draft_id: str) -> Kept:
    """A draft's form and answers; NotFound for none or one past its 7 days."""
    if not DRAFT_ID.fullmatch(draft_id):  # not one of ours: no read
        raise NotFound("draft")
    bind_models()
    try:
        draft = Draft.get(draft_id)
    except Draft.DoesNotExist:
        raise NotFound("draft") from None
    if draft.expires_at <= utcnow():
        raise NotFound("draft")
    values = {str(k): str(v) for k, v in (draft.values or {}).items()}
    return Kept(str(draft.form), values, draft.expires_at)
