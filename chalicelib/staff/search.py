"""The workbench's search, within the signed-in official's scope: a slip number, a
credit code, a phone or ID number (exact, through keyed hashes), else an enterprise
name's beginning. One Query a page on the search index, then one BatchGetItem for what
the page shows; and a read-only view of one filing and its history."""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from chalicelib.core.errors import Forbidden, NotFound
from chalicelib.core.privacy import mask, mask_name
from chalicelib.forms import FormSpec, get_form, shown_value
from chalicelib.staff import todo
from chalicelib.staff.access import StaffClaim
from chalicelib.store import search as index
from chalicelib.store.models import Filing, Task, bind_models
from chalicelib.store.search import find

PAGE_SIZE = 20
MAX_QUERY = 100
SLIP = re.compile(r"^\d{8}-[0-9A-Z]{5}$")
MOBILE = re.compile(r"^(?:\+?86)?1[3-9]\d{9}$")


class Hit(NamedTuple):
    filing_id: str
    slip_no: str
    form_title: str
    form_title_en: str
    applicant: str  # masked where it names a person and the role may not see it whole
    town: str
    status: str
    created_at: str


class Results(NamedTuple):
    kind: str  # slip | uscc | phone | id | name | "" (nothing to look for)
    hits: list[Hit]
    next_cursor: str | None


def kind_of(query: str) -> tuple[str, str]:
    """What the query is, and its index term: a slip number, a credit code, an ID
    number and a mobile by their shapes and check digits, else a name's beginning."""
    from stdnum.cn import ric, uscc  # deferred: only a search needs them

    text = re.sub(r"\s+", "", query).upper()
    if SLIP.match(text):
        return "slip", index.slip_term(text)
    if MOBILE.match(text):
        return "phone", index.phone_term(text)
    if len(text) == 18 and ric.is_valid(text):
        return "id", index.id_term(text)
    if len(text) == 18 and uscc.is_valid(text):
        return "uscc", index.uscc_term(text)
    return "name", ""


def search(claim: StaffClaim, query: str, cursor: str | None = None) -> Results:
    query = query.strip()[:MAX_QUERY]
    if not query:
        return Results("", [], None)
    kind, term = kind_of(query)
    bind_models()
    town = None if claim.sees_personal_data else claim.scope  # the district sees every town
    if kind == "name":
        term = index.name_term(claim.scope)
        found = find(term, PAGE_SIZE, todo.decode_cursor(cursor, term), prefix=query)
    else:
        found = find(term, PAGE_SIZE, todo.decode_cursor(cursor, term), town=town)
    ids = list(dict.fromkeys(e.filing_id for e in found.items))
    hits = [_hit(claim, f) for f in _filings(ids)]
    return Results(kind, hits, todo.encode_cursor(found.last_key, term))


SHOWN = ["filing_id", "slip_no", "applicant", "town", "form", "status", "created_at"]


def _filings(ids: list[str]) -> list[Filing]:
    if not ids:
        return []
    found = {f.filing_id: f for f in Filing.batch_get(ids, attributes_to_get=SHOWN)}
    return [found[i] for i in ids if i in found]


def _hit(claim: StaffClaim, filing: Filing) -> Hit:
    spec = get_form(filing.form)
    applicant = filing.applicant
    if spec.holder_is_person and not claim.sees_personal_data:
        applicant = mask_name(applicant)
    return Hit(
        filing.filing_id,
        filing.slip_no,
        spec.title,
        spec.title_en,
        applicant,
        filing.town,
        filing.status,
        filing.created_at.isoformat(),
    )


class FilingView(NamedTuple):
    spec: FormSpec
    filing: Filing
    rows: list[tuple[str, str]]  # label, value (masked as the role may see)
    history: list[dict[str, Any]]
    tasks: list[Task]
    titles: dict[str, str]  # step id -> its title in the page's language


def view(claim: StaffClaim, filing_id: str, lang: str = "zh") -> FilingView:
    """One filing, read-only: NotFound, or Forbidden outside the claim's towns."""
    bind_models()
    try:
        filing = Filing.get(filing_id)
    except Filing.DoesNotExist:
        raise NotFound(filing_id) from None
    if not claim.covers(filing.town):
        raise Forbidden(f"{filing.town} is outside {claim.scope}")
    spec = get_form(filing.form)
    labels = spec.labels(lang)
    personal = set(spec.personal_fields)
    rows = []
    for name, value in filing.data.items():
        shown = shown_value(spec.model, name, value, lang) if value is not None else ""
        if name in personal and not claim.sees_personal_data and value:
            shown = str(mask(name, value))
        rows.append((labels.get(name, name), shown))
    titles = {s.id: s.title_en if lang == "en" else s.title for s in spec.workflow.steps}
    history = list(filing.history or [])
    return FilingView(spec, filing, rows, history, list(Task.query(filing_id)), titles)
