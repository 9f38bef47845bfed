"""What a form declares: its model, its workflow, the filings it references, its uploads,
the figures it feeds and what it draws from a town's stock. Pure: the store reads and
writes what these declarations name (chalicelib/filing), nothing here touches AWS."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.i18n import translate
from chalicelib.core.workflow import Workflow

if TYPE_CHECKING:
    # pydantic (and, through the field types, stdnum and email-validator) loads with the
    # catalogue's first use, not with the app: a cold start that serves no form skips it.
    import pydantic
    from pydantic.fields import FieldInfo


class FilingView(Protocol):
    """What a form's figures read of a stored filing: its status, town, data and the
    outputs its deciders filled in (the store's Filing is one)."""

    filing_id: str
    status: str
    town: str
    data: Any

    def output(self, step: str, name: str) -> Any: ...


@dataclass(frozen=True)
class Reference:
    """A field that names another filing, which must be of `form` and in `status`
    (checked at submission, where the store can be read; the catalogue stays pure)."""

    form: str
    status: str
    message_zh: str
    message_en: str
    # this form's field -> the named filing's field that must hold the same value
    # (an order draws on its own town's stock: its town is the enterprise's).
    same: dict[str, str] = field(default_factory=dict, hash=False)
    same_zh: str = "须与所引用的申请一致"
    same_en: str = "Must match the filing it names"

    def message(self, lang: str) -> str:
        return self.message_en if lang == "en" else self.message_zh

    def same_message(self, lang: str) -> str:
        return self.same_en if lang == "en" else self.same_zh


@dataclass(frozen=True)
class Upload:
    """A field that names a file uploaded beforehand with a presigned S3 POST
    (`POST /api/uploads`): its content types and size limit, checked when the POST is
    signed and again (the object exists, under the field's prefix) at submission."""

    types: tuple[str, ...]
    max_bytes: int = 5 * 1024 * 1024


CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF = "application/pdf"


@dataclass(frozen=True)
class Figure:
    """A statistic a form feeds: while a filing is in one of `statuses` it adds
    `value(filing)` to the counter of its form, town and `name` (moved by atomic ADD in
    the transaction of every transition, as the filing counts are)."""

    name: str  # e.g. "amount_claimed" (yuan), "loss_avoided"
    statuses: frozenset[str]  # the value counts while the filing is in one of these
    value: Callable[[FilingView], int]  # from the stored filing (its data and decision outputs)
    # The town the value counts in: the filing's own (None), or another's (a worker at
    # work counts in the employer's town, beside its employees); a filing for which it
    # answers None is not counted.
    town: Callable[[FilingView], str | None] | None = field(default=None, hash=False)
    # Also counted per key within that town (a worker per employer's filing, an
    # enterprise's employees per its own): the figure's by-enterprise counter.
    per: Callable[[FilingView], str] | None = field(default=None, hash=False)


RISK_RULES = ("may_return", "charter_accepts")  # the rules a form's origin may be judged by

# On approval, what a filing draws from its town's stock: item -> quantity (pure).
Draws = Callable[[Mapping[str, Any]], Mapping[str, int]]


@dataclass(frozen=True)
class FormSpec:
    id: str
    title: str
    title_en: str
    model: type[pydantic.BaseModel]
    workflow: Workflow
    # At most one open (or approved) filing per value of this field, or of these fields
    # together (a composite key: one charter claim per enterprise, day and origin);
    # None: no rule.
    unique_field: str | tuple[str, ...] | None
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
    figures: tuple[Figure, ...] = ()  # the statistics this form's filings feed
    # Taken from the town's stock in the transaction that approves the filing, each on the
    # condition that enough is left (else the approval is refused); given back when an
    # approved filing is withdrawn or revoked. None: the form draws nothing.
    draws: Draws | None = field(default=None, hash=False)
    # field -> the upload it names (see Upload).
    uploads: dict[str, Upload] = field(default_factory=dict, hash=False)
    # What the model's own validators refuse beyond each field's type (a red health code,
    # too few passengers, a labour request without its figures), said for the published
    # schema (`json_schema`): keywords for a field under "properties" (merged into its
    # schema), whole-body keywords ("allOf", "anyOf") beside them; where JSON Schema cannot
    # say it, an x- extension (`x-at-most`: not above another field's value). Built when
    # asked (a limit may be a setting); declared beside the validator it describes.
    schema_rules: Callable[[], Mapping[str, Any]] | None = field(default=None, hash=False)
    # What a duplicate is told, naming the first filing: (Chinese, English).
    duplicate_message: tuple[str, str] = (
        "该企业已有一件办理中的备案，请勿重复提交",
        "This enterprise already has an open filing of this form",
    )
    # A county code (chalicelib/core/divisions.py) judged at submission by the risk map
    # in force (chalicelib/filing/eligibility.py); None: the form has no origin to judge.
    risk_origin: str | None = None
    # The map's rule that judges that origin (chalicelib/core/risk.py): "may_return" (the
    # worker comes back; the health code judged too) or "charter_accepts" (a charter's
    # subsidy).
    risk_rule: str = "may_return"

    def __post_init__(self) -> None:
        # A misspelt field name would otherwise surface as a KeyError in some handler,
        # long after deployment; fail when the catalogue loads instead.
        fields = self.model.model_fields
        named: list[str | None] = [*self.unique_fields, self.town_field, self.applicant_field]
        named += [self.applicant_email_field, self.applicant_phone_field, *self.personal_fields]
        named += [*self.references, *self.uploads, self.risk_origin]
        named += [s.route_field for s in self.workflow.steps]
        named += [s.due_from_field for s in self.workflow.steps]
        unknown = [name for name in named if name is not None and name not in fields]
        if unknown:
            raise ValueError(f"form {self.id}: no such fields {unknown}")
        untitled = set(self.workflow.documents) - set(self.documents)
        if untitled:
            raise ValueError(f"form {self.id}: documents without titles {sorted(untitled)}")
        if self.risk_rule not in RISK_RULES:
            raise ValueError(f"form {self.id}: no such risk rule {self.risk_rule}")
        names = [f.name for f in self.figures]
        if len(names) != len(set(names)):
            raise ValueError(f"form {self.id}: figure names repeat {names}")

    @property
    def unique_fields(self) -> tuple[str, ...]:
        if self.unique_field is None:
            return ()
        if isinstance(self.unique_field, str):
            return (self.unique_field,)
        return self.unique_field

    def unique_value(self, data: dict[str, Any]) -> str | None:
        """The value whose claim makes the filing unique: one field's value as it is
        (so enterprise filings keep their claims), several joined with "#"."""
        if not self.unique_fields:
            return None
        return "#".join(str(data[name]) for name in self.unique_fields)

    def validate(self, data: object, lang: str = "zh") -> pydantic.BaseModel:
        """The filing's data as the model, or ValidationFailed naming every bad field."""
        import pydantic

        from chalicelib.forms.messages import body_message, messages  # with pydantic

        if not isinstance(data, dict):
            raise ValidationFailed(body_message(lang))
        try:
            return self.model.model_validate(data)
        except pydantic.ValidationError as exc:
            raise ValidationFailed(messages(exc, lang)) from None

    def json_schema(self) -> dict[str, Any]:
        """The model's JSON Schema, with what the schema can say of its rules
        (`schema_rules`) and what it can only name: a reference to another filing
        (`x-reference`: its form, status, and the fields that must agree), an upload
        (`x-upload`: its form, field, types and size) and the fields of which one open
        filing may hold a value (`x-unique`). Built per call, so callers may change
        their copy."""
        schema = self.model.model_json_schema()
        properties: dict[str, Any] = schema["properties"]
        for name, ref in self.references.items():
            properties[name]["x-reference"] = {
                "form": ref.form,
                "status": ref.status,
                "same": dict(ref.same),
            }
        for name, upload in self.uploads.items():
            properties[name]["x-upload"] = {
                "form": self.id,
                "field": name,
                "types": list(upload.types),
                "max_bytes": upload.max_bytes,
            }
        rules = dict(self.schema_rules() if self.schema_rules else {})
        for name, keywords in dict(rules.pop("properties", {})).items():
            for keyword, value in keywords.items():
                if keyword in properties[name]:  # the type's own says something too: both
                    properties[name].setdefault("allOf", []).append({keyword: value})
                else:
                    properties[name][keyword] = value
        schema.update(rules)  # whole-body keywords: pydantic writes none of its own here
        if self.unique_fields:  # a state rule: one open filing per value (else 409)
            schema["x-unique"] = list(self.unique_fields)
        return schema

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Field name -> its label, for pages and documents."""
        return field_labels(self.model, lang)


def field_labels(model: type[pydantic.BaseModel], lang: str = "zh") -> dict[str, str]:
    """Field name -> its label, of a form's model or of a step's decision inputs."""
    return {name: _label(name, info, lang) for name, info in model.model_fields.items()}


def _label(name: str, info: FieldInfo, lang: str) -> str:
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if lang == "en" and isinstance(extra.get("title_en"), str):
        return str(extra["title_en"])
    return info.title or name


# --- coded values -------------------------------------------------------------------------
# A field whose stored values are codes (origin_risk low/medium/high, CONTRACT.md) names the
# words people read for each in its JSON Schema, `x-labels` (Chinese, marked with N_; the
# English is the catalogue's): form selects, approvers' pages and the status page show them.

CODE_LABELS = "x-labels"


def with_code_labels(field_info: Any, labels: Mapping[str, str]) -> Any:
    """A field (from `labelled`) whose values are shown through `labels` (code -> Chinese)."""
    extra = field_info.json_schema_extra
    if not isinstance(extra, dict):
        extra = field_info.json_schema_extra = {}
    extra[CODE_LABELS] = dict(labels)
    return field_info


def same_words(*words: str) -> dict[str, str]:
    """Choices stored in Chinese, each its own label: `words` are marked with N_ so that
    the English pages show them translated (the stored value stays the Chinese)."""
    return {word: word for word in words}


DERIVED = "x-derived"  # a field the form fills itself (from another): no input on a page
DIVISION = "x-division"  # a county code, picked on a page by province, then county


def derived(field_info: Any) -> Any:
    extra = field_info.json_schema_extra
    if not isinstance(extra, dict):
        extra = field_info.json_schema_extra = {}
    extra[DERIVED] = True
    return field_info


def with_division_picker(field_info: Any) -> Any:
    extra = field_info.json_schema_extra
    if not isinstance(extra, dict):
        extra = field_info.json_schema_extra = {}
    extra[DIVISION] = True
    return field_info


PLEDGE = "x-pledge"


def with_pledge(field_info: Any, pledge: tuple[str, ...]) -> Any:
    """A box to tick that stands for a pledge: its paragraphs (Chinese, marked with N_),
    shown above the box so that the applicant reads what they promise."""
    extra = field_info.json_schema_extra
    if not isinstance(extra, dict):
        extra = field_info.json_schema_extra = {}
    extra[PLEDGE] = list(pledge)
    return field_info


def code_labels(prop: Mapping[str, Any], lang: str = "zh") -> dict[str, str]:
    """A schema property's code -> the words for it in the language (empty: no codes)."""
    labels = prop.get(CODE_LABELS) or {}
    return {code: translate(lang, text) for code, text in labels.items()}


def code_word(model: type[pydantic.BaseModel], name: str, value: object, lang: str) -> object:
    """A coded value's words in the language (low: 低风险); any other value as it is."""
    info = model.model_fields.get(name)
    extra = info.json_schema_extra if info is not None else None
    labels = extra.get(CODE_LABELS) if isinstance(extra, dict) else None
    text = labels.get(str(value)) if isinstance(labels, dict) and value is not None else None
    return translate(lang, str(text)) if text else value


def shown_value(model: type[pydantic.BaseModel], name: str, value: object, lang: str) -> str:
    """A stored value as a person reads it: a code as its words, yes/no, the rest as text."""
    if value is True:
        return translate(lang, "是")
    if value is False:
        return translate(lang, "否")
    if value is None:
        return ""
    return str(code_word(model, name, value, lang))
