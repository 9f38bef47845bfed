"""One page of a query, never more: the workbench's lists read a bounded number of items
per page and carry DynamoDB's LastEvaluatedKey to the next (no scans, no "read on until
enough match": a filter that matches few shows a short page with a link to the next)."""

from __future__ import annotations

from collections.abc import Callable
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
