"""The form catalogue: what each form asks for, its rules, and the workflow a filing follows.

Each form is one module in this package declaring its model, its workflow and a FormSpec
named SPEC; `_catalogue()` lists the modules. Adding a form is adding a module and a line.
Pure Python: routes and handlers look forms up here, nothing here touches AWS.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any

from chalicelib.errors import UnknownForm, ValidationFailed
from chalicelib.workflow import Workflow

if TYPE_CHECKING:
    # pydantic (and, through the field types, stdnum and email-validator) loads with the
    # catalogue's first use, not with the app: a cold start that serves no form skips it.
    import pydantic
    from pydantic.fields import FieldInfo


@dataclass(frozen=True)
class Reference:
    """A field that names another filing, which must be of `form` and in `status`
    (checked at submission, where the store can be read; the catalogue stays pure)."""

    form: str
    status: str
    message_zh: str
    message_en: str

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh


@dataclass(frozen=True)
class FormSpec:
    id: str
    title: str
    title_en: str
    model: type[pydantic.BaseModel]
    workflow: Workflow
    unique_field: str | None  # at most one open filing per value of this field; None: no rule
    town_field: str  # names the filing's town, for routing and statistics
    applicant_field: str  # names the applicant, shown on slips
    applicant_email_field: str | None
    applicant_phone_field: str | None
    personal_fields: tuple[str, ...]  # masked outside the deciding approver's view
    # kind -> (Chinese title, English title); hash=False keeps the spec hashable.
    documents: dict[str, tuple[str, str]] = field(hash=False)
    # field -> the filing it must name; e.g. a worker's employer_filing_id.
    references: dict[str, Reference] = field(default_factory=dict, hash=False)
    holder_is_person: bool = False  # the applicant is a person: masked on documents and pages

    def __post_init__(self) -> None:
        # A misspelt field name would otherwise surface as a KeyError in some handler,
        # long after deployment; fail when the catalogue loads instead.
        fields = self.model.model_fields
        named = [self.unique_field, self.town_field, self.applicant_field]
        named += [self.applicant_email_field, self.applicant_phone_field, *self.personal_fields]
        named += [*self.references]
        named += [s.route_field for s in self.workflow.steps]
        named += [s.due_from_field for s in self.workflow.steps]
        unknown = [name for name in named if name is not None and name not in fields]
        if unknown:
            raise ValueError(f"form {self.id}: no such fields {unknown}")
        untitled = set(self.workflow.documents) - set(self.documents)
        if untitled:
            raise ValueError(f"form {self.id}: documents without titles {sorted(untitled)}")

    def validate(self, data: object, lang: str = "zh") -> pydantic.BaseModel:
        """The filing's data as the model, or ValidationFailed naming every bad field."""
        import pydantic

        from chalicelib.forms.fields import body_message, messages

        if not isinstance(data, dict):
            raise ValidationFailed(body_message(lang))
        try:
            return self.model.model_validate(data)
        except pydantic.ValidationError as exc:
            raise ValidationFailed(messages(exc, lang)) from None

    def json_schema(self) -> dict[str, Any]:
        """The model's JSON Schema; built per call, so callers may change their copy."""
        return self.model.model_json_schema()

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Field name -> its label, for pages and documents."""
        return {name: _label(name, info, lang) for name, info in self.model.model_fields.items()}


def _label(name: str, info: FieldInfo, lang: str) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if lang == "en" and isinstance(extra.get("title_en"), str):
        return str(extra["title_en"])
    return info.title or name


@cache
def _catalogue() -> dict[str, FormSpec]:
    # Imported here rather than at the top: the form modules import FormSpec from this
    # module, and a cold start that serves no form need not build their models.
    from chalicelib.forms import enterprise_resumption, worker_return

    specs = (
        enterprise_resumption.SPEC,
        worker_return.SPEC,
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
