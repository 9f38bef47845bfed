"""The local stage's clock can run ahead (POST /dev/clock), so that a walk in the browser
lives a worker's fourteen days in minutes; no other stage has it, and a bad request moves
nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest

from chalicelib.core import clock
from chalicelib.core.clock import china_today
from tests.support.stack import Stack

JSON = {"Content-Type": "application/json"}


@pytest.fixture(autouse=True)
def real_clock() -> Iterator[None]:
    yield
    clock.run_ahead(timedelta(0))


def move(stack: Stack, body: object) -> tuple[int, dict[str, object]]:
    answer = stack.client.http.post("/dev/clock", headers=JSON, body=json.dumps(body))
    return answer.status_code, json.loads(answer.body)


def test_the_local_clock_runs_ahead_by_whole_days_and_back(stack: Stack) -> None:
    today = china_today()
    # WHEN the walk moves the stack five days ahead
    status, answer = move(stack, {"days": 5})
    # THEN every China day the app reads is five days on, until it is put back
    assert status == 200 and answer["days"] == 5
    assert china_today() == today + timedelta(days=5)
    assert move(stack, {"days": 0})[0] == 200
    assert china_today() == today


@pytest.mark.parametrize("days", [-1, 61, 2.5, "3", None, True])
def test_a_bad_number_of_days_is_400_and_moves_nothing(stack: Stack, days: object) -> None:
    today = china_today()
    status, answer = move(stack, {"days": days})
    assert status == 400 and "days" in answer["fields"]  # type: ignore[operator]
    assert china_today() == today


def test_the_clock_moves_only_in_the_local_stage(stack: Stack) -> None:
    from chalice.test import Client

    from app import app
    from chalicelib.settings import get_settings

    today = china_today()
    with Client(app, stage_name="dev") as dev:
        get_settings.cache_clear()  # read again under the dev stage's environment
        answer = dev.http.post("/dev/clock", headers=JSON, body=json.dumps({"days": 3}))
        assert answer.status_code == 404
    get_settings.cache_clear()
    assert china_today() == today
