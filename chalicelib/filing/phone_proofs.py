"""A proven phone: an SMS code sent to the number a filing names, redeemed for a
short-lived signed proof (chalicelib/links.py), which a submission must carry for its
applicant's phone. The codes' life is chalicelib/store/phone_codes.py; the words, the
notice templates (notices/phone_code)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib import links
from chalicelib.core.clock import utcnow
from chalicelib.core.errors import DomainError, Forbidden, Gone, ValidationFailed
from chalicelib.core.i18n import N_, translate
from chalicelib.core.phones import normalize_mobile
from chalicelib.filing.wording import compose
from chalicelib.forms import FormSpec
from chalicelib.store import notify, phone_codes

FILING = "filing"  # the purposes this package uses
MY = "my"
PROOF_MISSING = N_("请先验证此手机号码：获取并填写短信验证码")


def send_code(phone: str, purpose: str, client: str | None) -> int:
    """Send a new code to `phone` for `purpose`; the seconds before another may be asked.
    ValidationFailed naming `phone` for something that is not a mobile number;
    RateLimited within 60 s of the last code or over a day's cap."""
    number = phone_codes.normalized(phone)
    code = phone_codes.issue(number, purpose, client)
    notice = compose("phone_code", code=code, minutes=phone_codes.VALID_SECONDS // 60)
    notify.send(notify.Message("sms", notify.to_phone(number), notice.subject, notice.sms, (), ""))
    return phone_codes.RESEND_SECONDS


def verify(phone: str, purpose: str, code: str) -> tuple[str, datetime]:
    """Redeem the code: the proof for the number and when it expires; CodeRefused else."""
    number = phone_codes.normalized(phone)
    phone_codes.redeem(number, purpose, code.strip())
    proof = links.phone_proof(number, purpose)
    return proof, utcnow() + timedelta(seconds=links.PHONE_PROOF_SECONDS)


def proven_phone(token: str | None, purpose: str) -> str | None:
    """The number a proof names, or None when it is missing, tampered with or expired."""
    if not token:
        return None
    try:
        return links.read_phone_proof(token, purpose)
    except (Forbidden, Gone):
        return None


def phone_of(spec: FormSpec, data: dict[str, Any]) -> str | None:
    field = spec.applicant_phone_field
    return normalize_mobile(data.get(field)) if field else None


def check(spec: FormSpec, data: dict[str, Any], token: str | None, lang: str) -> None:
    """A submission's proof must name its applicant's phone: else 400 naming that field."""
    field = spec.applicant_phone_field
    if field is None:
        return
    wanted = phone_of(spec, data)
    if wanted is None or proven_phone(token, FILING) != wanted:
        raise ValidationFailed({field: translate(lang, PROOF_MISSING)})


def refusal_words(exc: DomainError) -> str:
    """What a refused code is told (Chinese; pages translate it)."""
    reason = getattr(exc, "reason", "")
    return {
        "expired": N_("验证码已过期，请重新获取"),
        "too_many_tries": N_("验证码错误次数过多，请重新获取"),
    }.get(reason, N_("验证码不正确，请核对短信或重新获取"))
