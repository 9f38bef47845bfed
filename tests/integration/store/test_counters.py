"""The sharded counters: one item per figure holds every town's count, so a read asks for
as many items whatever the number of towns; moves add up, two moves of one figure in one
transaction go to two shards, and keys DynamoDB leaves unprocessed are asked again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from chalicelib.core.towns import town_names
from chalicelib.store import counters
from chalicelib.store.models import Counter
from chalicelib.store.tx import transaction
from tests.support.stack import Stack

FORM = "enterprise-resumption"


def test_moves_add_up_per_town_and_reads_sum_the_shards(stack: Stack) -> None:
    # GIVEN moves of one figure in two towns over several transactions
    a, b = town_names()[:2]
    for _ in range(5):
        with transaction() as tx:
            counters.move(tx, {counters.filings_counter(FORM, a, "submitted"): 2})
    with transaction() as tx:
        counters.move(
            tx,
            {
                counters.filings_counter(FORM, b, "submitted"): 3,
                counters.filings_counter(FORM, a, "submitted"): -1,
                counters.drive_counter(a, "employees"): 0,  # a zero is not written
            },
        )
    # THEN each town reads its own total, and a town never moved reads 0
    read = counters.read(
        [
            counters.filings_counter(FORM, a, "submitted"),
            counters.filings_counter(FORM, b, "submitted"),
            counters.filings_counter(FORM, town_names()[2], "submitted"),
        ]
    )
    assert list(read.values()) == [9, 3, 0]
    assert not [i for i in Counter.scan() if i.key.startswith("drive#")]


def test_two_moves_of_one_figure_in_one_transaction_take_two_shards(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN shards picked as the first free one (random picks would collide only at times)
    monkeypatch.setattr(counters.random, "choice", lambda shards: shards[0])
    # AND transactions moving the same day's figure for a town and for the district, in
    # three calls (as a submission's status change and its figures are)
    day = date(2020, 2, 10)
    town = town_names()[0]
    for _ in range(20):
        with transaction() as tx:
            counters.move(tx, {counters.submissions_counter(FORM, town, day): 1})
            counters.move(tx, {counters.submissions_counter(FORM, town, day): 1})
            counters.move(tx, {counters.submissions_counter(FORM, counters.WHOLE_DISTRICT, day): 1})
    # THEN every move counted
    read = counters.read(
        [
            counters.submissions_counter(FORM, town, day),
            counters.submissions_counter(FORM, counters.WHOLE_DISTRICT, day),
        ]
    )
    assert list(read.values()) == [40, 20]


def test_a_read_of_every_town_asks_for_as_many_items_as_a_read_of_one(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN the keys each BatchGetItem asks for, recorded
    asked: list[int] = []
    connection = Counter._get_connection()
    real = connection.batch_get_item

    def counting(keys: list[Any], *args: Any, **kwargs: Any) -> Any:
        asked.append(len(keys))
        return real(keys, *args, **kwargs)

    monkeypatch.setattr(connection, "batch_get_item", counting)
    figures = [("submitted", "approved", "rejected")]
    # WHEN one town's figures are read, then the same figures of every town
    counters.read(counters.filings_counter(FORM, town_names()[0], s) for s in figures[0])
    one = sum(asked)
    asked.clear()
    counters.read(counters.filings_counter(FORM, t, s) for t in town_names() for s in figures[0])
    # THEN both read the same items: 3 figures x 8 shards
    assert one == sum(asked) == 3 * counters.SHARDS


def test_keys_left_unprocessed_are_asked_again(
    stack: Stack, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a count, and DynamoDB leaving all but one key unprocessed on the first call
    town = town_names()[0]
    with transaction() as tx:
        counters.move(tx, {counters.filings_counter(FORM, town, "approved"): 7})
    connection = Counter._get_connection()
    real = connection.batch_get_item
    calls: list[int] = []

    def throttled(keys: list[Any], *args: Any, **kwargs: Any) -> Any:
        calls.append(len(keys))
        if len(calls) > 1:
            return real(keys, *args, **kwargs)
        answer = real(keys[:1], *args, **kwargs)
        answer["UnprocessedKeys"] = {Counter.Meta.table_name: {"Keys": keys[1:]}}
        return answer

    monkeypatch.setattr(connection, "batch_get_item", throttled)
    monkeypatch.setattr(counters.time, "sleep", lambda s: None)
    # WHEN the figure is read
    read = counters.read([counters.filings_counter(FORM, town, "approved")])
    # THEN the rest were asked again, and the total is whole
    assert calls == [counters.SHARDS, counters.SHARDS - 1]
    assert read == {counters.filings_counter(FORM, town, "approved"): 7}
