"""The embedded stack's index queries (devstack/emulator.py) read one partition, grouped
once until the next write: every kind of write shows in the next query's answer."""

from __future__ import annotations

from datetime import timedelta

import pytest

from chalicelib.core.clock import utcnow
from chalicelib.core.errors import Conflict
from chalicelib.store import tx as txn
from chalicelib.store.models import Filing, bind_models, queue_key
from tests.support.stack import Stack

FORM, TOWN = "enterprise-resumption", "罗埠镇"


def saved(n: int, status: str = "in_review", shard_of: str = "") -> Filing:
    """Filing `n`, in the same index partition as `shard_of` when one is named."""
    fid = f"emu{n:03d}{'z' * 18}"
    while shard_of and queue_key(FORM, TOWN, status, fid) != queue_key(
        FORM, TOWN, status, shard_of
    ):
        fid = fid[:-1] + chr(ord(fid[-1]) + 1) if fid[-1] < "~" else fid + "a"
    at = utcnow() - timedelta(minutes=n)
    item = Filing(
        filing_id=fid, form=FORM, slip_no=f"EMU-{n}", status=status, stage=1, steps={},
        town=TOWN, applicant="企业", data={}, queue_key=queue_key(FORM, TOWN, status, fid),
        created_at=at, updated_at=at,
    )  # fmt: skip
    item.save()
    return item


def listed(status: str, fid: str) -> list[str]:
    return [f.filing_id for f in Filing.queue_index.query(queue_key(FORM, TOWN, status, fid))]


def test_every_write_shows_in_the_next_index_query(stack: Stack) -> None:
    bind_models()
    # GIVEN a filing in review, queried once (its partition grouped)
    first = saved(1)
    assert listed("in_review", first.filing_id) == [first.filing_id]
    # WHEN others land (some in its partition) THEN the partition lists them, oldest first
    others = [saved(n, shard_of=first.filing_id if n % 2 else "") for n in range(2, 8)]
    same = [f for f in (first, *others) if f.queue_key == first.queue_key]
    assert len(same) >= 4
    assert listed("in_review", first.filing_id) == [
        f.filing_id for f in sorted(same, key=lambda f: f.created_at)
    ]
    # WHEN the first's key moves (an update) THEN it leaves one partition for the other
    first.update(
        actions=[
            Filing.status.set("approved"),
            Filing.queue_key.set(queue_key(FORM, TOWN, "approved", first.filing_id)),
        ]
    )
    assert first.filing_id not in listed("in_review", first.filing_id)
    assert listed("approved", first.filing_id) == [first.filing_id]
    # WHEN it is deleted THEN it is gone from the index
    first.delete()
    assert listed("approved", first.filing_id) == []


def test_a_transaction_and_a_lost_one_show_as_they_end(stack: Stack) -> None:
    bind_models()
    item = saved(3)
    assert listed("in_review", item.filing_id) == [item.filing_id]
    moved = queue_key(FORM, TOWN, "approved", item.filing_id)
    # WHEN a transaction moves it THEN the next query sees the move
    with txn.transaction() as t:
        t.update(item, actions=[Filing.queue_key.set(moved)])
    assert listed("approved", item.filing_id) == [item.filing_id]
    # WHEN a transaction loses its condition THEN nothing moved, and the query says so
    with pytest.raises(Conflict), txn.transaction() as t:
        t.update(
            item,
            actions=[Filing.queue_key.set(queue_key(FORM, TOWN, "rejected", item.filing_id))],
            condition=Filing.status == "no such status",
        )
    assert listed("approved", item.filing_id) == [item.filing_id]
    assert listed("rejected", item.filing_id) == []
