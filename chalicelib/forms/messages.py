"""The error catalogue: one short message per field, in Chinese or English, from the
pydantic error `type` (never pydantic's own text, which is English and changes between
versions). A form's own rule states its wording beside the rule (`rule_error`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from pydantic_core import PydanticCustomError

BODY = "_body"  # the key naming the request body itself rather than one field

# error type -> (Chinese, English); templates are filled from the error's ctx.
_MESSAGES: dict[str, tuple[str, str]] = {
    "required": ("请填写此项", "This field is required"),
    "text": ("请输入文字", "Enter text"),
    "text_control": ("不能含有控制字符", "Must not contain control characters"),
    "text_line_break": ("此项不能换行或含制表符", "Must be one line, without tabs"),
    "text_bidi": ("不能含有文字方向控制字符", "Must not contain text-direction controls"),
    "text_invisible": ("不能只含不可见字符", "Must not be only invisible characters"),
    "text_length": ("长度应为{min}至{max}个字符", "Must be {min} to {max} characters long"),
    "uscc_length": ("统一社会信用代码应为18位", "The unified social credit code has 18 characters"),
    "uscc_format": (
        "统一社会信用代码含有无效字符",
        "The unified social credit code contains invalid characters",
    ),
    "uscc_checksum": (
        "统一社会信用代码校验位不正确",
        "The check digit of the unified social credit code is wrong",
    ),
    "town": (
        "请选择婺城区的镇（乡、街道）",
        "Choose a town, township or subdistrict of Wucheng district",
    ),
    "choice": ("请从列表中选择", "Choose one of the listed options"),
    "mobile_phone": ("请输入11位手机号码", "Enter an 11-digit mainland mobile number"),
    "email": ("请输入有效的电子邮箱", "Enter a valid email address"),
    "integer": ("请输入整数", "Enter a whole number"),
    "non_negative": ("不能为负数", "Must not be negative"),
    "at_least": ("不能小于{ge}", "Must be at least {ge}"),
    "at_most": ("不能大于{le}", "Must be at most {le}"),
    "date_format": ("日期格式应为YYYY-MM-DD", "Enter the date as YYYY-MM-DD"),
    "date_invalid": ("日期不存在", "This date does not exist"),
    "boolean": ("请选择是或否", "Choose yes or no"),
    "must_accept": ("须勾选承诺书", "You must tick the commitment"),
    "extra_forbidden": ("不接受此字段", "Unknown field"),
    "body": ("请求内容应为JSON对象", "The request body must be a JSON object"),
    "invalid": ("输入无效", "Invalid value"),
    "id_length": ("居民身份证号码应为18位", "The resident identity number has 18 characters"),
    "id_format": (
        "居民身份证号码应为17位数字加1位数字或X",
        "The resident identity number is 17 digits and a digit or X",
    ),
    "id_birth_date": (
        "居民身份证号码中的出生日期不正确",
        "The birth date in the resident identity number is wrong",
    ),
    "id_checksum": (
        "居民身份证号码校验位不正确",
        "The check digit of the resident identity number is wrong",
    ),
    "filing_id": (
        "请填写企业复工备案的编号",
        "Enter the id of the enterprise's work-resumption filing",
    ),
    "text_too_long": ("长度不能超过{max}个字符", "Must be at most {max} characters long"),
    "yuan": (
        "请输入金额（元），最多两位小数",
        "Enter an amount in yuan with at most two decimals",
    ),
    "yuan_positive": ("金额应大于0", "The amount must be more than 0"),
    "yuan_too_large": ("金额过大", "The amount is too large"),
    "upload_key": (
        "请先上传文件，再提交",
        "Upload the file first, then submit",
    ),
    "not_offered": ("请从列出的选项中选择", "Choose one of the options offered"),
}

# pydantic's own error types that mean the same thing as one of ours.
_ALIASES: dict[str, str] = {
    "missing": "required",
    "string_type": "text",
    "int_type": "integer",
    "int_parsing": "integer",
    "int_from_float": "integer",
    "bool_type": "boolean",
    "bool_parsing": "boolean",
    "literal_error": "choice",
    "enum": "choice",
    "date_type": "date_format",
    "date_parsing": "date_format",
    "model_type": "body",
    "model_attributes_type": "body",
    "dict_type": "body",
    "less_than_equal": "at_most",
}


def rule_error(error_type: str, zh: str, en: str) -> PydanticCustomError:
    """An error for a form's own rule (a cross-field check, say), carrying its messages.

    Lets a form module state its rule's wording next to the rule, without adding it to
    this shared table.
    """
    return PydanticCustomError(error_type, en, {"message_zh": zh, "message_en": en})


def message(error_type: str, ctx: Mapping[str, Any] | None, lang: str = "zh") -> str:
    """One message for one pydantic error, Chinese unless lang is "en"."""
    ctx = ctx or {}
    english = lang == "en"
    if "message_zh" in ctx:  # a rule_error()
        return str(ctx["message_en"] if english else ctx["message_zh"])
    key = _ALIASES.get(error_type, error_type)
    if key == "greater_than_equal":
        key = "non_negative" if ctx.get("ge") == 0 else "at_least"
    zh, en = _MESSAGES.get(key, _MESSAGES["invalid"])
    return (en if english else zh).format_map(ctx)


def messages(error: ValidationError, lang: str = "zh") -> dict[str, str]:
    """Field name -> its first message; every field that failed is named."""
    found: dict[str, str] = {}
    for err in error.errors(include_url=False):
        # loc[0] is the field (or an unknown key); deeper parts are pydantic's internals.
        field = str(err["loc"][0]) if err["loc"] else BODY
        found.setdefault(field, message(err["type"], err.get("ctx"), lang))
    return found


def body_message(lang: str = "zh") -> dict[str, str]:
    return {BODY: message("body", None, lang)}
