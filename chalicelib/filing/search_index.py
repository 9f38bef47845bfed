"""What the workbench's search finds a filing by: its slip number, its credit code, its
enterprise's name (under its town and the district, for a prefix), and the phone and ID
numbers of its people through keyed hashes (never in plain in a key). Written when its
snapshot lands (chalicelib/filing/advance.py, on_filed); a replay writes the same."""

from __future__ import annotations

import contextlib

from chalicelib.core import privacy
from chalicelib.core.errors import ValidationFailed
from chalicelib.forms import FormSpec
from chalicelib.settings import get_settings
from chalicelib.store import search
from chalicelib.store.models import Filing, SearchEntry
from chalicelib.store.search import id_term, name_term, phone_term, slip_term, uscc_term

NAME_FIELD = "enterprise_name"
USCC_FIELD = "uscc"
ID_FIELDS = ("id_number",)


def entries(spec: FormSpec, filing: Filing) -> list[SearchEntry]:
    data = filing.data
    fid, town = filing.filing_id, filing.town
    newest = f"{filing.created_at.isoformat()}#{fid}"
    expires = privacy.expiry(filing.created_at)
    terms = [slip_term(filing.slip_no)]
    if data.get(USCC_FIELD):
        terms.append(uscc_term(str(data[USCC_FIELD])))
    for name in spec.model.model_fields:
        value = data.get(name)
        if not value:
            continue
        if "phone" in name:
            with contextlib.suppress(ValidationFailed):  # a landline: not searched
                terms.append(phone_term(str(value)))
        elif name in ID_FIELDS:
            terms.append(id_term(str(value)))
    found = [search.entry(t, newest, fid, filing.form, town, expires) for t in dict.fromkeys(terms)]
    if spec.applicant_field == NAME_FIELD and data.get(NAME_FIELD):
        by_name = f"{str(data[NAME_FIELD]).strip()}#{fid}"
        for scope in (town, get_settings().district_scope):
            found.append(search.entry(name_term(scope), by_name, fid, filing.form, town, expires))
    return found


def index(spec: FormSpec, filing: Filing) -> None:
    search.put_all(entries(spec, filing))
