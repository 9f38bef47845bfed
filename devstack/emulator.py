"""Make moto's DynamoDB behave as DynamoDB does where our guarantees rest on it.

Development only (the local stack and the tests import it; Lambda never does).
Two gaps, both in moto's in-memory backend:

- Atomicity. DynamoDB applies each write, and each transaction, atomically. moto
  checks a condition and then writes, without a lock; its threaded server runs
  requests side by side, so two conditional writes can both pass. Every write here
  takes one lock, as DynamoDB's serialisation would.
- Cost. To roll a failed transaction back, moto deep-copies every table the
  transaction touches, before every transaction: each submission costs as much as
  the tables are large, and concurrent copies crash ("dictionary changed size during
  iteration"). Here a transaction saves the items it touches instead, and puts them
  back if it fails.
- Queries. moto answers every Query by sorting the whole table first (`all_items`),
  then picking the partition out: a page of the workbench's to-do list took 6 s with a
  month loaded (benchmarks/bench_workbench.py). Here a query of the table's own key
  reads its one partition, and a query of an index picks its candidates from the items
  unsorted; both sort what they pick, as before, so the answers are the same.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_LOCK = threading.RLock()  # reentrant: moto's transaction calls its own put/update/delete
_applied = False


def make_dynamodb_faithful() -> None:
    """Patch moto's DynamoDB backend in this process (idempotent)."""
    global _applied
    if _applied:
        return
    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    class _TablesAreNotCopied:
        """moto's module sees this as `copy`: tables stay shared, items still copy."""

        @staticmethod
        def deepcopy(value: Any, memo: Any = None) -> Any:
            return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    models.copy = _TablesAreNotCopied  # type: ignore[assignment]
    backend = models.DynamoDBBackend
    for name in ("put_item", "update_item", "delete_item", "batch_write_item"):
        setattr(backend, name, _locked(getattr(backend, name)))
    backend.transact_write_items = _transaction(backend.transact_write_items)  # type: ignore[method-assign]
    Table.query = _partition_query(Table.query)  # type: ignore[method-assign]
    _applied = True


def _partition_query(query: Any) -> Any:
    """moto's query over a shadow of the table that lists only what the query can
    answer from: the partition of its own key, or (an index) every item, unsorted."""

    @functools.wraps(query)
    def partition_query(self: Any, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
        index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
        shadow: Any = object.__new__(self.__class__)
        shadow.__dict__.update(self.__dict__)
        if index_name is None and hash_key is not None:
            shadow.items = {hash_key: self.items[hash_key]} if hash_key in self.items else {}
        else:
            shadow.all_items = lambda: _unsorted(self)
        return query(shadow, hash_key, *args, **kwargs)

    return partition_query


def _unsorted(table: Any) -> list[Any]:
    if not table.range_key_attr:
        return list(table.items.values())
    return [item for partition in table.items.values() for item in partition.values()]


def _locked(method: Any) -> Any:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            return method(self, *args, **kwargs)

    return locked


def _transaction(method: Any) -> Any:
    @functools.wraps(method)
    def transact_write_items(self: Any, transact_items: list[dict[str, Any]]) -> Any:
        with _LOCK:
            saved = _touched_items(self, transact_items)
            try:
                return method(self, transact_items)
            except Exception:
                # moto applied the items before the failing one: put them all back.
                for table_name, key, attributes in saved:
                    _put_back(self, table_name, key, attributes)
                raise

    return transact_write_items


def _touched_items(
    backend: Any, transact_items: list[dict[str, Any]]
) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    saved = []
    for entry in transact_items:
        for op_type, op in entry.items():
            table_name = op.get("TableName")
            if table_name not in backend.tables:
                continue
            table = backend.tables[table_name]
            if op_type == "Put":
                names = [table.hash_key_attr, table.range_key_attr]
                key = {n: op["Item"][n] for n in names if n and n in op["Item"]}
            else:
                key = op.get("Key", {})
            try:
                item = backend.get_item(table_name, key)
            except Exception:  # a malformed key: moto's own validation will refuse it
                continue
            attributes = copy.deepcopy(item.to_json()["Attributes"]) if item else None
            saved.append((table_name, key, attributes))
    return saved


def _put_back(
    backend: Any, table_name: str, key: dict[str, Any], attributes: dict[str, Any] | None
) -> None:
    table = backend.tables[table_name]
    if attributes is None:
        if backend.get_item(table_name, key) is not None:
            backend.delete_item(table_name, key)
    else:
        table.put_item(attributes)
