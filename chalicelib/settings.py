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
from typing import Any

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
    # Notifications (chalicelib/store/providers/): who carries SMS and email. SNS and SES
    # in global regions; in China a Chinese SMS service and SMTP (docs/DEPLOY.md).
    sms_provider: str = "sns"  # SMS_PROVIDER: sns | tencent
    mail_provider: str = "ses"  # MAIL_PROVIDER: ses | smtp
    sms_sign_name: str = "婺城家服务"  # SMS_SIGN_NAME: the registered signature (短信签名)
    sms_app_id: str = ""  # SMS_APP_ID: Tencent Cloud SMS's SdkAppId
    sms_region: str = "ap-guangzhou"  # SMS_REGION
    sms_endpoint: str = ""  # SMS_ENDPOINT: the service's address, when not its default
    # SMS_TEMPLATE_IDS (JSON): each template's key (providers/sms_templates.py) -> the id
    # the SMS service gave it at registration
    sms_template_ids: dict[str, str] = dataclasses.field(default_factory=dict, hash=False)
    smtp_host: str = ""  # SMTP_HOST
    smtp_port: int = 465  # SMTP_PORT: 465 implicit TLS, 587 STARTTLS
    smtp_tls: str = "implicit"  # SMTP_TLS: implicit | starttls (default: by the port)
    smtp_ca_file: str = ""  # SMTP_CA_FILE: a private CA the mail server's certificate is from
    notify_timeout: int = READ_TIMEOUT  # NOTIFY_TIMEOUT: seconds a provider may take to answer
    metrics_enabled: bool = False  # METRICS: EMF lines on stdout (default: deployed stages)
    # The offline seal's ES256 keys (chalicelib/documents/seal.py), apart from the link
    # keys: SEAL_KEYS (JSON, local and tests) or the SSM parameter SEAL_KEYS_PARAMETER
    # (deployed stages), read lazily by the first seal; neither, in the local stage: one
    # key generated per process. TRUST_IMPORTS: neighbouring districts' trust lists (JSON).
    seal_keys: str | None = None
    seal_keys_parameter: str | None = None
    trust_imports: str = ""
    # SMS codes per China day: to one number, and asked from one client address
    phone_codes_per_number_day: int = 10
    phone_codes_per_client_day: int = 100
    observation_days: int = 14  # OBSERVATION_DAYS: a worker's days of observation, arrival's first

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
        **_notify_settings(stage),
        seal_keys=os.environ.get("SEAL_KEYS") or None,
        seal_keys_parameter=os.environ.get("SEAL_KEYS_PARAMETER") or None,
        trust_imports=os.environ.get("TRUST_IMPORTS", ""),
        phone_codes_per_number_day=int(_env("PHONE_CODES_PER_NUMBER_DAY", "10")),
        phone_codes_per_client_day=int(_env("PHONE_CODES_PER_CLIENT_DAY", "100")),
        observation_days=int(_env("OBSERVATION_DAYS", "14")),
    )


def _notify_settings(stage: str) -> dict[str, Any]:
    port = int(_env("SMTP_PORT", "465"))
    ids = json.loads(os.environ.get("SMS_TEMPLATE_IDS", "").strip() or "{}")
    if not isinstance(ids, dict):
        raise RuntimeError("SMS_TEMPLATE_IDS: a JSON object of template key -> id")
    return {
        "sms_provider": _env("SMS_PROVIDER", "sns"),
        "mail_provider": _env("MAIL_PROVIDER", "ses"),
        "sms_sign_name": _env("SMS_SIGN_NAME", "婺城家服务"),
        "sms_app_id": _env("SMS_APP_ID", ""),
        "sms_region": _env("SMS_REGION", "ap-guangzhou"),
        "sms_endpoint": _env("SMS_ENDPOINT", ""),
        "sms_template_ids": {str(k): str(v) for k, v in ids.items()},
        "smtp_host": _env("SMTP_HOST", ""),
        "smtp_port": port,
        "smtp_tls": _env("SMTP_TLS", "implicit" if port == 465 else "starttls"),
        "smtp_ca_file": _env("SMTP_CA_FILE", ""),
        "notify_timeout": int(_env("NOTIFY_TIMEOUT", str(READ_TIMEOUT))),
        "metrics_enabled": _env("METRICS", "off" if stage == "local" else "on") == "on",
    }


@functools.lru_cache(maxsize=1)
def notify_secrets() -> dict[str, str]:
    """The providers' credentials (smtp_user, smtp_password, sms_secret_id,
    sms_secret_key), a JSON object: from the environment (local, tests) or from an SSM
    SecureString parameter (deployed stages), read once per container, on first use."""
    raw = os.environ.get("NOTIFY_SECRETS")
    if raw is None:
        raw = read_parameter(_env("NOTIFY_SECRETS_PARAMETER"))
    secrets = json.loads(raw)
    if not isinstance(secrets, dict):
        raise RuntimeError("NOTIFY_SECRETS: a JSON object")
    return {str(k): str(v) for k, v in secrets.items()}
