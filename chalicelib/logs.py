"""What the functions log, and what they must not: the AWS SDK's and PynamoDB's debug
records carry whole request and response bodies (a filing's ID number and phone among
them), so their loggers are held at INFO whatever the root logger's level. Our own
records name filings by id, never by a person's data.

Deployed, every record is one JSON object a line (`JsonFormatter`): level, message,
logger, the correlation id of what is being handled (API Gateway's request id, or the SQS
message id of an event), stage and function; the message and any traceback redacted
(`redact`: link tokens, phones, ID numbers, email and street addresses).
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import json
import logging
import os
import re
import time
from collections.abc import Iterator

# Loggers whose DEBUG records dump request or response bodies (Tencent Cloud's SDK's
# among them, with its requests' signed headers).
WIRE_LOGGERS = (
    "botocore",
    "boto3",
    "s3transfer",
    "urllib3",
    "pynamodb",
    "tencentcloud_sdk_common",
    "mail.log",
)


# A signed link is a capability: whoever reads it in a log can use it. Its token rides in
# `token=` (status and staff links) or in the path (/approve/<token>).
_TOKENS = re.compile(r"((?:[?&;]|\b)token=)[^&\s\"']+|(/approve/)[^/?#\s\"']+")
REDACTED = "[redacted]"


# A person's data, wherever a message might carry it: a mainland mobile (with or without
# +86), a resident ID number, an email address, a street address ending in its number.
_EDGE_BEFORE, _EDGE_AFTER = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_PERSONAL_PATTERNS = (
    rf"{_EDGE_BEFORE}(?:\+?86)?1[3-9]\d{{9}}{_EDGE_AFTER}",
    rf"{_EDGE_BEFORE}\d{{17}}[\dXx]{_EDGE_AFTER}",
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+",
    r"[\u4e00-\u9fff]{2,40}\d+(?:-\d+)?(?:号|幢|栋|室|单元)(?:\d+(?:号|室))?",
)


@functools.cache
def _personal() -> re.Pattern[str]:
    # compiled on first use: a cold start that logs nothing does not pay for it
    return re.compile("|".join(_PERSONAL_PATTERNS))


def redact(text: str) -> str:
    """The text with every link token and every person's datum in it replaced."""
    text = _TOKENS.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)
    return _personal().sub(REDACTED, text)


# --- correlation ids and JSON lines -------------------------------------------------------

_CORRELATION: contextvars.ContextVar[str] = contextvars.ContextVar("correlation_id", default="")
# The filing a request or an event is about, once known: one filing's life is one search
# in CloudWatch Logs Insights (`filter filing_id = "..."`) across the API and the events.
_FILING: contextvars.ContextVar[str] = contextvars.ContextVar("filing_id", default="")


def correlation_id() -> str:
    return _CORRELATION.get()


def filing_id() -> str:
    return _FILING.get()


def name_filing(value: str) -> None:
    """From here to the end of the current correlation, records and metrics name the
    filing (set where a request or an event learns which filing it is about). Outside a
    correlation there is no end to reach, so nothing is named: a warm container's next
    invocation never inherits the last one's filing."""
    if _CORRELATION.get():
        _FILING.set(value)


@contextlib.contextmanager
def correlation(value: str) -> Iterator[None]:
    """Every record logged (and metric counted) inside names `value`, and the filing
    named inside it (none at first)."""
    token, filing = _CORRELATION.set(value), _FILING.set("")
    try:
        yield
    finally:
        _FILING.reset(filing)
        _CORRELATION.reset(token)


class JsonFormatter(logging.Formatter):
    """One JSON object a line, redacted, for CloudWatch Logs Insights."""

    converter = time.gmtime  # type: ignore[assignment]  # its times in UTC

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "message": redact(record.getMessage()),
            "logger": record.name,
            "correlation_id": correlation_id(),
            "filing_id": filing_id(),
            "stage": os.environ.get("STAGE", ""),
            "function": os.environ.get("AWS_LAMBDA_FUNCTION_NAME", ""),
        }
        if record.exc_info:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)


def configure() -> None:
    """At the app's import: the wire loggers held at INFO; in Lambda (or LOG_FORMAT=json)
    the root logger's records as JSON lines at INFO and above."""
    keep_personal_data_out()
    if not (os.environ.get("AWS_LAMBDA_FUNCTION_NAME") or os.environ.get("LOG_FORMAT") == "json"):
        return
    root = logging.getLogger()
    if not root.handlers:  # Lambda's runtime installs one; anywhere else, stderr
        root.addHandler(logging.StreamHandler())
    for handler in root.handlers:
        handler.setFormatter(JsonFormatter())
    root.setLevel(os.environ.get("LOG_LEVEL", "INFO"))


def keep_personal_data_out() -> None:
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
