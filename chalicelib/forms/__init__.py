"""The form catalogue: what each form asks for, its rules, and the workflow a filing follows.

Each form is one module in this package declaring its model, its workflow and a FormSpec
named SPEC (chalicelib/forms/spec.py); `_catalogue()` lists the modules. Adding a form is
adding a module and a line. Pure Python: nothing here touches AWS or imports the store.
"""

from __future__ import annotations

from functools import cache

from chalicelib.core.errors import UnknownForm
from chalicelib.forms.spec import (
    CSV,
    PDF,
    XLSX,
    Draws,
    Figure,
    FilingView,
    FormSpec,
    Reference,
    Upload,
    code_labels,
    code_word,
    field_labels,
    shown_value,
    with_code_labels,
)

__all__ = [
    "CSV",
    "PDF",
    "XLSX",
    "Draws",
    "Figure",
    "FilingView",
    "FormSpec",
    "Reference",
    "Upload",
    "all_forms",
    "code_labels",
    "code_word",
    "field_labels",
    "get_form",
    "shown_value",
    "with_code_labels",
]


@cache
def _catalogue() -> dict[str, FormSpec]:
    # Imported on first use, not at the top: building the forms' models loads pydantic,
    # stdnum and email-validator, which a cold start that serves no form need not pay.
    from chalicelib.forms import (
        charter_subsidy,
        enterprise_resumption,
        service_request,
        supplies_order,
        support_subsidy,
        worker_return,
    )

    specs = (
        enterprise_resumption.SPEC,
        worker_return.SPEC,
        charter_subsidy.SPEC,
        support_subsidy.SPEC,
        service_request.SPEC,
        supplies_order.SPEC,
    )  # one line per form
    catalogue = {spec.id: spec for spec in specs}
    if len(catalogue) != len(specs):
        raise ValueError(f"form ids repeat: {[spec.id for spec in specs]}")
    return catalogue


def get_form(form_id: str) -> FormSpec:
    try:
        return _catalogue()[form_id]
    except KeyError:
        raise UnknownForm(form_id) from None


def all_forms() -> tuple[FormSpec, ...]:
    return tuple(_catalogue().values())
