"""Deployed, every log record is one JSON object (issue #18): level, message, logger, the
correlation id of the request or event, stage, function; never a token, a phone, an ID
number, an email or a street address, in the message or in a traceback."""

from __future__ import annotations

import io
import json
import logging

import pytest

from chalicelib import logs
from chalicelib.logs import REDACTED, JsonFormatter, correlation, redact


@pytest.mark.parametrize(
    "secret",
    [
        "13905791234",
        "+8613905791234",
        "330702199003071233",
        "33070219900307123X",
        "wang.wu@example.com",
        "白龙桥镇工业区8号",
        "婺城区人民路58号3幢201室",
    ],
)
def test_a_persons_data_is_redacted(secret: str) -> None:
    redacted = redact(f"filing f1 for {secret}, done")
    assert secret not in redacted and REDACTED in redacted
    assert redacted.startswith("filing f1 for ") and redacted.endswith(", done")


def test_ids_and_codes_are_kept() -> None:
    # a filing id (hex), a slip number, a document code, a count: none is a person's data
    text = "filing 0123456789abcdef13905791234abcdef slip 20200210-7KQ3M sent 3 in 1200 ms"
    assert redact(text) == text


def record_of(logger: logging.Logger, emit: object) -> dict[str, object]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger.addHandler(handler)
    try:
        emit()  # type: ignore[operator]
    finally:
        logger.removeHandler(handler)
    [line] = stream.getvalue().splitlines()
    return dict(json.loads(line))


def test_a_record_is_one_json_line_with_its_correlation_id(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "jiafuwu-prod-OnEvent-abc")
    logger = logging.getLogger("chalicelib.test")
    logger.setLevel(logging.INFO)
    # GIVEN an event being handled, WHEN a record names a phone and a link's token
    with correlation("msg-0001"):
        entry = record_of(
            logger, lambda: logger.warning("sms to %s: /approve/%s", "13905791234", "TOKEN")
        )
    # THEN one JSON object, its fields named, the data redacted
    assert entry["level"] == "WARNING" and entry["logger"] == "chalicelib.test"
    assert entry["correlation_id"] == "msg-0001"
    assert (entry["stage"], entry["function"]) == ("prod", "jiafuwu-prod-OnEvent-abc")
    assert entry["message"] == f"sms to {REDACTED}: /approve/{REDACTED}"
    assert str(entry["time"]).endswith("Z")
    # AND outside the event, no id
    assert logs.correlation_id() == ""


def test_a_record_names_the_filing_once_its_handler_knows_it() -> None:
    logger = logging.getLogger("chalicelib.test.filing")
    logger.setLevel(logging.INFO)
    # GIVEN an event that learns which filing it is about
    with correlation("msg-0002"):
        before = record_of(logger, lambda: logger.info("received"))
        logs.name_filing("0f" * 16)
        after = record_of(logger, lambda: logger.info("advanced"))
    # THEN the records from then on name it, and the next correlation starts without it
    assert (before["filing_id"], after["filing_id"]) == ("", "0f" * 16)
    with correlation("msg-0003"):
        assert logs.filing_id() == ""
    assert logs.filing_id() == ""


def test_a_filing_named_outside_any_correlation_is_not_kept() -> None:
    # GIVEN code that names a filing with no request or event around it (a script, a test)
    logs.name_filing("1e" * 16)
    # THEN nothing carries it over to what runs next
    assert logs.filing_id() == ""


def test_a_traceback_is_redacted_too() -> None:
    logger = logging.getLogger("chalicelib.test.exc")

    def fail() -> None:
        try:
            raise ValueError("bad phone 13905791234")
        except ValueError:
            logger.exception("failed")

    entry = record_of(logger, fail)
    assert "13905791234" not in json.dumps(entry) and "ValueError" in str(entry["exception"])


def test_in_lambda_the_root_logger_writes_json(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    handler = logging.StreamHandler(io.StringIO())
    monkeypatch.setattr(root, "handlers", [handler])
    monkeypatch.setattr(root, "level", logging.WARNING)
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "jiafuwu-prod-APIHandler-abc")
    logs.configure()
    assert isinstance(handler.formatter, JsonFormatter) and root.level == logging.INFO
    # AND the wire loggers (request bodies; Tencent's SDK's signed requests) stay at INFO
    for name in ("botocore", "tencentcloud_sdk_common", "pynamodb"):
        assert logging.getLogger(name).level == logging.INFO
