"""Every rule of the worker-return form (人员返婺登记), accepted and refused; its spec and
workflow; and the masking helpers its documents use."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.cn import ric

from chalicelib.core.errors import ValidationFailed
from chalicelib.core.privacy import mask_id, mask_name, mask_phone
from chalicelib.core.towns import town_names
from chalicelib.core.workflow import FlowState, IssueDocuments, OpenStep, decide, start
from chalicelib.forms import Reference, all_forms, get_form, types
from chalicelib.forms.worker_return import HEALTH_CODES, ORIGIN_RISKS, TRAVEL_MODES
from tests.support.form_rules import MISSING, REQUIRED, FormRules

FORM = get_form("worker-return")


def with_check_digit(body: str) -> str:
    """body (17 digits) and its check digit. stdnum's calc_check_digit takes all 18
    characters and ignores the last, hence the placeholder "0"."""
    return body + ric.calc_check_digit(body + "0")


# A Wucheng (330702) resident born 1990-03-07, serial 123; the check digit is computed by
# stdnum, then pinned so that a change in stdnum would show.
ID_BODY = "33070219900307123"
VALID_ID = with_check_digit(ID_BODY)
assert VALID_ID == "330702199003071233"
assert ric.is_valid(VALID_ID)
WRONG_CHECK_ID = ID_BODY + "4"
X_ID = with_check_digit("33070219900307109")  # one whose check digit is X
assert X_ID == "33070219900307109X"
OLD_WUCHENG_ID = with_check_digit("33070219701231001")  # born before 330702 existed
MONTH_13_ID = with_check_digit("33070219901307123")  # check digit right, date wrong
FEB_30_ID = with_check_digit("33070219900230123")
FUTURE_ID = with_check_digit("33070229990307123")
BEFORE_1900_ID = with_check_digit("33070218991231123")

EMPLOYER = "0123456789abcdef0123456789abcdef"
RED_ZH = "健康码为红码，暂不能返婺，请按当地要求隔离观察"
RED_EN = "A red health code cannot return to Wucheng yet; follow the local quarantine requirements"
CHOICE = "请从列表中选择"

CONTRACT_FIELDS = {
    "name",
    "id_number",
    "phone",
    "email",
    "origin_province",
    "origin_city",
    "origin_county",
    "origin_risk",
    "origin_code",
    "health_code",
    "travel_mode",
    "train_no",
    "arrival_date",
    "employer_filing_id",
    "lodging_town",
    "lodging_village",
    "lodging_address",
    "symptoms_14d",
    "contact_history_14d",
}
OPTIONAL_FIELDS = {"email", "train_no", "symptoms_14d", "contact_history_14d"}
# The origin: a county's code, or (the first contract) its names resolved to the code; its
# names filled from the division data, its risk from the map at submission (not the form).
ORIGIN_DERIVED = {"origin_province", "origin_city", "origin_county", "origin_risk"}
MEITAN = "520328"  # 贵州省 遵义市 湄潭县
ORIGIN_REQUIRED = "请选择来源区县"
ORIGIN_UNKNOWN = "没有找到这个区县，请先选省份，再从列表中选择"


def valid_data() -> dict[str, Any]:
    """A registration that passes every rule, as an HTML form or a JSON client could send it."""
    return {
        "name": "冉德开",
        "id_number": VALID_ID,
        "phone": "13912341234",
        "email": "ran@example.com",
        "origin_province": "贵州省",
        "origin_city": "遵义市",
        "origin_county": "湄潭县",
        "origin_risk": "low",
        "health_code": "green",
        "travel_mode": "train",
        "train_no": "G1234",
        "arrival_date": "2020-02-20",
        "employer_filing_id": EMPLOYER,
        "lodging_town": "罗埠镇",
        "lodging_village": "下徐村",
        "lodging_address": "下徐村12号",
        "symptoms_14d": False,
        "contact_history_14d": False,
    }


REGISTRATION = FormRules("worker-return", valid_data(), starts_with={})


def test_the_baseline_registration_is_accepted() -> None:
    # GIVEN a registration that follows every rule
    # WHEN it is validated and dumped for storage
    stored = REGISTRATION.accepted().model_dump(mode="json")
    # THEN it holds what was sent, the county's code found by its names, and no typed risk
    assert stored == valid_data() | {"origin_code": MEITAN, "origin_risk": None}


# --- name: 1..50 ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("冉", "冉"),
        (" 冉德开 ", "冉德开"),
        ("阿依古丽·买买提", "阿依古丽·买买提"),
        ("名" * 50, "名" * 50),
    ],
)
def test_name_accepted(value: str, stored: str) -> None:
    # GIVEN a name of 1 to 50 characters once stripped
    # THEN it is stored stripped
    assert REGISTRATION.accepted(name=value).model_dump()["name"] == stored


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("名" * 51, "长度应为1至50个字符"),
        ("  ", REQUIRED),
        ("", REQUIRED),
        (MISSING, REQUIRED),
        (42, "请输入文字"),
    ],
)
def test_name_refused(value: object, message: str) -> None:
    # GIVEN a name too long, blank, absent or not text
    # THEN it is refused with its message
    assert REGISTRATION.refused(name=value) == {"name": message}


# --- id_number: length, format, birth date, check digit; stored compact -------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        (VALID_ID, VALID_ID),
        (" 330702 19900307 1233 ", VALID_ID),
        ("330702-19900307-1233", VALID_ID),
        ("３３０７０２１９９００３０７１２３３", VALID_ID),  # full-width digits (NFKC)
        (int(VALID_ID), VALID_ID),  # a JSON number
        (X_ID, X_ID),
        (X_ID.lower(), X_ID),  # a lower-case x is stored upper-case
        (X_ID[:-1] + "Ｘ", X_ID),  # a full-width X
        (X_ID[:-1] + "ｘ", X_ID),
        (OLD_WUCHENG_ID, OLD_WUCHENG_ID),  # stdnum 2's birth-place rule would refuse it
        ("110105194910010023", "110105194910010023"),
    ],
)
def test_id_number_accepted_and_stored_compact(value: object, stored: str) -> None:
    # GIVEN a valid number, perhaps spaced, full-width, with a lower-case x, or a JSON number
    # WHEN the registration is validated
    # THEN the 18 characters are stored, with an upper-case X
    assert REGISTRATION.accepted(id_number=value).model_dump()["id_number"] == stored


def test_a_number_before_its_region_code_existed_is_accepted() -> None:
    # GIVEN a Wucheng resident born in 1970: Wucheng's code 330702 dates from 1985, so
    # stdnum's full validate() refuses the number on its birth place
    assert not ric.is_valid(OLD_WUCHENG_ID)
    # WHEN the registration is validated
    # THEN it is accepted: the form checks the check digit and the birth date, as agreed
    assert (
        REGISTRATION.accepted(id_number=OLD_WUCHENG_ID).model_dump()["id_number"] == OLD_WUCHENG_ID
    )


LENGTH = "居民身份证号码应为18位"
FORMAT = "居民身份证号码应为17位数字加1位数字或X"
BIRTH = "居民身份证号码中的出生日期不正确"
CHECK = "居民身份证号码校验位不正确"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (WRONG_CHECK_ID, CHECK),
        (VALID_ID[:-1] + "X", CHECK),
        (X_ID[:-1] + "0", CHECK),
        (MONTH_13_ID, BIRTH),
        (FEB_30_ID, BIRTH),
        (FUTURE_ID, BIRTH),
        (BEFORE_1900_ID, BIRTH),
        (ID_BODY[:6] + "19900007123" + "0", BIRTH),  # month 00
        (VALID_ID[:-1], LENGTH),  # 17
        (VALID_ID + "1", LENGTH),  # 19
        ("330702900307123", LENGTH),  # a first-generation 15-digit number
        ("3307021990030712A3", FORMAT),
        ("33070219900307123Y", FORMAT),
        ("X30702199003071233", FORMAT),
        ("", REQUIRED),
        ("   ", REQUIRED),
        (MISSING, REQUIRED),
        (None, FORMAT),
        (True, FORMAT),
    ],
)
def test_id_number_refused(value: object, message: str) -> None:
    # GIVEN a number with a wrong check digit, birth date, length or character, or none
    # WHEN the registration is validated
    # THEN the number is refused with the matching message
    assert REGISTRATION.refused(id_number=value) == {"id_number": message}


def test_a_bad_birth_date_is_named_before_a_bad_check_digit() -> None:
    # GIVEN a number whose birth date and check digit are both wrong
    body = "33070219901307123"
    wrong = body + ("1" if with_check_digit(body)[-1] != "1" else "2")
    # THEN the birth date, where the typo most likely is, is what the message names
    assert REGISTRATION.refused(id_number=wrong) == {"id_number": BIRTH}


@given(
    region=st.sampled_from(["330702", "330703", "110105", "520328", "350122", "810000"]),
    born=st.dates(min_value=date(1900, 1, 1), max_value=date.today()),
    serial=st.integers(0, 999),
)
def test_any_number_with_its_own_check_digit_is_accepted_and_any_other_refused(
    region: str, born: date, serial: int
) -> None:
    # GIVEN any region, any birth date up to today and any serial, with its check digit
    body = f"{region}{born:%Y%m%d}{serial:03d}"
    number = with_check_digit(body)
    # WHEN the registration is validated with that check digit, then with another one
    # THEN the first is stored as is, the second refused on its check digit
    assert REGISTRATION.accepted(id_number=number).model_dump()["id_number"] == number
    digits = "0123456789X"
    other = digits[(digits.index(number[-1]) + 1) % len(digits)]
    assert REGISTRATION.refused(id_number=body + other) == {"id_number": CHECK}


# --- phone, email -----------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["13912341234", "+86 139-1234-1234", "１３９１２３４１２３４"])
def test_phone_accepted_and_stored_as_eleven_digits(value: str) -> None:
    assert REGISTRATION.accepted(phone=value).model_dump()["phone"] == "13912341234"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("12912341234", "请输入11位手机号码"),
        ("0579-82123456", "请输入11位手机号码"),
        (MISSING, REQUIRED),
    ],
)
def test_phone_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(phone=value) == {"phone": message}


@pytest.mark.parametrize(
    ("value", "stored"),
    [("ran@example.com", "ran@example.com"), ("", None), (None, None), (MISSING, None)],
)
def test_email_is_optional(value: object, stored: str | None) -> None:
    assert REGISTRATION.accepted(email=value).model_dump()["email"] == stored


def test_email_refused() -> None:
    assert REGISTRATION.refused(email="ran@") == {"email": "请输入有效的电子邮箱"}


# --- origin: a county's code, or its names; the names stored as the data writes them ------


def test_the_origin_by_code_fills_the_names() -> None:
    # GIVEN only the county's six-digit code
    data = REGISTRATION.data(origin_code="330702")
    for name in ("origin_province", "origin_city", "origin_county", "origin_risk"):
        data.pop(name)
    # THEN the province, city and county are the division data's names
    stored = FORM.validate(data).model_dump()
    assert (stored["origin_province"], stored["origin_city"], stored["origin_county"]) == (
        "浙江省",
        "金华市",
        "婺城区",
    )
    assert stored["origin_code"] == "330702"


def test_the_code_wins_over_names_that_disagree() -> None:
    # GIVEN a code and names of another county
    stored = REGISTRATION.accepted(origin_code="110101").model_dump()
    # THEN the stored names are the code's
    assert (stored["origin_province"], stored["origin_county"]) == ("北京市", "东城区")


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"origin_county": " 湄潭县 "}, MEITAN),  # typed the way people type
        (
            {"origin_province": "北京市", "origin_city": "市辖区", "origin_county": "东城区"},
            "110101",
        ),
        (
            {"origin_province": "广东省", "origin_city": "东莞市", "origin_county": "东莞市"},
            "441900",
        ),
    ],
)
def test_the_origin_by_names_is_resolved(changes: dict[str, str], code: str) -> None:
    assert REGISTRATION.accepted(**changes).model_dump()["origin_code"] == code


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"origin_code": "999999"}, ORIGIN_UNKNOWN),  # no such county
        ({"origin_code": "3307"}, ORIGIN_UNKNOWN),  # a city, not a county
        ({"origin_code": "33070"}, ORIGIN_UNKNOWN),
        ({"origin_code": "3307021"}, "长度不能超过6个字符"),
        ({"origin_county": "不存在县"}, ORIGIN_UNKNOWN),  # names that name no county
        ({"origin_province": "浙江省"}, ORIGIN_UNKNOWN),  # 湄潭县 is not in Zhejiang
        ({"origin_county": MISSING}, ORIGIN_REQUIRED),
        ({"origin_province": "", "origin_city": "", "origin_county": ""}, ORIGIN_REQUIRED),
    ],
)
def test_an_unknown_origin_is_refused_on_its_code(changes: dict[str, Any], message: str) -> None:
    # GIVEN a code the division data does not know, or names that name no county
    # THEN the origin is refused on origin_code, the field a page shows
    assert REGISTRATION.refused(**changes) == {"origin_code": message}


# --- enums: origin_risk, health_code, travel_mode -----------------------------------------------


def test_the_enums_are_the_contract_values() -> None:
    # the map's five levels (core/risk.py), the first contract's three among them
    assert ORIGIN_RISKS == ("low", "medium_low", "medium", "medium_high", "high")
    assert HEALTH_CODES == ("green", "yellow", "red")
    assert TRAVEL_MODES == ("train", "charter", "bus", "car", "air", "other")


@pytest.mark.parametrize("value", [*ORIGIN_RISKS, "低风险", "none"])
def test_a_typed_origin_risk_is_not_kept(value: str) -> None:
    # GIVEN a client of the first contract sending a risk level of its own
    # THEN it is accepted and not kept: the level is the map's, at submission
    assert REGISTRATION.accepted(origin_risk=value).model_dump()["origin_risk"] is None


@pytest.mark.parametrize("value", ["green", "yellow"])
def test_green_and_yellow_codes_are_accepted(value: str) -> None:
    # GIVEN a green or yellow health code
    # THEN the registration is accepted with it
    assert REGISTRATION.accepted(health_code=value).model_dump()["health_code"] == value


@pytest.mark.parametrize(("lang", "message"), [("zh", RED_ZH), ("en", RED_EN)])
def test_a_red_code_is_refused_with_its_own_message(lang: str, message: str) -> None:
    # GIVEN a red health code, an otherwise valid registration
    # WHEN it is validated
    # THEN health_code alone is named, with the red-code message rather than "choose one"
    assert REGISTRATION.refused(lang, health_code="red") == {"health_code": message}


@pytest.mark.parametrize(
    ("value", "message"),
    [("绿码", CHOICE), ("Green", CHOICE), ("blue", CHOICE), ("", CHOICE), (MISSING, REQUIRED)],
)
def test_health_code_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(health_code=value) == {"health_code": message}


@pytest.mark.parametrize("value", TRAVEL_MODES)
def test_every_travel_mode_is_accepted(value: str) -> None:
    assert REGISTRATION.accepted(travel_mode=value).model_dump()["travel_mode"] == value


@pytest.mark.parametrize(
    ("value", "message"),
    [("火车", CHOICE), ("plane", CHOICE), ("walk", CHOICE), (MISSING, REQUIRED)],
)
def test_travel_mode_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(travel_mode=value) == {"travel_mode": message}


# --- train_no: optional, 0..20 ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [
        ("G1234", "G1234"),
        (" D3135 ", "D3135"),
        ("车" * 20, "车" * 20),
        ("", None),
        ("   ", None),
        (None, None),
        (MISSING, None),
    ],
)
def test_train_no_is_optional(value: object, stored: str | None) -> None:
    # GIVEN a number of up to 20 characters, or blank, null or absent
    # THEN it, or None, is stored
    assert REGISTRATION.accepted(train_no=value).model_dump()["train_no"] == stored


@pytest.mark.parametrize(
    ("value", "message"), [("车" * 21, "长度不能超过20个字符"), (1234, "请输入文字")]
)
def test_train_no_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(train_no=value) == {"train_no": message}


# --- arrival_date: YYYY-MM-DD -------------------------------------------------------------------


def test_arrival_date_accepted() -> None:
    assert REGISTRATION.accepted(arrival_date="2020-02-29").model_dump()["arrival_date"] == date(
        2020, 2, 29
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2020/02/20", "日期格式应为YYYY-MM-DD"),
        ("20200220", "日期格式应为YYYY-MM-DD"),
        ("2019-02-29", "日期不存在"),
        (MISSING, REQUIRED),
    ],
)
def test_arrival_date_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(arrival_date=value) == {"arrival_date": message}


# --- employer_filing_id: the format of a filing id ----------------------------------------------


@pytest.mark.parametrize(
    ("value", "stored"),
    [(EMPLOYER, EMPLOYER), (f" {EMPLOYER} ", EMPLOYER), (EMPLOYER.upper(), EMPLOYER)],
)
def test_employer_filing_id_accepted(value: str, stored: str) -> None:
    # GIVEN 32 hex characters, perhaps spaced or upper-case
    # THEN they are stored as the lower-case id
    assert (
        REGISTRATION.accepted(employer_filing_id=value).model_dump()["employer_filing_id"] == stored
    )


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (EMPLOYER[:-1], "请填写企业复工备案的编号"),
        (EMPLOYER + "0", "请填写企业复工备案的编号"),
        ("g" * 32, "请填写企业复工备案的编号"),
        ("91330702MA2D123451", "请填写企业复工备案的编号"),  # a USCC is not a filing id
        ("0123456789abcdef-0123456789abcdef", "请填写企业复工备案的编号"),
        (12345, "请填写企业复工备案的编号"),
        ("", REQUIRED),
        (MISSING, REQUIRED),
    ],
)
def test_employer_filing_id_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(employer_filing_id=value) == {"employer_filing_id": message}


# --- lodging: town, village, address -----------------------------------------------------------


@pytest.mark.parametrize("town", town_names())
def test_every_district_town_is_accepted_as_lodging_town(town: str) -> None:
    assert REGISTRATION.accepted(lodging_town=town).model_dump()["lodging_town"] == town


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("金东区", "请选择婺城区的镇（乡、街道）"),
        ("罗埠", "请选择婺城区的镇（乡、街道）"),
        (MISSING, REQUIRED),
    ],
)
def test_lodging_town_refused(value: object, message: str) -> None:
    assert REGISTRATION.refused(lodging_town=value) == {"lodging_town": message}


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("lodging_village", "村"),
        ("lodging_village", "村" * 50),
        ("lodging_address", "址"),
        ("lodging_address", "址" * 200),
    ],
)
def test_lodging_village_and_address_accepted(field: str, value: str) -> None:
    assert REGISTRATION.accepted(**{field: value}).model_dump()[field] == value


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("lodging_village", "村" * 51, "长度应为1至50个字符"),
        ("lodging_village", " ", REQUIRED),
        ("lodging_village", MISSING, REQUIRED),
        ("lodging_address", "址" * 201, "长度应为1至200个字符"),
        ("lodging_address", "", REQUIRED),
        ("lodging_address", MISSING, REQUIRED),
    ],
)
def test_lodging_village_and_address_refused(field: str, value: Any, message: str) -> None:
    assert REGISTRATION.refused(**{field: value}) == {field: message}


# --- symptoms_14d, contact_history_14d: form booleans, default False ----------------------------

BOOLEAN_FIELDS = ["symptoms_14d", "contact_history_14d"]


@pytest.mark.parametrize("field", BOOLEAN_FIELDS)
@pytest.mark.parametrize(
    ("value", "stored"),
    [(True, True), ("on", True), ("1", True), (False, False), ("", False), (MISSING, False)],
)
def test_health_declarations_accept_json_and_html_booleans(
    field: str, value: Any, stored: bool
) -> None:
    assert REGISTRATION.accepted(**{field: value}).model_dump()[field] is stored


@pytest.mark.parametrize("field", BOOLEAN_FIELDS)
@pytest.mark.parametrize("value", ["是", "maybe", 2, None])
def test_health_declarations_refuse_what_is_not_a_boolean(field: str, value: Any) -> None:
    assert REGISTRATION.refused(**{field: value}) == {field: "请选择是或否"}


# --- the registration as a whole ---------------------------------------------------------------


def test_every_bad_field_is_named_at_once() -> None:
    # GIVEN a registration with several fields wrong, the red code among them
    fields = REGISTRATION.refused(
        id_number=MONTH_13_ID,
        health_code="red",
        travel_mode="boat",
        employer_filing_id="not-an-id",
        lodging_town="北京市",
        origin_code="000000",
        train_no="G" * 21,
    )
    # THEN each is named with its own message, and no good field is
    assert fields == {
        "id_number": BIRTH,
        "health_code": RED_ZH,
        "travel_mode": CHOICE,
        "employer_filing_id": "请填写企业复工备案的编号",
        "lodging_town": "请选择婺城区的镇（乡、街道）",
        "origin_code": ORIGIN_UNKNOWN,
        "train_no": "长度不能超过20个字符",
    }


def test_an_empty_object_names_every_required_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        FORM.validate({})
    required = CONTRACT_FIELDS - OPTIONAL_FIELDS - ORIGIN_DERIVED - {"origin_code"}
    assert caught.value.fields == {name: REQUIRED for name in required} | {
        "origin_code": ORIGIN_REQUIRED
    }


def test_an_unknown_extra_field_is_refused_by_its_key() -> None:
    assert REGISTRATION.refused(status="approved") == {"status": "不接受此字段"}


def test_messages_are_english_under_lang_en() -> None:
    # GIVEN bad fields of every kind this form adds
    fields = REGISTRATION.refused(
        "en",
        name="",
        health_code="red",
        travel_mode="boat",
        employer_filing_id="x",
        train_no="G" * 21,
        lodging_village="村" * 51,
    )
    # THEN the messages are English
    assert fields == {
        "name": "This field is required",
        "health_code": RED_EN,
        "travel_mode": "Choose one of the listed options",
        "employer_filing_id": "Enter the id of the enterprise's work-resumption filing",
        "train_no": "Must be at most 20 characters long",
        "lodging_village": "Must be 1 to 50 characters long",
    }


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (VALID_ID[:-1], "The resident identity number has 18 characters"),
        ("3307021990030712A3", "The resident identity number is 17 digits and a digit or X"),
        (MONTH_13_ID, "The birth date in the resident identity number is wrong"),
        (WRONG_CHECK_ID, "The check digit of the resident identity number is wrong"),
    ],
)
def test_id_number_messages_are_english_under_lang_en(value: str, message: str) -> None:
    assert REGISTRATION.refused("en", id_number=value) == {"id_number": message}


def test_the_stored_registration_is_normalised() -> None:
    # GIVEN a registration typed the way people type
    raw = REGISTRATION.data(
        name=" 冉德开 ",
        id_number=" 33070219900307109x ",
        phone="+86 139 1234 1234",
        email="",
        train_no=" ",
        employer_filing_id=EMPLOYER.upper(),
        symptoms_14d="",
        contact_history_14d=MISSING,
    )
    # WHEN it is validated and dumped for storage
    stored = FORM.validate(raw).model_dump(mode="json")
    # THEN it holds the canonical forms
    assert stored == valid_data() | {
        "id_number": X_ID,
        "email": None,
        "train_no": None,
        "origin_code": MEITAN,
        "origin_risk": None,
    }


# --- the spec ----------------------------------------------------------------------------------


def test_the_form_is_in_the_catalogue() -> None:
    assert FORM in all_forms()
    assert (FORM.title, FORM.title_en) == ("人员返婺登记", "Returning worker registration")


def test_spec_names_the_agreed_fields() -> None:
    # GIVEN the worker form
    # THEN one open filing per person, routed and counted by the lodging town
    assert FORM.unique_field == "id_number"
    assert FORM.town_field == "lodging_town"
    assert FORM.applicant_field == "name"
    assert FORM.applicant_email_field == "email"
    assert FORM.applicant_phone_field == "phone"
    assert FORM.personal_fields == ("name", "id_number", "phone", "email", "lodging_address")
    assert FORM.documents == {
        "docking_slip": ("电子返婺对接单", "Electronic return docking slip"),
        "pass": ("一体通行证", "Unified pass"),
    }


def test_the_employer_must_be_an_approved_enterprise_filing() -> None:
    # GIVEN the spec's references
    # THEN the employer id must name an approved enterprise-resumption filing
    assert FORM.references == {
        "employer_filing_id": Reference(
            form="enterprise-resumption",
            status="approved",
            message_zh="用工企业须已通过复工备案",
            message_en="The employer must have an approved work-resumption filing",
        )
    }
    reference = FORM.references["employer_filing_id"]
    assert reference.message("zh") == "用工企业须已通过复工备案"
    assert reference.message("en") == "The employer must have an approved work-resumption filing"


def test_the_holder_is_a_person() -> None:
    # GIVEN the worker form: its documents name a person, who is masked on them
    assert FORM.holder_is_person is True
    assert get_form("enterprise-resumption").holder_is_person is False


# --- the schema --------------------------------------------------------------------------------


def test_schema_has_every_contract_field_and_requires_all_but_the_optional() -> None:
    schema = FORM.json_schema()
    assert set(schema["properties"]) == CONTRACT_FIELDS
    # the origin is a code or the names (resolved to it): neither is required by the schema
    assert set(schema["required"]) == CONTRACT_FIELDS - OPTIONAL_FIELDS - ORIGIN_DERIVED - {
        "origin_code"
    }
    assert schema["additionalProperties"] is False
    assert schema["title"] == "人员返婺登记"


def test_schema_fields_carry_chinese_titles_and_descriptions() -> None:
    han = re.compile(r"[\u4e00-\u9fff]")
    for name, prop in FORM.json_schema()["properties"].items():
        assert han.search(prop["title"]), name
        assert han.search(prop["description"]), name
        assert prop["title_en"].isascii() and prop["title_en"], name


def test_schema_describes_the_enums_and_formats() -> None:
    properties = FORM.json_schema()["properties"]
    assert {"type": "string", "enum": list(ORIGIN_RISKS)} in properties["origin_risk"]["anyOf"]
    assert properties["health_code"]["enum"] == list(HEALTH_CODES)
    assert properties["travel_mode"]["enum"] == list(TRAVEL_MODES)
    assert properties["lodging_town"]["enum"] == list(town_names())
    assert properties["id_number"]["pattern"] == "^[0-9]{17}[0-9X]$"
    assert properties["employer_filing_id"]["pattern"] == "^[0-9a-f]{32}$"
    assert properties["arrival_date"]["format"] == "date"
    (text,) = [t for t in properties["train_no"]["anyOf"] if t.get("type") == "string"]
    assert text["maxLength"] == 20 and text["pattern"] == types.SAFE_LINE
    # AND what the length counts (the text once stripped), and that blank marks alone are not
    # text, are said too: the published schema agrees with the validators
    assert text["allOf"] == [{"pattern": types.stripped_length(0, 20)}]
    assert text["not"] == {"pattern": types.only_invisible(required=False)}
    assert properties["id_number"]["format"] == "cn-resident-id"
    assert properties["health_code"]["not"] == {"const": "red"}
    assert properties["employer_filing_id"]["x-reference"]["status"] == "approved"
    # the Chinese words of the coded values are in the schema, by code (x-labels)
    assert properties["origin_risk"]["x-labels"] == {
        "low": "低风险",
        "medium_low": "较低风险",
        "medium": "中风险",
        "medium_high": "较高风险",
        "high": "高风险",
    }
    assert properties["origin_code"]["x-division"] is True
    assert properties["health_code"]["x-labels"] == {
        "green": "绿码",
        "yellow": "黄码",
        "red": "红码",
    }
    assert set(properties["travel_mode"]["x-labels"]) == set(TRAVEL_MODES)


# --- the workflow ------------------------------------------------------------------------------


def test_workflow_is_employer_then_village_then_two_check_ins() -> None:
    # GIVEN the worker form's workflow
    stages = FORM.workflow.stages
    # THEN employer, then village, then the two check-ins side by side
    assert [[s.id for s in stage.steps] for stage in stages] == [
        ["employer"],
        ["village"],
        ["checkin_employer", "checkin_village"],
    ]
    shape = [
        (s.id, s.title, s.role, s.route_field, s.due_hours, s.due_from_field)
        for s in FORM.workflow.steps
    ]
    assert shape == [
        ("employer", "用工企业确认", "employer_contact", "employer_filing_id", 2, None),
        ("village", "村（社区）确认", "town_office", "lodging_town", 2, None),
        (
            "checkin_employer",
            "企业到岗打卡",
            "employer_contact",
            "employer_filing_id",
            2,
            "arrival_date",
        ),
        ("checkin_village", "村社报到打卡", "town_office", "lodging_town", 2, "arrival_date"),
    ]
    assert all(s.title_en.isascii() and s.title_en for s in FORM.workflow.steps)


def test_the_village_stage_issues_the_docking_slip_and_the_check_ins_the_pass() -> None:
    stages = FORM.workflow.stages
    assert [stage.documents for stage in stages] == [(), ("docking_slip",), ("pass",)]


@pytest.mark.parametrize(
    "order", [("checkin_employer", "checkin_village"), ("checkin_village", "checkin_employer")]
)
def test_the_pass_comes_only_with_both_check_ins_in_either_order(order: tuple[str, str]) -> None:
    # GIVEN a registration confirmed by the employer and the village
    workflow = FORM.workflow
    moved = start(workflow, FlowState())
    moved = decide(workflow, moved.state, "employer", "approve")
    moved = decide(workflow, moved.state, "village", "approve")
    # THEN the docking slip is issued and both check-ins open at once
    assert IssueDocuments(("docking_slip",)) in moved.effects
    opened = {e.step.id for e in moved.effects if isinstance(e, OpenStep)}
    assert opened == {"checkin_employer", "checkin_village"}
    # WHEN one check-in is in
    first = decide(workflow, moved.state, order[0], "approve")
    # THEN no pass yet
    assert not any(isinstance(e, IssueDocuments) for e in first.effects)
    assert first.state.status == "in_review"
    # WHEN the other is in too
    second = decide(workflow, first.state, order[1], "approve")
    # THEN the pass is issued and the registration approved
    assert IssueDocuments(("pass",)) in second.effects
    assert second.state.status == "approved"


# --- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("冉德开", "冉*开"),
        ("冉开", "冉*"),
        ("冉", "冉"),
        ("欧阳德开", "欧**开"),
        ("阿依古丽·买买提", "阿******提"),
        ("John Smith", "J********h"),
        ("Al", "A*"),
        (" 冉德开 ", "冉*开"),
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    # GIVEN a name of any length
    # WHEN it is masked
    # THEN only its first and (from three characters) last character show, one * per other
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("330702199003071234", "3307**********1234"),
        (X_ID, "3307**********109X"),
        ("12345678", "********"),
        ("", ""),
    ],
)
def test_mask_id(number: str, masked: str) -> None:
    assert mask_id(number) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("13912341234", "139****1234"), ("1391234", "*******"), ("", "")],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked


@given(name=st.text(min_size=3, max_size=60).map(str.strip).filter(lambda s: len(s) >= 3))
def test_a_masked_name_keeps_its_length_and_ends(name: str) -> None:
    masked = mask_name(name)
    assert len(masked) == len(name)
    assert (masked[0], masked[-1]) == (name[0], name[-1])
    assert set(masked[1:-1]) == {"*"}


def test_a_masked_id_hides_the_birth_date() -> None:
    # GIVEN a valid number
    # WHEN it is masked
    # THEN its region shows, its birth date and serial do not
    assert mask_id(VALID_ID) == "3307**********1233"
    assert "19900307" not in mask_id(VALID_ID)
