"""Field types shared by the forms (their errors' wording: chalicelib/forms/messages.py).

Each type accepts what a browser or a JSON client actually sends (HTML forms send every
value as a string, Chinese input methods may type full-width digits) and stores one
normalised form. Errors carry a pydantic error `type`, which the error catalogue turns
into one short message per field.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import annotated_types
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    EmailStr,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    WrapValidator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from chalicelib.core.towns import is_town, town_names

# --- labels -------------------------------------------------------------------------------


def labelled(zh: str, en: str, description: str | None = None, **kwargs: Any) -> Any:
    """A pydantic Field with the Chinese label as its title and the English one beside it.

    The JSON Schema then carries both, and FormSpec.labels() reads them back.
    """
    return Field(title=zh, description=description, json_schema_extra={"title_en": en}, **kwargs)


def _require_ticked(schema: dict[str, Any]) -> None:
    # A checkbox that must be ticked defaults to False (so that an unticked, hence absent,
    # box reaches the must_accept rule), but to a client it is required and must be true.
    properties: dict[str, Any] = schema.get("properties", {})
    for name, prop in properties.items():
        if prop.get("const") is True:
            prop.pop("default", None)
            if name not in schema.setdefault("required", []):
                schema["required"].append(name)


class FormModel(BaseModel):
    """Base of every form's model: unknown keys are refused, stored data is read-only."""

    model_config = ConfigDict(extra="forbid", frozen=True, json_schema_extra=_require_ticked)


# --- text -------------------------------------------------------------------------------


def _text_errors(min_length: int, max_length: int) -> Any:
    def check(value: object, handler: ValidatorFunctionWrapHandler) -> str:
        try:
            return str(handler(value))
        except ValidationError as exc:
            kinds = {e["type"] for e in exc.errors()}
            if not kinds & {"string_too_short", "string_too_long"}:
                raise
            if isinstance(value, str) and not value.strip():
                raise PydanticCustomError("required", "This field is required") from None
            # pydantic names only the bound that was broken; the message gives both.
            ctx = {"min": min_length, "max": max_length}
            raise PydanticCustomError("text_length", "Wrong length", ctx) from None

    return WrapValidator(check)


# Control characters (C0, DEL, C1) break exports, logs and terminals; a newline or a
# tab is text only in a multi-line field. Bidirectional overrides and isolates reorder
# what a reader sees (a name shown reversed); surrogates cannot be encoded at all.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_LINE_BREAKS = re.compile(r"[\t\n\r]")
_BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")
# What shows nothing: format characters (zero-width space, joiners, BOM, ...) and
# the blank marks Python's strip() keeps (Hangul fillers, braille blank).
_INVISIBLE = frozenset("\u115f\u1160\u2800\u3164\uffa0")
# Told to schema readers: the characters refused, as a JSON Schema pattern.
_REFUSED = "\\u007f-\\u009f\\u202a-\\u202e\\u2066-\\u2069"
SAFE_TEXT = f"^[^\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f{_REFUSED}]*$"
SAFE_LINE = f"^[^\\u0000-\\u001f{_REFUSED}]*$"


def clean_text(value: object, multiline: bool = False) -> object:
    """Text as stored: NFC, with no control character (newline, tab and carriage return
    only where `multiline`), no bidirectional control, not only invisible characters.
    Non-text is passed on for the type's own error."""
    if not isinstance(value, str):
        return value
    if _SURROGATE.search(value):
        raise PydanticCustomError("text_control", "Control characters")
    text = unicodedata.normalize("NFC", value).strip()
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    elif _LINE_BREAKS.search(text):
        raise PydanticCustomError("text_line_break", "Line breaks or tabs")
    if _CONTROL.search(text):
        raise PydanticCustomError("text_control", "Control characters")
    if _BIDI.search(text):
        raise PydanticCustomError("text_bidi", "Bidirectional controls")
    if text and all(_invisible(c) for c in text):
        raise PydanticCustomError("text_invisible", "Only invisible characters")
    return text


def _invisible(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) == "Cf"


# Where format characters live (Unicode's planes 0, 1 and 14): scanned once, not all 17.
_FORMAT_PLANES = (range(0x0, 0x20000), range(0xE0000, 0xE1000))


@functools.cache
def invisible_class(stripped: bool = False) -> str:
    """A regex character class of what `_invisible` holds (whitespace too, unless
    `stripped`: what str.strip() leaves), in ranges; for the schemas' "only invisible"."""
    points = [
        c
        for plane in _FORMAT_PLANES
        for c in plane
        if not 0xD800 <= c <= 0xDFFF and _invisible(chr(c)) and not (stripped and chr(c).isspace())
    ]
    ranges: list[list[int]] = []
    for c in points:
        if ranges and ranges[-1][1] == c - 1:
            ranges[-1][1] = c
        else:
            ranges.append([c, c])

    def one(c: int) -> str:  # astral characters as themselves: \u escapes stop at FFFF
        return f"\\u{c:04x}" if c <= 0xFFFF else chr(c)

    return "[" + "".join(one(a) if a == b else f"{one(a)}-{one(b)}" for a, b in ranges) + "]"


def only_invisible(required: bool) -> str:
    """A pattern matching what `clean_text` refuses as "only invisible characters" (or,
    for a required text, leaves empty); a schema says `not` it."""
    if required:
        return f"^{invisible_class()}*$"
    return f"^{invisible_class()}*{invisible_class(stripped=True)}{invisible_class()}*$"


def stripped_length(minimum: int, maximum: int) -> str:
    """A pattern: the text, once stripped of surrounding whitespace (as stored), is
    minimum..maximum characters long; minLength and maxLength count what was sent."""
    kinds = [""] if minimum <= 0 else []
    kinds += ["\\S"] if minimum <= 1 <= maximum else []
    if maximum >= 2:
        kinds.append(f"\\S[\\s\\S]{{{max(minimum - 2, 0)},{maximum - 2}}}\\S")
    return "^\\s*(?:" + "|".join(kinds) + ")\\s*$"


@dataclass(frozen=True)
class _SafeTextSchema:
    multiline: bool
    minimum: int
    maximum: int

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["pattern"] = SAFE_TEXT if self.multiline else SAFE_LINE
        json_schema["allOf"] = [{"pattern": stripped_length(self.minimum, self.maximum)}]
        json_schema["not"] = {"pattern": only_invisible(required=True)}
        return json_schema


@dataclass(frozen=True)
class bounded_text:  # lower case: used like a function, Annotated[str, bounded_text(2, 100)]
    """Text stripped of surrounding whitespace, min_length..max_length characters long,
    clean (`clean_text`: newlines and tabs only when `multiline`).

    A blank value counts as missing; either bound broken gives one "2 to 100" message.
    """

    min_length: int
    max_length: int
    multiline: bool = False

    # annotated-types "grouped metadata": pydantic expands it into the items below.
    __is_annotated_types_grouped_metadata__ = True

    def __iter__(self) -> Iterator[object]:
        yield StringConstraints(
            strip_whitespace=True, min_length=self.min_length, max_length=self.max_length
        )
        yield _text_errors(self.min_length, self.max_length)
        yield BeforeValidator(lambda value: clean_text(value, self.multiline))  # runs first
        yield _SafeTextSchema(self.multiline, self.min_length, self.max_length)


def _nfkc_str(value: object, error_type: str) -> str:
    # Full-width digits and letters (１３８…, ＭＡ…) come from Chinese input methods.
    if not isinstance(value, str):
        raise PydanticCustomError(error_type, "Invalid value")
    return unicodedata.normalize("NFKC", value).strip()


# --- identifiers ------------------------------------------------------------------------


def _uscc(value: object) -> str:
    text = _nfkc_str(value, "uscc_format")
    if not text:
        raise PydanticCustomError("required", "This field is required")
    try:
        return str(stdnum_uscc.validate(text))  # validate() returns the compact form
    except stdnum_errors.InvalidLength:
        raise PydanticCustomError("uscc_length", "Wrong length") from None
    except stdnum_errors.InvalidChecksum:
        raise PydanticCustomError("uscc_checksum", "Wrong check digit") from None
    except stdnum_errors.ValidationError:
        raise PydanticCustomError("uscc_format", "Invalid characters") from None


# Before, so that a non-string gets the code's own message rather than a generic one.
# The schema says what it can (the stored form) and names the rest: a check digit is the
# `uscc` format's (test clients register a generator for it).
Uscc = Annotated[
    str,
    BeforeValidator(_uscc),
    WithJsonSchema(
        {"type": "string", "pattern": "^[0-9]{8}[0-9A-HJ-NPQRTUWXY]{10}$", "format": "uscc"}
    ),
]
"""统一社会信用代码: 18 characters with a valid check digit; stored compact and upper-case."""

_MOBILE = re.compile(r"(?:\+?86)?(1[3-9][0-9]{9})", re.ASCII)


def _mobile_phone(value: object) -> str:
    # A JSON client may send the number as a number; a boolean is no phone number.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = _nfkc_str(value, "mobile_phone")
    if not text:
        raise PydanticCustomError("required", "This field is required")
    match = _MOBILE.fullmatch(re.sub(r"[\s-]", "", text))
    if match is None:
        raise PydanticCustomError("mobile_phone", "Not a mainland mobile number")
    return match.group(1)


# Before, not after: the number may arrive as a JSON number, which str would refuse.
# The pattern describes the stored form to schema readers.
MobilePhone = Annotated[
    str,
    Field(pattern=r"^1[3-9][0-9]{9}$", examples=["13812345678"]),
    BeforeValidator(_mobile_phone),
]
"""Mainland mobile number; "+86 138-1234-5678" is stored as "13812345678"."""


@dataclass(frozen=True)
class _TownEnum:
    # The enum is read from the CSV when a schema is asked for, not when the model is built.
    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        json_schema = handler(schema)
        json_schema["enum"] = list(town_names())
        return json_schema


def _town(value: str) -> str:
    if not is_town(value):
        raise PydanticCustomError("town", "Not a town of Wucheng district")
    return value


TownName = Annotated[
    str, StringConstraints(strip_whitespace=True), AfterValidator(_town), _TownEnum()
]
"""One of Wucheng district's towns, townships or subdistricts, by its Chinese name."""


def _blank_to_none(value: object) -> object:
    # An HTML form sends an empty input as "", which means "no email" as much as null does.
    if isinstance(value, str):
        return value.strip() or None
    return value


def _email_errors(value: object, handler: ValidatorFunctionWrapHandler) -> str:
    try:
        return str(handler(value))
    except ValidationError:
        # email-validator's reasons are English prose; one message says enough.
        raise PydanticCustomError("email", "Not a valid email address") from None


@dataclass(frozen=True)
class _ReservedDomains:
    # email-validator refuses addresses at special-use domains (example.test, x.local,
    # ...), which JSON Schema's "email" takes: the schema says so, from the same list.
    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        from email_validator import SPECIAL_USE_DOMAIN_NAMES  # with pydantic's EmailStr

        json_schema = handler(schema)
        names = "|".join(
            "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else re.escape(c) for c in name)
            for name in SPECIAL_USE_DOMAIN_NAMES
        )
        json_schema["not"] = {"pattern": f"@(?:.*\\.)?(?:{names})\\.?$"}
        return json_schema


OptionalEmail = Annotated[
    Annotated[EmailStr, WrapValidator(_email_errors), _ReservedDomains()] | None,
    BeforeValidator(_blank_to_none),
]
"""An email address, or None when absent, null or blank. Give the field a default of None."""


# --- numbers, dates, booleans -----------------------------------------------------------

_INTEGER = re.compile(r"[+-]?[0-9]{1,15}", re.ASCII)  # bounded: int() of huge strings is slow


def _whole_number(value: object) -> object:
    # Refuse what lax pydantic would coerce: True is not 1, and 12.5 is not a head count.
    # 12.0 is: JSON has one kind of number, and JSON Schema's "integer" takes 12.0 as 12.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, bool | float):
        raise PydanticCustomError("integer", "Not a whole number")
    if isinstance(value, str):
        text = _nfkc_str(value, "integer")
        if not text:
            raise PydanticCustomError("required", "This field is required")
        if not _INTEGER.fullmatch(text):
            raise PydanticCustomError("integer", "Not a whole number")
        return int(text)
    return value


# Every count has a ceiling: a JSON integer has no size of its own (10**400 parses), and
# DynamoDB refuses numbers past 38 digits. A form narrows it per field (`le=` in
# `labelled`); this one keeps any sum of counts far inside a 64-bit integer.
MAX_COUNT = 1_000_000_000
MAX_EMPLOYEES = 100_000  # one employer's staff, needed or delivered: more is a typo
MAX_PASSENGERS = 5_000  # one charter bus or special train


@dataclass(frozen=True)
class whole_number:  # lower case: used like bounded_text, Annotated[int, whole_number(0, 10)]
    """A whole number minimum..maximum; an HTML form's "12" is accepted, 12.5 and true
    are not. Both bounds show in the schema ("minimum", "maximum")."""

    minimum: int
    maximum: int

    __is_annotated_types_grouped_metadata__ = True

    def __iter__(self) -> Iterator[object]:
        # The bounds come first so that they stay on the int schema.
        yield annotated_types.Ge(self.minimum)
        yield annotated_types.Le(self.maximum)
        yield BeforeValidator(_whole_number)


Count = Annotated[int, whole_number(0, MAX_COUNT)]
"""A whole number 0..MAX_COUNT."""

PositiveCount = Annotated[int, whole_number(1, MAX_COUNT)]
"""A whole number 1..MAX_COUNT."""

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def _iso_date(value: object) -> object:
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value.strip()):
        # pydantic alone would also take timestamps and datetimes; a form date is a day.
        raise PydanticCustomError("date_format", "Not YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise PydanticCustomError("date_invalid", "No such date") from None


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
"""A calendar date written YYYY-MM-DD."""

_TRUE = frozenset({"true", "on", "1"})
_FALSE = frozenset({"false", "0", ""})


def _form_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        text = value.strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
    raise PydanticCustomError("boolean", "Not true or false")


FormBool = Annotated[bool, BeforeValidator(_form_bool)]
"""JSON true/false, or a checkbox's "on"/"true"/"1" and "false"/"0"/"". Default it to False:
an unchecked checkbox is simply absent."""


def _must_accept(value: bool) -> bool:
    if not value:
        raise PydanticCustomError("must_accept", "The commitment must be ticked")
    return value


Ticked = Annotated[
    bool,
    BeforeValidator(_form_bool),
    AfterValidator(_must_accept),
    Field(json_schema_extra={"const": True}),
]
"""A checkbox that must be ticked (a commitment). Declare it with default=False and
validate_default=True, so that a missing box is told the commitment message."""


# --- people: identity numbers, filing ids, optional text ------------------------


_RIC = re.compile(r"[0-9]{17}[0-9X]", re.ASCII)
_EARLIEST_BIRTH = date(1900, 1, 1)


def _resident_id(value: object) -> str:
    # An ID without an X may come as a JSON number; a boolean is no ID.
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    text = re.sub(r"[\s-]", "", _nfkc_str(value, "id_format")).upper()  # x -> X
    if not text:
        raise PydanticCustomError("required", "This field is required")
    if len(text) != 18:
        raise PydanticCustomError("id_length", "Wrong length")
    if not _RIC.fullmatch(text):
        raise PydanticCustomError("id_format", "Invalid characters")
    # Not stdnum_ric.validate(): since python-stdnum 2.0 it also requires the region code
    # to have existed in the birth year, which refuses real numbers (Wucheng's own 330702
    # dates from 1985: everyone born there before then). The date is checked before the
    # check digit, so that a typo in it is pointed at rather than only the check digit.
    try:
        born = stdnum_ric.get_birth_date(text)
    except stdnum_errors.ValidationError:
        raise PydanticCustomError("id_birth_date", "No such birth date") from None
    if not _EARLIEST_BIRTH <= born <= date.today():
        raise PydanticCustomError("id_birth_date", "Implausible birth date")
    if text[-1] != stdnum_ric.calc_check_digit(text):  # it takes all 18, ignores the last
        raise PydanticCustomError("id_checksum", "Wrong check digit")
    return text


ResidentId = Annotated[
    str,
    Field(
        pattern=r"^[0-9]{17}[0-9X]$",
        examples=["330702199003071233"],
        json_schema_extra={"format": "cn-resident-id"},  # a real birth date, a check digit
    ),
    BeforeValidator(_resident_id),
]
"""居民身份证号码: 18 characters, a birth date that exists (1900 to today) and a valid check
digit; stored compact, with an upper-case X. Full-width digits, spaces and hyphens are
accepted."""

_FILING_ID = re.compile(r"[0-9a-f]{32}", re.ASCII)


def _filing_id(value: object) -> str:
    text = _nfkc_str(value, "filing_id").lower()
    if not text:
        raise PydanticCustomError("required", "This field is required")
    if not _FILING_ID.fullmatch(text):
        raise PydanticCustomError("filing_id", "Not a filing id")
    return text


FilingId = Annotated[str, Field(pattern=r"^[0-9a-f]{32}$"), BeforeValidator(_filing_id)]
"""Another filing's id: 32 lower-case hex characters. Only the format is checked here;
that it names a filing of the right form and status is a FormSpec reference's job."""


@dataclass(frozen=True)
class _OptionalTextSchema:
    # Built when a schema is asked for (the invisible characters are scanned then).
    text: dict[str, Any]

    def __get_pydantic_json_schema__(
        self, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        stripped = {"pattern": stripped_length(0, int(self.text["maxLength"]))}
        text = {**self.text, "allOf": [stripped], "not": {"pattern": only_invisible(False)}}
        return {"anyOf": [text, {"type": "null"}]}


@dataclass(frozen=True)
class optional_text:  # lower case: used like bounded_text, Annotated[str | None, ...]
    """Clean text (`clean_text`) of at most max_length characters once stripped, or None
    when absent or blank."""

    max_length: int
    multiline: bool = False

    __is_annotated_types_grouped_metadata__ = True

    def __iter__(self) -> Iterator[object]:
        yield BeforeValidator(self._check)
        pattern = SAFE_TEXT if self.multiline else SAFE_LINE
        text = {"type": "string", "maxLength": self.max_length, "pattern": pattern}
        yield _OptionalTextSchema(text)

    def _check(self, value: object) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            raise PydanticCustomError("text", "Not text")
        text = str(clean_text(value, self.multiline))
        if len(text) > self.max_length:
            raise PydanticCustomError("text_too_long", "Too long", {"max": self.max_length})
        return text or None


# --- money, uploads, choices made at decision time ---------------------------------------


_YUAN = re.compile(r"[0-9]{1,10}(?:\.[0-9]{1,2})?", re.ASCII)
MAX_YUAN = Decimal("1000000000")  # a billion yuan: more is a typo, not a subsidy


def _yuan(value: object) -> Decimal:
    # Money is never a float: a JSON number is read back from its shortest repr
    # (12345.67 -> "12345.67"), a form's text as written; both must have <= 2 decimals.
    if isinstance(value, bool):
        raise PydanticCustomError("yuan", "Not an amount")
    if isinstance(value, int | float | Decimal):
        value = str(value)
    text = _nfkc_str(value, "yuan").replace(",", "").replace("，", "")
    if not text:
        raise PydanticCustomError("required", "This field is required")
    if not _YUAN.fullmatch(text):
        raise PydanticCustomError("yuan", "Not an amount")
    amount = Decimal(text).quantize(Decimal("0.01"))
    if amount <= 0:
        raise PydanticCustomError("yuan_positive", "Not positive")
    if amount > MAX_YUAN:
        raise PydanticCustomError("yuan_too_large", "Too large")
    return amount


# The amounts `_yuan` takes, as the schema says them: more than 0, at most MAX_YUAN, at
# most two decimals (written without leading zeros, commas or full-width digits, which
# the server also reads).
YUAN_PATTERN = (
    r"^(?:[1-9][0-9]{0,8}(?:\.[0-9]{1,2})?|1000000000(?:\.00?)?|0\.(?:0[1-9]|[1-9][0-9]?))$"
)

Yuan = Annotated[
    Decimal,
    BeforeValidator(_yuan),
    PlainSerializer(lambda amount: f"{amount:.2f}", return_type=str),
    WithJsonSchema({"type": "string", "pattern": YUAN_PATTERN, "format": "yuan"}),
]
"""An amount in yuan, > 0 with at most two decimals: a Decimal, stored as the text
"12345.67" (never a float). `fen()` gives the exact integer number of fen."""


def fen(amount: object) -> int:
    """A stored amount ("12345.67", or a Decimal) as whole fen: 1234567."""
    return int(Decimal(str(amount)) * 100)


_UPLOAD_KEY = re.compile(r"uploads/[a-z0-9-]+/[a-z0-9_]+/[0-9a-f]{32}\.[a-z]{3,4}", re.ASCII)


def _upload_key(value: object) -> str:
    text = _nfkc_str(value, "upload_key")
    if not text:
        raise PydanticCustomError("required", "This field is required")
    if not _UPLOAD_KEY.fullmatch(text):
        raise PydanticCustomError("upload_key", "Not an upload key")
    return text


UploadKey = Annotated[
    str,
    BeforeValidator(_upload_key),
    WithJsonSchema({"type": "string", "format": "upload"}),
]
"""The key of a file uploaded with `POST /api/uploads`: only its form is checked here;
that the object exists under the form's and field's prefix is checked at submission."""


def _offered(value: str, info: ValidationInfo) -> str:
    # The options come from the directory at decision time, given as the context.
    context = info.context if isinstance(info.context, dict) else {}
    options = context.get("choices", {}).get(info.field_name, ())
    if value not in {key for key, _ in options}:
        raise PydanticCustomError("not_offered", "Not one of the options offered")
    return value


@dataclass(frozen=True)
class contact_choice:  # lower case: used like bounded_text, Annotated[str, contact_choice(...)]
    """A decision input naming a contact of the directory: one of `role`'s contacts in
    the scope named by the filing's `scope_field` (the town's resident instructors, say).
    The approver's page offers them; the value is the chosen contact's scope."""

    role: str
    scope_field: str

    __is_annotated_types_grouped_metadata__ = True

    def __iter__(self) -> Iterator[object]:
        yield AfterValidator(_offered)
        yield WithJsonSchema(
            {"type": "string", "x-contact-role": self.role, "x-scope-field": self.scope_field}
        )
