"""What the functions log, and what they must not: the AWS SDK's and PynamoDB's debug
records carry whole request and response bodies (a filing's ID number and phone among
them), so their loggers are held at INFO whatever the root logger's level. Our own
records name filings by id, never by a person's data."""

from __future__ import annotations

import logging

# Loggers whose DEBUG records dump request or response bodies.
WIRE_LOGGERS = ("botocore", "boto3", "s3transfer", "urllib3", "pynamodb")


def keep_personal_data_out() -> None:
    for name in WIRE_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
