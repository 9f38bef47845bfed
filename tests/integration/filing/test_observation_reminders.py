"""The days of observation's "not overnight", with a controlled clock: before 20:00
China time nothing; at 20:00 a worker who has not reported today is reminded (the worker
and the enterprise), once however often the sweep runs; at 22:00 the lodging town is told,
once. A worker who reported is left alone."""

from __future__ import annotations

from datetime import time
from typing import Any

import pytest

from chalicelib.core.clock import china_moment
from chalicelib.filing import observation_reminders
from chalicelib.store.models import Filing
from tests.integration.filing.test_observation import on_day, send
from tests.support.health import WELL
from tests.support.stack import Stack
from tests.support.workers import TODAY, approved_employer, approved_worker


def sent(stack: Stack, words: str) -> list[dict[str, Any]]:
    return [m for m in stack.outbox() if words in m["subject"]]


def test_an_unreported_day_is_reminded_once_then_the_town_told_once(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the report is filed on the sweeps' day, even when the suite runs across China's midnight
    on_day(monkeypatch, TODAY)
    employer = approved_employer(stack)
    quiet, _ = approved_worker(stack, employer, serial=61)
    diligent, _ = approved_worker(stack, employer, serial=62)
    assert send(stack, diligent, WELL).status_code == 201  # today's report is in
    slip = Filing.get(quiet).slip_no
    # WHEN the sweep runs before 20:00 THEN nothing is read or sent
    early = observation_reminders.sweep(china_moment(TODAY, time(19, 50)))
    assert early == (0, 0) and sent(stack, "健康报告未收到") == []
    # WHEN it runs at 20:00 and again at 20:10
    for at in (time(20, 0), time(20, 10)):
        observation_reminders.sweep(china_moment(TODAY, at))
    # THEN the quiet worker (SMS) and the employer's contact (email, SMS) are reminded once
    reminded = sent(stack, "健康报告未收到")
    assert {m["filing_id"] for m in reminded} == {quiet}
    assert sorted(m["to"] for m in reminded) == sorted(
        ["+8613905791234", "wang@example.com", "+86" + str(Filing.get(quiet).data["phone"])]
    )
    assert all(slip in m["subject"] for m in reminded)
    assert sent(stack, "不过夜") == []  # not yet 22:00
    # WHEN it runs at 22:00 and at 22:10 THEN the town office is told once, naming the slip
    for at in (time(22, 0), time(22, 10)):
        observation_reminders.sweep(china_moment(TODAY, at))
    told = sent(stack, "不过夜")
    assert told and len(told) == len({(m["channel"], m["to"]) for m in told})
    assert all("罗埠镇" in m["subject"] and "1人" in m["subject"] for m in told)
    assert len(sent(stack, "健康报告未收到")) == len(reminded)  # nobody reminded twice
