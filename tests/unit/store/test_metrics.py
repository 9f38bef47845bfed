"""EMF metrics (issue #18): one JSON line on stdout per count, in CloudWatch's Embedded
Metric Format, under the namespace and dimension the alarms read."""

from __future__ import annotations

import json

import pytest

from chalicelib.logs import correlation
from chalicelib.settings import get_settings
from chalicelib.store import metrics


def test_a_count_is_one_emf_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("METRICS", "on")
    monkeypatch.setenv("STAGE", "prod")
    monkeypatch.setenv("AWS_LAMBDA_FUNCTION_NAME", "jiafuwu-prod-OnEvent-abc")
    get_settings.cache_clear()
    with correlation("msg-7"):
        metrics.count("NotificationFailures", channel="sms")
    [line] = capsys.readouterr().out.splitlines()
    record = json.loads(line)
    directive = record["_aws"]["CloudWatchMetrics"]
    assert directive == [
        {
            "Namespace": "Jiafuwu",
            "Dimensions": [["Stage"]],
            "Metrics": [{"Name": "NotificationFailures", "Unit": "Count"}],
        }
    ]
    assert isinstance(record["_aws"]["Timestamp"], int)
    assert record["Stage"] == "prod" and record["NotificationFailures"] == 1
    assert record["correlation_id"] == "msg-7" and record["channel"] == "sms"
    assert record["function"] == "jiafuwu-prod-OnEvent-abc"


def test_the_local_stage_writes_none_unless_asked(capsys: pytest.CaptureFixture[str]) -> None:
    metrics.count("Submissions")
    assert capsys.readouterr().out == ""


def test_an_unknown_metric_is_a_mistake() -> None:
    with pytest.raises(ValueError):
        metrics.count("Submisions")
