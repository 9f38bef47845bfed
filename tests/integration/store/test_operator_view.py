"""The operator's view of a filing's life (issue #18): a submission, its decisions and its
documents are counted as EMF metrics, each with the correlation id of the request or the
SQS message that did it; refusals by the rate limit and 5xx answers are counted too."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest
from chalice.local import LambdaEventConverter

from chalicelib.settings import get_settings
from chalicelib.store import ratelimit
from tests.support.stack import Stack, enterprise


def emitted(out: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in out.splitlines() if line.startswith('{"_aws"')]
    return [{"name": r["_aws"]["CloudWatchMetrics"][0]["Metrics"][0]["Name"], **r} for r in lines]


@pytest.fixture
def metrics_on(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("METRICS", "on")
    get_settings.cache_clear()


def test_a_filings_life_is_counted_with_its_correlation_ids(
    stack: Stack, metrics_on: None, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a submission
    answer = stack.submit(enterprise())
    assert answer.status_code == 201
    [submitted] = emitted(capsys.readouterr().out)
    # THEN it is counted once, under the request's correlation id
    assert submitted["name"] == "Submissions" and submitted["Submissions"] == 1
    assert submitted["form"] == "enterprise-resumption" and submitted["correlation_id"]
    # WHEN its event is handled: THEN the slip is counted under the SQS message's id
    stack.pump()
    issued = [m for m in emitted(capsys.readouterr().out) if m["name"] == "DocumentsIssued"]
    assert [m["kind"] for m in issued] == ["slip"]
    assert issued[0]["correlation_id"] not in ("", submitted["correlation_id"])
    # WHEN the town decides: THEN a decision is counted
    assert stack.decide(stack.link("town"), "approve").status_code == 200
    lines = emitted(capsys.readouterr().out)
    [decided] = [m for m in lines if m["name"] == "Decisions"]
    assert (decided["step"], decided["decision"]) == ("town", "approve")
    # AND the time from the submission to this step's decision, by step, in seconds
    [waited] = [m for m in lines if m["name"] == "DecisionSeconds"]
    [metric] = waited["_aws"]["CloudWatchMetrics"]
    assert metric["Metrics"] == [{"Name": "DecisionSeconds", "Unit": "Seconds"}]
    assert metric["Dimensions"] == [["Stage"], ["Stage", "Step"]]
    assert waited["Step"] == "enterprise-resumption:town" and waited["DecisionSeconds"] >= 0
    # AND every line names the filing it is about, across the request and the event
    filing_id = json.loads(answer.body)["filing_id"]
    assert {m["filing_id"] for m in (submitted, *issued, decided, waited)} == {filing_id}
    # AND no line of it carries the applicant's phone
    assert "13905791234" not in json.dumps([submitted, *issued, decided, waited])


def test_refusals_by_the_rate_limit_are_counted(
    stack: Stack,
    metrics_on: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = dataclasses.replace(get_settings(), submissions_per_minute=1)
    monkeypatch.setattr(ratelimit, "get_settings", lambda: settings)
    monkeypatch.setattr(LambdaEventConverter, "LOCAL_SOURCE_IP", "203.0.113.9")
    assert stack.submit(enterprise(serial=1)).status_code == 201
    assert stack.submit(enterprise(serial=2)).status_code == 429
    names = [m["name"] for m in emitted(capsys.readouterr().out)]
    assert names == ["Submissions", "RateLimitRefusals"]


def test_a_5xx_answer_is_counted(
    stack: Stack,
    metrics_on: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from chalicelib.filing import submission

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(submission, "submit", broken)
    answer = stack.submit(enterprise(serial=3))
    assert answer.status_code == 500
    assert [m["name"] for m in emitted(capsys.readouterr().out)] == ["ServerErrors"]
