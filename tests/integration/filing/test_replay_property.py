"""Duplicates and order, as a property: every event of a lifecycle delivered twice, in
an order hypothesis draws, and all of them replayed again late and shuffled, leaves
the end state (filing, tasks, documents, counters) and the messages sent of one
delivery of each event in order."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from chalicelib.store.models import Task
from tests.support.faults import end_state
from tests.support.stack import Stack, enterprise, in_process_stack
from tests.support.workers import approved_employer, worker

Deliver = Callable[[Stack, list[str]], None]
_reference: dict[str, dict[str, Any]] = {}


def in_order(stack: Stack, bodies: list[str]) -> None:
    for body in bodies:
        stack.deliver([body])


def lifecycle(stack: Stack, form: str, deliver: Deliver) -> tuple[list[str], list[str]]:
    """A lifecycle whose events are handed to `deliver` as they appear; every step
    approved. Returns the filings and every event body seen."""
    ids, seen = [], []
    body = enterprise()
    if form == "worker-return":
        ids.append(approved_employer(stack))
        body = worker(ids[0])

    def settle() -> None:
        while bodies := [m["Body"] for m in stack.receive()]:
            seen.extend(bodies)
            deliver(stack, bodies)

    answer = stack.post_json(f"/api/filings/{form}", body)
    assert answer.status_code == 201, answer.body
    filing_id = json.loads(answer.body)["filing_id"]
    ids.append(filing_id)
    settle()
    while open_steps := sorted(t.step for t in Task.query(filing_id) if t.status == "open"):
        for step in open_steps:
            assert stack.decide(stack.link(step, filing_id), "approve").status_code == 200
            settle()
    return ids, seen


def reference(form: str) -> dict[str, Any]:
    """One delivery of each event, in order (computed once per form)."""
    if form not in _reference:
        with in_process_stack() as stack:
            ids, _ = lifecycle(stack, form, in_order)
            _reference[form] = end_state(stack, ids)
    return _reference[form]


@pytest.mark.parametrize(("form", "examples"), [("enterprise-resumption", 5), ("worker-return", 3)])
def test_events_twice_and_shuffled_end_as_one_delivery_in_order(form: str, examples: int) -> None:
    expected = reference(form)

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=(Phase.explicit, Phase.generate),  # no shrinking: an example takes seconds
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=st.data())
    def property_(data: st.DataObject) -> None:
        def twice_shuffled(stack: Stack, bodies: list[str]) -> None:
            for body in data.draw(st.permutations(bodies * 2), label="delivery order"):
                stack.deliver([body])

        with in_process_stack() as stack:
            # GIVEN a lifecycle whose every event is delivered twice, in a drawn order
            ids, seen = lifecycle(stack, form, twice_shuffled)
            # WHEN every event is replayed once more, late, in another drawn order
            twice_shuffled(stack, seen)
            stack.pump()
            # THEN the end and the messages are those of one delivery in order
            assert end_state(stack, ids) == expected

    property_()
