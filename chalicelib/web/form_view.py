"""How declared fields become a page's inputs: a form's fields from its JSON Schema, a
step's decision inputs from theirs (a contact to choose, an amount, a long text)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from chalicelib.core import divisions
from chalicelib.core.workflow import Workflow
from chalicelib.forms import code_labels, field_labels
from chalicelib.forms.spec import DERIVED, DIVISION

if TYPE_CHECKING:
    from chalicelib.filing.approve import Approval


def field_view(
    name: str,
    prop: dict[str, Any],
    label: str,
    required: bool,
    values: dict[str, str],
    errors: dict[str, str],
    lang: str = "zh",
) -> dict[str, Any]:
    prop = _resolve(prop)
    words = code_labels(prop, lang)  # a coded value's words (low: 低风险), else the value
    kind = prop.get("type", "string")
    if prop.get(DERIVED):
        widget = "derived"  # filled by the form itself: no input
    elif prop.get(DIVISION):
        widget = "division"  # a county: the province first, then its counties by city
    elif prop.get("format") == "upload":
        widget = "upload"  # a hidden key: the file goes up through the upload form
    elif "enum" in prop:
        widget = "select"
    elif kind == "boolean":
        widget = "checkbox"
    elif kind == "integer":
        widget = "number"
    elif prop.get("format") == "date":
        widget = "date"
    elif prop.get("format") == "email":
        widget = "email"
    elif "phone" in name:
        widget = "tel"
    else:
        widget = "text"
    return {
        "name": name,
        "label": label,
        "hint": prop.get("description", ""),
        "widget": widget,
        "options": [(option, words.get(option, option)) for option in prop.get("enum", [])],
        "required": (required or widget == "division") and widget != "checkbox",
        "value": values.get(name, ""),
        "checked": values.get(name, "") in ("on", "true", "1"),
        "error": errors.get(name),
        "min": prop.get("minimum"),
        "max": prop.get("maximum"),
        "maxlength": prop.get("maxLength"),
        "inputmode": "decimal" if prop.get("format") == "yuan" else None,
        "pledge": prop.get("x-pledge", []),  # a pledge's paragraphs, shown above its box
        **(
            division_choices(values.get(name, ""), values.get(PROVINCE, ""), lang)
            if prop.get(DIVISION)
            else {}
        ),
    }


PROVINCE = "_province"  # the province a division picker shows (the page's ?province=)


def division_choices(code: str, province: str, lang: str = "zh") -> dict[str, Any]:
    """A county picker without script: every province, and the counties of the one
    chosen (the page's ?province=, else the chosen county's) grouped by city."""
    chosen = province if divisions.is_province(province) else code[:2]
    groups = divisions.by_city(chosen) if divisions.is_province(chosen) else []
    return {
        "province": chosen if groups else "",
        "provinces": [
            (p.code, divisions.province_name(p.name, lang)) for p in divisions.provinces()
        ],
        "groups": [(city, [(c.code, c.name) for c in counties]) for city, counties in groups],
    }


def _resolve(prop: dict[str, Any]) -> dict[str, Any]:
    """Optional fields come as anyOf [X, null]: the page wants X."""
    for option in prop.get("anyOf", []):
        if option.get("type") != "null":
            return {**option, **{k: v for k, v in prop.items() if k != "anyOf"}}
    return prop


def input_fields(
    approval: Approval, posted: dict[str, str], errors: dict[str, str], lang: str
) -> list[dict[str, Any]]:
    """The step's decision inputs as the page's fields, from their declaration: a
    contact choice is a list of the contacts offered, a whole number a number, an
    amount a decimal text box, a long text a text area."""

    model = approval.step.inputs
    if model is None:
        return []
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    labels = field_labels(model, lang)
    fields = []
    for name, prop in schema.get("properties", {}).items():
        field = field_view(name, prop, labels[name], name in required, posted, errors, lang)
        if name in approval.choices:
            field["widget"] = "select"
            field["options"] = approval.choices[name]
        if prop.get("format") == "symptoms":  # ticked one by one (chalicelib/forms/checkin.py)
            field["widget"] = "checkboxes"
            field["options"] = list(code_labels(prop, lang).items())
            field["ticked"] = set(str(field["value"]).split(","))
        elif prop.get("format") in ("yuan", "celsius"):
            field["widget"] = "decimal"
        elif field["widget"] == "text" and (field["maxlength"] or 0) > 100:
            field["widget"] = "textarea"
        fields.append(field)
    return fields


def shown_in(workflow: Workflow, step_id: str, rows: Any, lang: str) -> list[list[str]]:
    """A decision's [label, text] rows, stored in the decider's words, with each input's
    label in the page's language (found by its field in the step's inputs)."""
    found = [list(row) for row in rows or []]
    step = next((s for s in workflow.steps if s.id == step_id), None)
    if lang != "en" or step is None or step.inputs is None:
        return found
    zh, en = field_labels(step.inputs, "zh"), field_labels(step.inputs, "en")
    words = {zh[name]: en[name] for name in zh}
    return [[words.get(label, label), text] for label, text in found]


def in_language(view: dict[str, Any], workflow: Workflow, lang: str) -> dict[str, Any]:
    """The applicant's view (chalicelib/filing/applicant.py) with its decisions' rows in
    the page's language."""
    steps = [
        {**step, "outputs": shown_in(workflow, step["id"], step["outputs"], lang)}
        for step in view["steps"]
    ]
    history = [
        {**entry, "shown": shown_in(workflow, entry["step"], entry.get("shown"), lang)}
        for entry in view["history"]
    ]
    return {**view, "steps": steps, "history": history}
