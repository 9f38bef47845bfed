"""Every rule of the enterprise-resumption form (企业复工备案), accepted and refused."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import uscc as stdnum_uscc

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.towns import town_names
from chalicelib.forms import get_form
from chalicelib.forms.enterprise_resumption import INDUSTRIES
from tests.support.form_rules import MISSING, REQUIRED, FormRules

FORM = get_form("enterprise-resumption")

# A USCC registered in Wucheng (region code 330702) with organisation code MA2D12345;
# its check digit is computed by stdnum, then pinned so a change in stdnum would show.
USCC_BODY = "91330702MA2D12345"
VALID_USCC = USCC_BODY + stdnum_uscc.calc_check_digit(USCC_BODY)
assert VALID_USCC == "91330702MA2D123451"
WRONG_CHECK_USCC = USCC_BODY + "2"


def valid_data() -> dict[str, Any]:
    """A filing that passes every rule, as an HTML form or a JSON client could send it."""
    return {
        "enterprise_name": "金华市婺城区某某机械有限公司",
        "uscc": VALID_USCC,
        "town": "罗店镇",
        "address": "罗店镇工业园区1号",
        "industry": "制造业",
        "above_scale": True,
        "contact_name": "张三",
        "contact_phone": "13812345678",
        "contact_email": "zhangsan@example.com",
        "employees_total": 120,
        "employees_returned": 80,
        "planned_start_date": "2020-02-10",
        "masks": 500,
        "disinfectant_kg": 20,
        "thermometers": 10,
        "commitment": True,
    }


FILING = FormRules("enterprise-resumption", valid_data(), starts_with={})


def test_the_baseline_filing_is_accepted() -> None:
    # GIVEN a filing that follows every rule
    # WHEN it is validated
    model = FILING.accepted()
    # THEN the model holds its values
    assert model.model_dump()["uscc"] == VALID_USCC
    assert model.model_dump()["planned_start_date"] == date(2020, 2, 10)


# --- enterprise_name: 2..100 characters, stripped --------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [("某厂", "某厂"), ("  某某公司  ", "某某公司"), ("企" * 100, "企" * 100)],
)
def test_enterprise_name_accepted(value: str, stored: str) -> None:
    # GIVEN a name of 2 to 100 characters once stripped
    # WHEN the filing is validated
    # THEN it is stored stripped
    assert FILING.accepted(enterprise_name=value).model_dump()["enterprise_name"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("某", "长度应为2至100个字符"),
        (" 某 ", "长度应为2至100个字符"),
        ("企" * 101, "长度应为2至100个字符"),
        ("   ", REQUIRED),
        ("", REQUIRED),
        (MISSING, REQUIRED),
        (12345, "请输入文字"),
    ],
)
def test_enterprise_name_refused(value: object, message: str) -> None:
    # GIVEN a name too short, too long, blank, absent or not text
    # WHEN the filing is validated
    # THEN the name is refused with its message
    assert FILING.refused(enterprise_name=value) == {"enterprise_name": message}


# --- uscc: check digit valid, stored compact --------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        VALID_USCC,
        VALID_USCC.lower(),
        "91330702 MA2D1234 51",
        "913307-02MA2D-123451",
        " 91330702MA2D123451 ",
        "91110000600037341L",  # stdnum's own documented example
    ],
)
def test_uscc_accepted_and_stored_compact(value: str) -> None:
    # GIVEN a valid code, perhaps lower-case or with spaces and hyphens
    # WHEN the filing is validated
    stored = FILING.accepted(uscc=value).model_dump()["uscc"]
    # THEN it is stored as 18 upper-case characters without separators
    assert stored == stdnum_uscc.compact(value)
    assert len(stored) == 18 and stored == stored.upper()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (WRONG_CHECK_USCC, "统一社会信用代码校验位不正确"),
        ("91330100MA2CFQ3E5B", "统一社会信用代码校验位不正确"),
        (USCC_BODY, "统一社会信用代码应为18位"),
        (VALID_USCC + "1", "统一社会信用代码应为18位"),
        ("A1330702MA2D123451", "统一社会信用代码含有无效字符"),  # letter in the region part
        ("91330702MA2DI23451", "统一社会信用代码含有无效字符"),  # I is not in the alphabet
        ("", REQUIRED),
        (MISSING, REQUIRED),
        (913307021, "统一社会信用代码含有无效字符"),
    ],
)
def test_uscc_refused(value: object, message: str) -> None:
    # GIVEN a code with a wrong check digit, length or character, or none
    # WHEN the filing is validated
    # THEN the code is refused with the matching message
    assert FILING.refused(uscc=value) == {"uscc": message}


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


@given(
    region=st.text("0123456789", min_size=8, max_size=8),
    org=st.text(_USCC_ALPHABET, min_size=9, max_size=9),
)
def test_any_code_with_its_own_check_digit_is_accepted_and_any_other_refused(
    region: str, org: str
) -> None:
    # GIVEN any well-formed 17-character body and its check digit
    body = region + org
    check = stdnum_uscc.calc_check_digit(body)
    # WHEN the filing is validated with the right check digit, then with another one
    # THEN the first is accepted as is, the second refused on its check digit
    assert FILING.accepted(uscc=body + check).model_dump()["uscc"] == body + check
    other = _USCC_ALPHABET[(_USCC_ALPHABET.index(check) + 1) % len(_USCC_ALPHABET)]
    assert FILING.refused(uscc=body + other) == {"uscc": "统一社会信用代码校验位不正确"}


# --- town: one of the district's ------------------------------------------------------------


@pytest.mark.parametrize("town", town_names())
def test_every_district_town_is_accepted(town: str) -> None:
    # GIVEN each of the 27 towns, townships and subdistricts
    # WHEN a filing names it
    # THEN it is accepted as is
    assert FILING.accepted(town=town).model_dump()["town"] == town


def test_town_is_stripped() -> None:
    # GIVEN a town name with stray spaces
    # THEN it is stored without them
    assert FILING.accepted(town=" 汤溪镇 ").model_dump()["town"] == "汤溪镇"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("婺城区", "请选择婺城区的镇（乡、街道）"),
        ("金东区", "请选择婺城区的镇（乡、街道）"),
        ("罗店", "请选择婺城区的镇（乡、街道）"),
        ("", "请选择婺城区的镇（乡、街道）"),
        (MISSING, REQUIRED),
    ],
)
def test_town_refused(value: object, message: str) -> None:
    # GIVEN a place that is not one of the district's towns, or none
    # WHEN the filing is validated
    # THEN the town is refused
    assert FILING.refused(town=value) == {"town": message}


# --- address: 1..200 ----------------------------------------------------------------------


@pytest.mark.parametrize("value", ["甲", "路" * 200])
def test_address_accepted(value: str) -> None:
    # GIVEN an address of 1 to 200 characters
    # THEN it is accepted
    assert FILING.accepted(address=value).model_dump()["address"] == value


@pytest.mark.parametrize(
    ("value", "message"),
    [("路" * 201, "长度应为1至200个字符"), ("  ", REQUIRED), (MISSING, REQUIRED)],
)
def test_address_refused(value: object, message: str) -> None:
    # GIVEN an address too long, blank or absent
    # THEN it is refused
    assert FILING.refused(address=value) == {"address": message}


# --- industry: one of the enum ------------------------------------------------------------


@pytest.mark.parametrize("value", INDUSTRIES)
def test_every_listed_industry_is_accepted(value: str) -> None:
    # GIVEN each listed industry
    # THEN it is accepted
    assert FILING.accepted(industry=value).model_dump()["industry"] == value


@pytest.mark.parametrize(
    ("value", "message"),
    [("制造", "请从列表中选择"), ("Manufacturing", "请从列表中选择"), (MISSING, REQUIRED)],
)
def test_industry_refused(value: object, message: str) -> None:
    # GIVEN an industry not on the list, or none
    # THEN it is refused
    assert FILING.refused(industry=value) == {"industry": message}


# --- above_scale and commitment: form booleans ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (True, True),
        (False, False),
        ("on", True),
        ("true", True),
        ("1", True),
        ("false", False),
        ("0", False),
        ("", False),
        (MISSING, False),  # an unchecked checkbox is simply absent
    ],
)
def test_above_scale_accepts_json_and_html_form_booleans(value: object, stored: bool) -> None:
    # GIVEN a JSON boolean, a checkbox's string, or no value at all
    # WHEN the filing is validated
    # THEN it is stored as the boolean it means
    assert FILING.accepted(above_scale=value).model_dump()["above_scale"] is stored


@pytest.mark.parametrize("value", ["maybe", "2", 2, None])
def test_above_scale_refuses_what_is_not_a_boolean(value: object) -> None:
    # GIVEN a value that is neither a JSON boolean nor a checkbox string
    # THEN it is refused
    assert FILING.refused(above_scale=value) == {"above_scale": "请选择是或否"}


@pytest.mark.parametrize("value", [True, "on", "true", "1"])
def test_commitment_ticked_is_accepted(value: object) -> None:
    # GIVEN the commitment ticked
    # THEN the filing is accepted with it true
    assert FILING.accepted(commitment=value).model_dump()["commitment"] is True


@pytest.mark.parametrize("value", [False, "false", "0", "", MISSING])
def test_commitment_unticked_is_refused(value: object) -> None:
    # GIVEN the commitment unticked: false, or absent as an unchecked checkbox is
    # THEN the filing is refused with the commitment message, not a generic "required"
    assert FILING.refused(commitment=value) == {"commitment": "须勾选承诺书"}


# --- contact_name: 1..50 -------------------------------------------------------------------


@pytest.mark.parametrize("value", ["李", "名" * 50])
def test_contact_name_accepted(value: str) -> None:
    assert FILING.accepted(contact_name=value).model_dump()["contact_name"] == value


@pytest.mark.parametrize(
    ("value", "message"),
    [("名" * 51, "长度应为1至50个字符"), ("", REQUIRED), (MISSING, REQUIRED)],
)
def test_contact_name_refused(value: object, message: str) -> None:
    assert FILING.refused(contact_name=value) == {"contact_name": message}


# --- contact_phone: mainland mobile, stored as 11 digits -------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "13812345678",
        "+8613812345678",
        "8613812345678",
        "+86 138 1234 5678",
        "138-1234-5678",
        " 138 1234 5678 ",
        "１３８１２３４５６７８",  # full-width digits from a Chinese input method
        13812345678,
    ],
)
def test_contact_phone_accepted_and_stored_as_eleven_digits(value: object) -> None:
    # GIVEN a mainland mobile number, with or without +86, spaces or hyphens
    # WHEN the filing is validated
    # THEN the 11 digits are stored
    assert FILING.accepted(contact_phone=value).model_dump()["contact_phone"] == "13812345678"


@pytest.mark.parametrize("prefix", ["13", "14", "15", "16", "17", "18", "19"])
def test_every_mobile_prefix_is_accepted(prefix: str) -> None:
    number = prefix + "912345678"
    assert FILING.accepted(contact_phone=number).model_dump()["contact_phone"] == number


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12812345678", "请输入11位手机号码"),  # 12x is not a mobile range
        ("1381234567", "请输入11位手机号码"),  # 10 digits
        ("138123456789", "请输入11位手机号码"),  # 12 digits
        ("0579-82123456", "请输入11位手机号码"),  # a Jinhua landline
        ("+85213812345678", "请输入11位手机号码"),  # not mainland
        ("1381234567x", "请输入11位手机号码"),
        ("", REQUIRED),
        (MISSING, REQUIRED),
    ],
)
def test_contact_phone_refused(value: object, message: str) -> None:
    # GIVEN something that is not a mainland mobile number, or nothing
    # THEN the phone is refused
    assert FILING.refused(contact_phone=value) == {"contact_phone": message}


# --- contact_email: optional -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("zhangsan@example.com", "zhangsan@example.com"),
        (" zhangsan@example.com ", "zhangsan@example.com"),
        (MISSING, None),
        (None, None),
        ("", None),
        ("   ", None),
    ],
)
def test_contact_email_is_optional(value: object, stored: str | None) -> None:
    # GIVEN an email, or absent, null or blank
    # WHEN the filing is validated
    # THEN the email, or None, is stored
    assert FILING.accepted(contact_email=value).model_dump()["contact_email"] == stored


@pytest.mark.parametrize("value", ["zhangsan", "zhangsan@", "@example.com", "a b@example.com", 5])
def test_contact_email_refused(value: object) -> None:
    # GIVEN something that is not an email address
    # THEN it is refused
    assert FILING.refused(contact_email=value) == {"contact_email": "请输入有效的电子邮箱"}


# --- head counts ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"), [(1, 1), ("12", 12), (" 300 ", 300), (5000, 5000), (12.0, 12)]
)
def test_employees_total_accepted(value: object, stored: int) -> None:
    # GIVEN a whole number of at least 1, as a number (12.0 is one: JSON Schema's
    # "integer" says so) or an HTML form's string
    # THEN it is stored as an int (returned kept at 0 so the cross rule does not interfere)
    model = FILING.accepted(employees_total=value, employees_returned=0)
    assert model.model_dump()["employees_total"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "不能小于1"),
        (-5, "不能小于1"),
        (True, "请输入整数"),
        ("12.5", "请输入整数"),
        (12.5, "请输入整数"),
        ("十二", "请输入整数"),
        ("", REQUIRED),
        (MISSING, REQUIRED),
    ],
)
def test_employees_total_refused(value: object, message: str) -> None:
    # GIVEN a total below 1, or not a whole number, or none
    # THEN it is refused, and the returned count is not blamed for it
    assert FILING.refused(employees_total=value) == {"employees_total": message}


@pytest.mark.parametrize("returned", [0, 60, 120, "120"])
def test_employees_returned_up_to_the_total_is_accepted(returned: object) -> None:
    # GIVEN a total of 120 and a returned count from 0 to 120
    # THEN it is accepted
    model = FILING.accepted(employees_total=120, employees_returned=returned)
    assert model.model_dump()["employees_returned"] == int(str(returned))


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (121, "返岗人数不能超过员工总数"),
        ("500", "返岗人数不能超过员工总数"),
        (-1, "不能为负数"),
        (False, "请输入整数"),
        (MISSING, REQUIRED),
    ],
)
def test_employees_returned_refused(returned: object, message: str) -> None:
    # GIVEN a total of 120 and a returned count above it, negative or not a number
    # THEN the returned count is refused, named on employees_returned
    assert FILING.refused(employees_total=120, employees_returned=returned) == {
        "employees_returned": message
    }


# --- planned_start_date: YYYY-MM-DD ---------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [("2020-02-10", date(2020, 2, 10)), ("2020-02-29", date(2020, 2, 29))],
)
def test_planned_start_date_accepted(value: str, stored: date) -> None:
    assert FILING.accepted(planned_start_date=value).model_dump()["planned_start_date"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020/02/10", "日期格式应为YYYY-MM-DD"),
        ("10-02-2020", "日期格式应为YYYY-MM-DD"),
        ("2020-2-10", "日期格式应为YYYY-MM-DD"),
        ("2020-02-10T08:00:00", "日期格式应为YYYY-MM-DD"),
        (1581292800, "日期格式应为YYYY-MM-DD"),  # a Unix timestamp is not a form date
        ("2020-02-30", "日期不存在"),
        ("2019-02-29", "日期不存在"),
        (MISSING, REQUIRED),
    ],
)
def test_planned_start_date_refused(value: object, message: str) -> None:
    assert FILING.refused(planned_start_date=value) == {"planned_start_date": message}


# --- supplies: whole numbers >= 0 --------------------------------------------------------------

SUPPLIES = ["masks", "disinfectant_kg", "thermometers"]


@pytest.mark.parametrize("field", SUPPLIES)
@pytest.mark.parametrize(("value", "stored"), [(0, 0), ("0", 0), (100, 100), ("１００", 100)])
def test_supplies_accepted(field: str, value: object, stored: int) -> None:
    # GIVEN a whole number of 0 or more
    # THEN it is stored as an int
    assert FILING.accepted(**{field: value}).model_dump()[field] == stored


@pytest.mark.parametrize("field", SUPPLIES)
@pytest.mark.parametrize(
    ("value", "message"),
    [
        (-1, "不能为负数"),
        ("-3", "不能为负数"),
        ("1.5", "请输入整数"),
        (1.5, "请输入整数"),
        (True, "请输入整数"),
        ("1e3", "请输入整数"),
        ("9" * 40, "请输入整数"),
        ("", REQUIRED),
        (MISSING, REQUIRED),
    ],
)
def test_supplies_refused(field: str, value: object, message: str) -> None:
    # GIVEN a negative number, a fraction, a boolean, or nothing
    # THEN the field is refused
    assert FILING.refused(**{field: value}) == {field: message}


# --- the filing as a whole -----------------------------------------------------------------


def test_every_bad_field_is_named_at_once() -> None:
    # GIVEN a filing with several fields wrong, including the cross-field rule
    # WHEN it is validated
    fields = FILING.refused(
        uscc=WRONG_CHECK_USCC,
        town="北京市",
        contact_phone="12345",
        employees_returned=999,
        masks=-1,
        commitment=MISSING,
    )
    # THEN every one is named with its own message, and no good field is
    assert fields == {
        "uscc": "统一社会信用代码校验位不正确",
        "town": "请选择婺城区的镇（乡、街道）",
        "contact_phone": "请输入11位手机号码",
        "employees_returned": "返岗人数不能超过员工总数",
        "masks": "不能为负数",
        "commitment": "须勾选承诺书",
    }


def test_an_empty_object_names_every_required_field() -> None:
    # GIVEN an empty JSON object
    # WHEN it is validated
    with pytest.raises(ValidationFailed) as caught:
        FORM.validate({})
    # THEN each required field is named as required, and the commitment with its own message
    expected = {name: REQUIRED for name in valid_data()} | {"commitment": "须勾选承诺书"}
    del expected["above_scale"], expected["contact_email"]
    assert caught.value.fields == expected


def test_an_unknown_extra_field_is_refused_by_its_key() -> None:
    # GIVEN a valid filing plus a field the form does not have
    # WHEN it is validated
    # THEN the extra key is named, and nothing else
    assert FILING.refused(status="approved") == {"status": "不接受此字段"}


@pytest.mark.parametrize("body", [[], ["uscc"], "uscc=1", 42, None, True])
def test_a_body_that_is_not_an_object_is_refused(body: object) -> None:
    # GIVEN a JSON body that is not an object
    # WHEN it is validated
    with pytest.raises(ValidationFailed) as caught:
        FORM.validate(body)
    # THEN the body itself is named
    assert caught.value.fields == {"_body": "请求内容应为JSON对象"}


def test_messages_are_english_under_lang_en() -> None:
    # GIVEN a filing with bad fields of several kinds, and a non-object body
    # WHEN they are validated with lang="en"
    fields = FILING.refused(
        "en",
        enterprise_name="某",
        uscc=WRONG_CHECK_USCC,
        town="北京市",
        contact_phone="12345",
        employees_returned=999,
        planned_start_date="2020/02/10",
        masks=-1,
        commitment=MISSING,
        address=MISSING,
        extra=1,
    )
    with pytest.raises(ValidationFailed) as caught:
        FORM.validate([], "en")
    # THEN the messages are English
    assert fields == {
        "enterprise_name": "Must be 2 to 100 characters long",
        "uscc": "The check digit of the unified social credit code is wrong",
        "town": "Choose a town, township or subdistrict of Wucheng district",
        "contact_phone": "Enter an 11-digit mainland mobile number",
        "employees_returned": "Employees returned cannot exceed total employees",
        "planned_start_date": "Enter the date as YYYY-MM-DD",
        "masks": "Must not be negative",
        "commitment": "You must tick the commitment",
        "address": "This field is required",
        "extra": "Unknown field",
    }
    assert caught.value.fields == {"_body": "The request body must be a JSON object"}


def test_the_stored_filing_is_normalised() -> None:
    # GIVEN a filing typed the way people type: spaces, separators, strings from a form
    raw = FILING.data(
        enterprise_name="  金华市婺城区某某机械有限公司\t",
        uscc="91330702-ma2d-12345-1",
        contact_phone="+86 138-1234-5678",
        contact_email="",
        contact_name=" 张三 ",
        employees_total="120",
        employees_returned="80",
        above_scale="on",
        commitment="on",
    )
    # WHEN it is validated and dumped for storage
    stored = FORM.validate(raw).model_dump(mode="json")
    # THEN it holds the canonical forms
    assert stored == valid_data() | {
        "enterprise_name": "金华市婺城区某某机械有限公司",
        "uscc": "91330702MA2D123451",
        "contact_phone": "13812345678",
        "contact_email": None,
        "contact_name": "张三",
    }


def test_the_validated_filing_is_read_only() -> None:
    # GIVEN a validated filing
    model = FILING.accepted()
    # WHEN a handler tries to change it
    # THEN it cannot: what was validated is what is stored
    with pytest.raises(ValueError):
        model.uscc = WRONG_CHECK_USCC  # type: ignore[attr-defined]
