"""Configuration, read once from the environment into a typed object, lazily.

Nothing here runs at import time: Chalice's test client applies the stage's
environment only during each call, and Lambda cold starts pay for every import.
"""

from __future__ import annotations

import dataclasses
import functools
import json
import os
from dataclasses import dataclass

# The events queue is named in app.py's decorator, which is read when packaging,
# before any stage's environment exists: one name for every stage's own account.
EVENTS_QUEUE = "jiafuwu-events"

# Every AWS client's timeouts and attempts (chalicelib/store/aws.py builds them; the
# signing keys' read below uses them too): a call's whole budget fits in a function's.
CONNECT_TIMEOUT = 2  # seconds to open a connection (an endpoint's usual: milliseconds)
READ_TIMEOUT = 5  # seconds to wait for an answer once the request is sent
ATTEMPTS = 3  # of each AWS call: the first and two retries

# Calls per client address and minute, by kind (chalicelib/store/ratelimit.py): a person
# at a checkpoint scans a few codes a minute, an applicant reloads a status page, an
# approver decides one link at a time. RATE_LIMITS (JSON) changes any; 0: no limit.
RATE_LIMITS: dict[str, int] = {
    "verify": 120,
    "upload": 30,
    "approval": 30,
    "status": 120,
    "roster": 10,
    "phone_code": 10,  # SMS codes asked (chalicelib/store/phone_codes.py adds daily caps)
    "phone_verify": 30,  # SMS codes tried
    "lookup": 30,  # 我的办件 and slip-number look-ups
    "draft": 10,  # drafts saved (each sends its link by SMS)
}

SUPPORT_LIMITS: dict[str, int] = {"防疫物资": 50_000, "房租": 100_000, "招工": 30_000}


@dataclass(frozen=True)
class Settings:
    stage: str
    table_prefix: str
    bucket: str
    events_queue: str
    region: str
    endpoint_url: str | None
    signing_keys: tuple[str, ...]  # newest first; older ones still verify until their links expire
    link_ttl_hours: int
    public_base_url: str
    mail_from: str
    district_scope: str
    pass_valid_days: int
    # 帮扶10条: the most a support-subsidy claim may ask per category, in yuan
    # (SUPPORT_LIMITS, a JSON object; categories it leaves out keep their defaults).
    support_limits: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict(SUPPORT_LIMITS), hash=False
    )
    certificate_valid_days: int = (
        90  # a work-resumption certificate's validity, its first day included
    )
    retention_days: int = 180  # personal data (filings, audit, claims) expires through TTL
    submissions_per_minute: int = 300  # per client address; 0: no limit
    rate_limits: dict[str, int] = dataclasses.field(
        default_factory=lambda: dict(RATE_LIMITS), hash=False
    )
    # SMS codes per China day: to one number, and asked from one client address
    phone_codes_per_number_day: int = 10
    phone_codes_per_client_day: int = 100

    @property
    def outbox_enabled(self) -> bool:
        return self.stage == "local"

    def table_name(self, name: str) -> str:
        return f"{self.table_prefix}{name}"


def _env(name: str, default: str | None = None) -> str:
    value = os.environ.get(name, default)
    if value is None:
        raise RuntimeError(f"missing setting {name}")
    return value


def _signing_keys() -> tuple[str, ...]:
    """Comma-separated, newest first: from the environment (local) or from an SSM
    SecureString parameter (deployed stages), read once per container."""
    raw = os.environ.get("SIGNING_KEYS")
    if raw is None:
        name = _env("SIGNING_KEYS_PARAMETER")
        raw = read_parameter(name)
    keys = tuple(k.strip() for k in raw.split(",") if k.strip())
    if not keys:
        raise RuntimeError("no signing key configured")
    return keys


def read_parameter(name: str) -> str:
    """An SSM SecureString parameter's value (deployed stages' secrets), with the
    timeouts of every AWS client."""
    import boto3  # deferred: only deployed stages read parameters
    from botocore.config import Config

    config = Config(
        connect_timeout=CONNECT_TIMEOUT,
        read_timeout=READ_TIMEOUT,
        retries={"mode": "standard", "total_max_attempts": ATTEMPTS},
    )
    answer = boto3.client("ssm", config=config).get_parameter(Name=name, WithDecryption=True)
    return str(answer["Parameter"]["Value"])


def _limits(name: str, defaults: dict[str, int], what: str) -> dict[str, int]:
    raw = os.environ.get(name, "").strip()
    limits = dict(defaults)
    if raw:
        given = json.loads(raw)
        if not isinstance(given, dict) or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in given.values()
        ):
            raise RuntimeError(f"{name}: a JSON object of {what}")
        limits.update({str(k): int(v) for k, v in given.items()})
    return limits


def _support_limits() -> dict[str, int]:
    return _limits("SUPPORT_LIMITS", SUPPORT_LIMITS, "category -> whole yuan")


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    stage = _env("STAGE", "local")
    return Settings(
        stage=stage,
        table_prefix=_env("TABLE_PREFIX", f"jiafuwu-{stage}-"),
        bucket=_env("DOCUMENTS_BUCKET", f"jiafuwu-{stage}-documents"),
        events_queue=EVENTS_QUEUE,
        region=_env("AWS_DEFAULT_REGION", "us-east-1"),
        endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None,
        signing_keys=_signing_keys(),
        link_ttl_hours=int(_env("LINK_TTL_HOURS", "72")),
        public_base_url=_env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/"),
        mail_from=_env("MAIL_FROM", "noreply@jiafuwu.example.cn"),
        district_scope=_env("DISTRICT_SCOPE", "婺城区"),
        pass_valid_days=int(_env("PASS_VALID_DAYS", "14")),
        certificate_valid_days=int(_env("CERTIFICATE_VALID_DAYS", "90")),
        support_limits=_support_limits(),
        retention_days=int(_env("RETENTION_DAYS", "180")),
        submissions_per_minute=int(_env("SUBMISSIONS_PER_MINUTE", "300")),
        rate_limits=_limits("RATE_LIMITS", RATE_LIMITS, "kind -> calls per minute"),
        phone_codes_per_number_day=int(_env("PHONE_CODES_PER_NUMBER_DAY", "10")),
        phone_codes_per_client_day=int(_env("PHONE_CODES_PER_CLIENT_DAY", "100")),
    )
