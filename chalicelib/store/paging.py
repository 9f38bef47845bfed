"""One page of a query, never more: the workbench's lists read a bounded number of items
per page and carry DynamoDB's LastEvaluatedKey to the next (no scans, no "read on until
enough match": a filter that matches few shows a short page with a link to the next)."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, NamedTuple, TypeVar

T = TypeVar("T")


class Page(NamedTuple):
    items: list[Any]
    last_key: dict[str, Any] | None  # DynamoDB's LastEvaluatedKey: None on the last page


def one_page(query: Callable[..., Any], hash_key: str, size: int, start: Any, **kw: Any) -> Page:
    """Exactly one Query call of `size` items from `start` (a LastEvaluatedKey or None):
    `query` is a model's or an index's `query`, with its conditions in `kw`."""
    results = query(hash_key, page_size=size, last_evaluated_key=start or None, **kw)
    raw = next(results.page_iter)
    to_model = results._map_fn  # the model's from_raw_data, as the iterator would map it
    items = [to_model(item) if to_model else item for item in raw.get("Items", [])]
    return Page(items, raw.get("LastEvaluatedKey"))


class Position(NamedTuple):
    """A place in an index's order, as DynamoDB holds it: the sort key, then the table's
    key (DynamoDB orders a global index's equal sort keys by the table's key, and its
    ExclusiveStartKey names both)."""

    sort: str
    item: str


class MergedPage(NamedTuple):
    items: list[tuple[str, Any]]  # (the partition it came from, the item), in the index's order
    after: Position | None  # where the next page starts: None on the last page


def merged_page(
    index: Any, keys: list[str], size: int, after: Position | None, readers: int = 8, **kw: Any
) -> MergedPage:
    """One page of several partitions of one index, merged in the index's order: one
    Query of `size` + 1 items a partition, each started after the same Position (the
    ExclusiveStartKey DynamoDB would have answered there, written for that partition).
    A partition cut short (its LastEvaluatedKey) bounds what the page may show: nothing
    past its last item, so nothing it holds unread is skipped. `kw` goes to each query
    (an `attributes_to_get` must keep the sort key and the table's key)."""
    hash_attr = index._hash_key_attribute()
    range_name, range_attr = next(
        (n, a) for n, a in index.Meta.attributes.items() if a.is_range_key
    )
    model = index._model
    table_hash = model._hash_key_attribute()

    def start(key: str) -> dict[str, Any] | None:
        if after is None:
            return None
        return {
            hash_attr.attr_name: {hash_attr.attr_type: key},
            range_attr.attr_name: {range_attr.attr_type: after.sort},
            table_hash.attr_name: {table_hash.attr_type: after.item},
        }

    def position(item: Any) -> Position:
        return Position(
            range_attr.serialize(getattr(item, range_name)), getattr(item, table_hash.attr_name)
        )

    model._get_connection()  # built once, before the readers share it
    with ThreadPoolExecutor(max_workers=readers) as pool:  # each waits on the network
        pages = list(
            pool.map(lambda k: (k, one_page(index.query, k, size + 1, start(k), **kw)), keys)
        )
    horizon = min(
        (
            Position(
                p.last_key[range_attr.attr_name][range_attr.attr_type],
                p.last_key[table_hash.attr_name][table_hash.attr_type],
            )
            for _, p in pages
            if p.last_key
        ),
        default=None,
    )
    merged = sorted(
        ((position(item), key, item) for key, p in pages for item in p.items),
        key=lambda found: found[0],
    )
    shown = [found for found in merged if horizon is None or found[0] <= horizon]
    more = len(shown) > size or horizon is not None
    shown = shown[:size]
    return MergedPage(
        [(key, item) for _, key, item in shown], shown[-1][0] if more and shown else None
    )
