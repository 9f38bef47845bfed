"""One way to write several items together and to read why a transaction was refused.

`transaction()` is a PynamoDB TransactWrite on the models' connection. When DynamoDB
cancels it for a lost condition or a conflicting transaction, it raises `Cancelled`
(a Conflict, the domain's word for it) naming which items' conditions failed, read once
from `cancellation_reasons` (PynamoDB's transactions docs); any other failure is raised
as it came.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pynamodb.exceptions import TransactWriteError, UpdateError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

from chalicelib.core.errors import Conflict
from chalicelib.store.models import connection

LOST = "ConditionalCheckFailed"
RACED = "TransactionConflict"
# What the store's callers type their transaction and update actions with.
Transaction = TransactWrite
__all__ = ["Action", "Cancelled", "Transaction", "transaction", "update_if"]


class Cancelled(Conflict):
    """A transaction DynamoDB cancelled: `failed` holds the positions (in the order the
    items were sent: PynamoDB sends its puts, then its updates, deletes and checks) of
    the items whose condition failed; `raced`, another transaction touched an item."""

    def __init__(self, failed: frozenset[int], raced: bool) -> None:
        super().__init__(f"conditions failed at {sorted(failed)}" + (", raced" if raced else ""))
        self.failed = failed
        self.raced = raced


@contextmanager
def transaction() -> Iterator[TransactWrite]:
    try:
        with TransactWrite(connection=connection()) as tx:
            yield tx
    except TransactWriteError as exc:
        reasons = exc.cancellation_reasons
        failed = frozenset(i for i, r in enumerate(reasons) if r is not None and r.code == LOST)
        raced = any(r is not None and r.code == RACED for r in reasons)
        if failed or raced:
            raise Cancelled(failed, raced) from exc
        raise


def update_if(item: Model, actions: list[Action], condition: Condition) -> bool:
    """One item updated on a condition: False when the condition did not hold (someone
    else got there first), the error itself for anything else."""
    try:
        item.update(actions=actions, condition=condition)
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    return True
