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
  reads its one partition, and a query of an index its partition's items, grouped by
  the index's key once until the next write; both sort what they pick, as before, so
  the answers are the same.
"""

from __future__ import annotations

import copy
import functools
import threading
from typing import Any

_LOCK = threading.RLock()  # reentrant: moto's transaction calls its own put/update/delete
_GENERATION = [0]  # counts the writes (under _LOCK): what an index's grouping was made at
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
            shadow.all_items = lambda: _index_partition(self, index_name, hash_key)
        return query(shadow, hash_key, *args, **kwargs)

    return partition_query


def _index_partition(table: Any, index_name: str | None, hash_key: Any) -> list[Any]:
    """The items of one partition of an index, unsorted: the table's items grouped by the
    index's hash key once per generation of writes (the dashboard's queue queries 96 keys
    of one index a page: each would otherwise read the whole table)."""
    value = _plain(hash_key)
    if index_name is None or value is None:
        return _unsorted(table)
    with _LOCK:
        cached = table.__dict__.setdefault("_jiafuwu_partitions", {})
        generation, groups = cached.get(index_name, (-1, {}))
        if generation != _GENERATION[0]:
            attr = next(
                k["AttributeName"]
                for k in table.get_index(index_name).schema
                if k["KeyType"] == "HASH"
            )
            groups = {}
            for item in _unsorted(table):
                if (key := _plain(item.attrs.get(attr))) is not None:
                    groups.setdefault(key, []).append(item)
            cached[index_name] = (_GENERATION[0], groups)
        return list(groups.get(value, []))


def _plain(value: Any) -> tuple[str, Any] | None:
    """A key's DynamoType as a dict key (S, N and B are strings or bytes)."""
    found = getattr(value, "value", None)
    return (value.type, found) if isinstance(found, (str, bytes)) else None


def _unsorted(table: Any) -> list[Any]:
    if not table.range_key_attr:
        return list(table.items.values())
    return [item for partition in table.items.values() for item in partition.values()]


def _locked(method: Any) -> Any:
    @functools.wraps(method)
    def locked(self: Any, *args: Any, **kwargs: Any) -> Any:
        with _LOCK:
            try:
                return method(self, *args, **kwargs)
            finally:
                _GENERATION[0] += 1  # any write: the index partitions are grouped anew

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
            finally:
                _GENERATION[0] += 1

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
