"""One-time SMS codes that prove a mobile number, for any purpose ("filing", "my",
"staff"), and the keyed hash that stands for a phone in every index key.

A code is six digits, good for 10 minutes and 5 tries, used once. Only its keyed hash is
stored (`PhoneCode`, keyed by purpose and the phone's keyed hash: no phone anywhere),
so a copy of the table does not yield codes or numbers. A new code for the same number
and purpose replaces the old one, but not within 60 s of it; each China day a number
gets at most `phone_codes_per_number_day` codes and a client address asks at most
`phone_codes_per_client_day` (settings), counted in `RateWindow` items that TTL removes.
The put and both day counts are one transaction: a refused code counts nothing.

The caller sends the code (through its notice templates and chalicelib/store/notify.py)
and, once redeemed, signs a proof (chalicelib/links.py `phone_proof`).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from pynamodb.exceptions import DeleteError

from chalicelib.core.clock import CHINA, china_day, utcnow
from chalicelib.core.errors import CodeRefused, RateLimited, ValidationFailed
from chalicelib.core.phones import normalize_mobile
from chalicelib.settings import get_settings
from chalicelib.store.models import PhoneCode, RateWindow, bind_models
from chalicelib.store.tx import Cancelled, transaction, update_if

CODE_DIGITS = 6
VALID_SECONDS = 600
MAX_TRIES = 5
RESEND_SECONDS = 60
KEEP_SECONDS = 86_400  # the item lingers a day past its issue, then TTL removes it
PER_NUMBER = "phone_code_number"  # RateLimited kinds of the daily caps
PER_CLIENT = "phone_code_client"


def _key_material() -> bytes:
    # The oldest configured signing key: index keys must outlive a rotation of the
    # newest key (links keep verifying with older keys; phone keys keep matching).
    secret = get_settings().signing_keys[-1]
    return hmac.new(secret.encode(), b"jiafuwu.phone-key", hashlib.sha256).digest()


def normalized(phone: str) -> str:
    """The number's normal form, or ValidationFailed naming `phone`."""
    number = normalize_mobile(phone)
    if number is None:
        raise ValidationFailed({"phone": "请填写有效的中国大陆手机号码"})
    return number


def phone_key(phone: str) -> str:
    """The keyed hash of the normalized mainland mobile: what index keys hold instead of
    the phone. ValidationFailed for something that is not a mobile number."""
    digest = hmac.new(_key_material(), normalized(phone).encode(), hashlib.sha256)
    return digest.hexdigest()[:40]


def code_hash(phone: str, purpose: str, code: str) -> str:
    """A code's keyed hash, bound to its number and purpose: a million codes cannot be
    tried offline against a copy of the table without the key."""
    message = f"{purpose}#{normalized(phone)}#{code}".encode()
    return hmac.new(_key_material(), message, hashlib.sha256).hexdigest()


def _item_key(phone: str, purpose: str) -> str:
    return f"{purpose}#{phone_key(phone)}"


def day_key(kind: str, who: str, now: datetime) -> str:
    """The day count of codes to one number (`who` its phone key) or from one client."""
    return f"{kind}#{who}#{china_day(now).strftime('%Y%m%d')}"


def _until_china_midnight(now: datetime) -> int:
    tomorrow = datetime.combine(china_day(now) + timedelta(days=1), datetime.min.time(), CHINA)
    return max(1, int((tomorrow - now).total_seconds()))


def issue(phone: str, purpose: str, client: str | None, now: datetime | None = None) -> str:
    """Record a new code (hashed) for (normalized phone, purpose) and return its six
    digits for the caller to send. RateLimited(retry_after, kind) when asked within 60 s
    of the last one, or over a day's cap per number or per client address."""
    bind_models()
    now = now or utcnow()
    settings = get_settings()
    key = _item_key(phone, purpose)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    item = PhoneCode(
        key=key,
        code_hash=code_hash(phone, purpose, code),
        issued_at=now,
        valid_until=now + timedelta(seconds=VALID_SECONDS),
        tries=0,
        expires_at=now + timedelta(seconds=KEEP_SECONDS),
    )
    counts: list[tuple[str, str, int]] = [
        (
            PER_NUMBER,
            day_key(PER_NUMBER, phone_key(phone), now),
            settings.phone_codes_per_number_day,
        )
    ]
    if client:
        counts.append(
            (PER_CLIENT, day_key(PER_CLIENT, client, now), settings.phone_codes_per_client_day)
        )
    counts = [c for c in counts if c[2] > 0]  # 0: no cap
    resend_after = now - timedelta(seconds=RESEND_SECONDS)
    try:
        with transaction() as tx:
            tx.save(
                item,
                condition=PhoneCode.key.does_not_exist() | (PhoneCode.issued_at <= resend_after),
            )
            for _, window_key, cap in counts:
                tx.update(
                    RateWindow(key=window_key),
                    actions=[
                        RateWindow.hits.add(1),
                        RateWindow.expires_at.set(now + timedelta(seconds=2 * KEEP_SECONDS)),
                    ],
                    condition=RateWindow.hits.does_not_exist() | (RateWindow.hits < cap),
                )
    except Cancelled as exc:
        raise _refusal(exc, key, counts, now) from None
    return code


def _refusal(
    exc: Cancelled, key: str, counts: list[tuple[str, str, int]], now: datetime
) -> RateLimited:
    # PynamoDB sends the put first, then the updates in order.
    for position, (kind, _, _) in enumerate(counts, start=1):
        if position in exc.failed:
            return RateLimited(_until_china_midnight(now), kind)
    if 0 in exc.failed:
        last = PhoneCode.get(key, consistent_read=True)
        wait = RESEND_SECONDS - int((now - last.issued_at).total_seconds())
        return RateLimited(max(1, wait), "phone_code")
    return RateLimited(1, "phone_code")  # raced another request for the same number


def redeem(phone: str, purpose: str, code: str, now: datetime | None = None) -> None:
    """Consume the code of (phone, purpose): once. CodeRefused("wrong") counts a try;
    "expired", "too_many_tries" (the 5th wrong one spends the code) and "none" (nothing
    outstanding: never asked, already used, or replaced) say no more than that."""
    bind_models()
    now = now or utcnow()
    key = _item_key(phone, purpose)
    try:
        item = PhoneCode.get(key, consistent_read=True)
    except PhoneCode.DoesNotExist:
        raise CodeRefused("none") from None
    if item.valid_until <= now:
        raise CodeRefused("expired")
    if item.tries >= MAX_TRIES:
        raise CodeRefused("too_many_tries")
    candidate = code_hash(phone, purpose, code) if code.isascii() and code.isdigit() else ""
    same_code = PhoneCode.code_hash == item.code_hash
    if candidate and hmac.compare_digest(candidate, item.code_hash):
        # single use: the one redeemer whose delete finds the code still there wins
        try:
            item.delete(condition=same_code & (PhoneCode.tries < MAX_TRIES))
        except DeleteError as exc:
            if exc.cause_response_code == "ConditionalCheckFailedException":
                raise CodeRefused("none") from None  # someone redeemed it first
            raise
        return
    counted = update_if(
        PhoneCode(key=key),
        [PhoneCode.tries.add(1)],
        same_code & (PhoneCode.tries < MAX_TRIES),
    )
    if not counted:
        raise CodeRefused("none")  # replaced or used meanwhile
    raise CodeRefused("too_many_tries" if item.tries + 1 >= MAX_TRIES else "wrong")
