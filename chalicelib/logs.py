"""What the functions log, and what they must not: the AWS SDK's and PynamoDB's debug
records carry whole request and response bodies (a filing's ID number and phone among
them), so their loggers are held at INFO whatever the root logger's level. Our own
records name filings by id, never by a person's data."""

from __future__ import annotations

import logging
import re

# Loggers whose DEBUG records dump request or response bodies.
WIRE_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "pynamodb")


# A signed link is a capability: whoever reads it in a log can use it. Its token rides in
# `token=` (status and staff links) or in the path (/approve/<token>).
_TOKENS = re.compile(r"((?:[?&;]|\b)token=)[^&\s\"']+|(/approve/)[^/?#\s\"']+")
REDACTED = "[redacted]"


def redact(text: str) -> str:
    """The text with every link token in it replaced."""
    return _TOKENS.sub(lambda m: (m.group(1) or m.group(2)) + REDACTED, text)


def keep_personal_data_out() -> None:
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
