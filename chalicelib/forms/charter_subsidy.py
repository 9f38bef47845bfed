"""包车/专列补助 (帮扶10条): an approved enterprise claims the cost of the chartered bus or
train that brought its workers back.

Eligible: from a county outside Jinhua city whose level on the county risk map in force
at submission is one the map's rules accept for a charter (`charter_accepts`, judged in
chalicelib/filing/eligibility.py, the version used kept in the filing's outputs), more
than 200 passengers travelling together; the passenger list is uploaded first (a
presigned S3 POST). The district commerce office (经商局) checks the claim, then finance
(财政) sets the amount approved and the approval notice states it. One claim per trip:
the same enterprise, day and origin city are refused as a duplicate naming the first.
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import ConfigDict, field_validator, model_validator

from chalicelib.core import divisions, risk
from chalicelib.core.i18n import N_
from chalicelib.core.roles import COMMERCE_OFFICE, FINANCE_OFFICE
from chalicelib.core.workflow import Stage, Step, Workflow
from chalicelib.forms.enterprise_claims import (
    ENTERPRISE_APPROVED,
    ENTERPRISE_PERSONAL,
    ApprovedAmount,
    EnterpriseClaim,
    claim_figures,
)
from chalicelib.forms.messages import rule_error
from chalicelib.forms.origins import (
    OriginRisk,
    known_county,
    origin_by_code,
    origin_schema_rules,
)
from chalicelib.forms.spec import (
    CSV,
    PDF,
    XLSX,
    FormSpec,
    Upload,
    derived,
    with_code_labels,
    with_division_picker,
)
from chalicelib.forms.types import (
    MAX_PASSENGERS,
    IsoDate,
    UploadKey,
    Yuan,
    bounded_text,
    labelled,
    optional_text,
    whole_number,
)

JINHUA_CITY = "3307"  # 金华市: its districts, county-level cities and counties
MIN_PASSENGERS = 201  # "more than 200 travelling together"


def in_jinhua(code: str) -> bool:
    """Whether a county (its six-digit code) is part of Jinhua city."""
    found = divisions.county(code)
    return found is not None and found.city_code == JINHUA_CITY


class CharterSubsidy(EnterpriseClaim):
    """已通过复工备案的企业，为包车（专列）接回员工申请补助；每趟包车申请一次。"""

    model_config = ConfigDict(title="包车/专列补助")

    origin_code: Annotated[str | None, optional_text(6)] = with_division_picker(
        labelled(
            "出发地区县",
            "County of origin",
            "包车（专列）出发的县（区、旗），须在金华市以外；先选省份，再从列表中选择",
            default=None,
            validate_default=True,
        )
    )
    # Filled from origin_code (or, for a client that names the county, resolved to it):
    # the names as the division data writes them.
    origin_province: Annotated[str | None, optional_text(30)] = derived(
        labelled(
            "出发地省份", "Province of origin", "出发地所在的省（自治区、直辖市）", default=None
        )
    )
    origin_city: Annotated[str | None, optional_text(30)] = derived(
        labelled("出发地城市", "City of origin", "出发地所在的市（州、盟）", default=None)
    )
    origin_county: Annotated[str | None, optional_text(30)] = derived(
        labelled(
            "出发地区县名称", "County of origin (name)", "出发地所在的县（区、旗）", default=None
        )
    )
    # The county's level on the risk map in force at submission (chalicelib/filing/
    # eligibility.py), never typed: a value sent (低风险 of the first contract) is dropped.
    origin_risk: OriginRisk | None = derived(
        with_code_labels(
            labelled(
                "出发地风险等级",
                "Risk level of origin",
                "按提交时的县域风险地图自动确定",
                default=None,
            ),
            risk.LEVEL_LABELS,
        )
    )

    passengers: Annotated[int, whole_number(1, MAX_PASSENGERS)] = labelled(
        "乘车人数", "Passengers", "同一趟包车（专列）运送的员工人数，须超过200人"
    )
    travel_date: IsoDate = labelled("出发日期", "Travel date", "格式为YYYY-MM-DD")
    vehicle: Annotated[str, bounded_text(2, 20)] = labelled(
        "车牌号或车次", "Vehicle plate or train number", "如 浙G12345 或 专列车次"
    )
    cost: Yuan = labelled(
        "包车费用（元）", "Cost (yuan)", "实际支付的包车（专列）费用，最多两位小数"
    )
    passenger_list: UploadKey = labelled(
        "乘车人员名单", "Passenger list", "CSV、XLSX 或 PDF，不超过5MB，先上传后提交"
    )

    @model_validator(mode="before")
    @classmethod
    def _origin(cls, data: object) -> object:
        return origin_by_code(data)

    @field_validator("origin_code")
    @classmethod
    def _outside_jinhua(cls, code: str | None) -> str:
        code = known_county(code)
        if in_jinhua(code):
            raise rule_error(
                "origin_in_jinhua",
                "出发地须在金华市以外，金华市内的包车不在补助范围",
                "The origin must be outside Jinhua city: charters within Jinhua are not covered",
            )
        return code

    @field_validator("passengers")
    @classmethod
    def _more_than_200(cls, passengers: int) -> int:
        if passengers < MIN_PASSENGERS:
            raise rule_error(
                "too_few_passengers",
                "同一趟包车（专列）须运送200人以上方可申请补助",
                "A charter must carry more than 200 passengers to be eligible",
            )
        return passengers


class CharterApproved(ApprovedAmount):
    claim_field: ClassVar[str] = "cost"


WORKFLOW = Workflow(
    stages=(
        Stage(
            steps=(
                Step(
                    id="commerce",
                    title="区经商局审核",
                    title_en="District commerce office review",
                    role=COMMERCE_OFFICE,
                    due_hours=24,
                ),
            )
        ),
        Stage(
            steps=(
                Step(
                    id="finance",
                    title="区财政局核定",
                    title_en="District finance office approval",
                    role=FINANCE_OFFICE,
                    due_hours=24,
                    inputs=CharterApproved,
                    approve_label=N_("核定并通过"),
                ),
            ),
            documents=("notice",),
        ),
    )
)


def schema_rules() -> dict[str, Any]:
    """What the validators refuse (`_outside_jinhua`, `_more_than_200`), said for the
    published schema; the risk level a charter needs is the map's (`x-risk-rule`: the
    rule of GET /api/risk-maps/current that judges the origin at submission)."""
    rules = origin_schema_rules()
    rules["properties"]["origin_code"]["not"] = {"pattern": f"^{JINHUA_CITY}"}
    rules["properties"]["origin_code"]["x-risk-rule"] = "charter_accepts"
    rules["properties"]["passengers"] = {"minimum": MIN_PASSENGERS}
    return rules


SPEC = FormSpec(
    id="charter-subsidy",
    title="包车/专列补助",
    title_en="Charter transport subsidy",
    model=CharterSubsidy,
    workflow=WORKFLOW,
    unique_field=("enterprise_filing_id", "travel_date", "origin_province", "origin_city"),
    town_field="town",
    applicant_field="enterprise_name",
    applicant_email_field="contact_email",
    applicant_phone_field="contact_phone",
    personal_fields=ENTERPRISE_PERSONAL,
    documents={"notice": ("包车补助核定通知书", "Charter subsidy approval notice")},
    references={"enterprise_filing_id": ENTERPRISE_APPROVED},
    uploads={"passenger_list": Upload(types=(CSV, XLSX, PDF))},
    figures=claim_figures("cost", "finance"),
    duplicate_message=(
        "这趟包车已申请过补助（同一企业、出发日期和出发地），请勿重复申请",
        "This trip has been claimed already (same enterprise, date and origin)",
    ),
    schema_rules=schema_rules,
    risk_origin="origin_code",
    risk_rule="charter_accepts",
)
