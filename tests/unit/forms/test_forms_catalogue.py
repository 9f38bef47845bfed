"""The form catalogue: lookup, the enterprise-resumption contract, schema, workflow, labels."""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from pathlib import Path

import pytest

from chalicelib.core.errors import UnknownForm
from chalicelib.core.towns import is_town, town_names
from chalicelib.core.workflow import FlowState, IssueDocuments, OpenStep, decide, start
from chalicelib.forms import FormSpec, all_forms, get_form

FORM_ID = "enterprise-resumption"
CSV_PATH = Path(__file__).parents[3] / "chalicelib" / "core" / "data" / "wucheng_towns.csv"

CONTRACT_FIELDS = {
    "enterprise_name",
    "uscc",
    "town",
    "address",
    "industry",
    "above_scale",
    "contact_name",
    "contact_phone",
    "contact_email",
    "employees_total",
    "employees_returned",
    "planned_start_date",
    "masks",
    "disinfectant_kg",
    "thermometers",
    "commitment",
}
# Optional: an unchecked checkbox (absent means false) and the email.
OPTIONAL_FIELDS = {"above_scale", "contact_email"}


def csv_towns() -> list[str]:
    with CSV_PATH.open(encoding="utf-8") as handle:
        return [row["name"] for row in csv.DictReader(handle)]


@pytest.fixture
def form() -> FormSpec:
    return get_form(FORM_ID)


# --- lookup -------------------------------------------------------------------------------


def test_unknown_form_id_raises_unknown_form() -> None:
    # GIVEN an id no module declares
    # WHEN it is looked up
    # THEN UnknownForm is raised, naming it
    with pytest.raises(UnknownForm, match="no-such-form"):
        get_form("no-such-form")


def test_all_forms_lists_the_enterprise_form_once(form: FormSpec) -> None:
    # GIVEN the catalogue
    # WHEN every form is listed
    forms = all_forms()
    # THEN the enterprise form is there exactly once, the same object get_form returns
    assert [spec.id for spec in forms].count(FORM_ID) == 1
    assert form in forms
    assert len({spec.id for spec in forms}) == len(forms)


def test_spec_names_the_contract_fields(form: FormSpec) -> None:
    # GIVEN the enterprise form
    # THEN its routing, uniqueness, applicant and privacy fields are the agreed ones
    assert (form.title, form.title_en) == ("企业复工备案", "Enterprise work-resumption filing")
    assert form.unique_field == "uscc"
    assert form.town_field == "town"
    assert form.applicant_field == "enterprise_name"
    assert form.applicant_email_field == "contact_email"
    assert form.applicant_phone_field == "contact_phone"
    assert set(form.personal_fields) == {"contact_phone", "contact_email"}
    assert form.documents == {"certificate": ("复工备案证明", "Work-resumption filing certificate")}


def test_spec_refuses_a_field_name_the_model_lacks(form: FormSpec) -> None:
    # GIVEN a spec whose town field is misspelt
    # WHEN it is built
    # THEN it fails at once rather than in some handler later
    with pytest.raises(ValueError, match="tonw"):
        replace(form, town_field="tonw")


def test_spec_refuses_a_document_without_titles(form: FormSpec) -> None:
    # GIVEN a spec whose workflow issues a certificate it has no titles for
    # WHEN it is built
    # THEN it fails, naming the document kind
    with pytest.raises(ValueError, match="certificate"):
        replace(form, documents={})


# --- JSON schema ----------------------------------------------------------------------------


def test_schema_has_every_contract_field_and_no_other(form: FormSpec) -> None:
    # GIVEN the enterprise form
    # WHEN its JSON Schema is built
    schema = form.json_schema()
    # THEN it describes exactly the contract's fields and refuses others
    assert set(schema["properties"]) == CONTRACT_FIELDS
    assert schema["additionalProperties"] is False
    assert schema["title"] == "企业复工备案"


def test_schema_required_list_is_every_field_but_the_optional_ones(form: FormSpec) -> None:
    # GIVEN the enterprise form's schema
    schema = form.json_schema()
    # THEN every field is required except the email and the above-scale checkbox;
    # the commitment is required and must be true
    assert set(schema["required"]) == CONTRACT_FIELDS - OPTIONAL_FIELDS
    assert schema["properties"]["commitment"]["const"] is True
    assert "default" not in schema["properties"]["commitment"]


def test_schema_town_enum_is_the_district_towns_in_file_order(form: FormSpec) -> None:
    # GIVEN the towns CSV, read independently of the code under test
    expected = csv_towns()
    # WHEN the schema is built
    town = form.json_schema()["properties"]["town"]
    # THEN the town is an enum of exactly those 27 names, in file order
    assert len(expected) == 27
    assert town["enum"] == expected


def test_schema_fields_carry_chinese_titles_and_descriptions(form: FormSpec) -> None:
    # GIVEN the schema
    properties = form.json_schema()["properties"]
    # THEN each field has a Chinese title and description, and an English title beside them
    han = re.compile(r"[\u4e00-\u9fff]")
    for name, prop in properties.items():
        assert han.search(prop["title"]), name
        assert han.search(prop["description"]), name
        assert prop["title_en"].isascii() and prop["title_en"], name


def test_schema_industry_enum_is_chinese_and_ends_with_other(form: FormSpec) -> None:
    # GIVEN the schema
    industry = form.json_schema()["properties"]["industry"]
    # THEN the choices are Chinese industry categories, including manufacturing and "other"
    assert {"制造业", "建筑业", "批发和零售业", "住宿和餐饮业", "其他"} <= set(industry["enum"])
    assert all(not value.isascii() for value in industry["enum"])


def test_schema_bounds_show_as_json_schema_keywords(form: FormSpec) -> None:
    # GIVEN the schema
    properties = form.json_schema()["properties"]
    # THEN bounds use JSON Schema's own keywords, which clients understand
    assert properties["employees_total"]["minimum"] == 1
    assert properties["masks"]["minimum"] == 0
    name = properties["enterprise_name"]
    assert (name["minLength"], name["maxLength"]) == (2, 100)
    assert properties["planned_start_date"]["format"] == "date"


def test_schema_is_a_fresh_copy_each_time(form: FormSpec) -> None:
    # GIVEN a caller that changes the schema it was given
    form.json_schema()["properties"].clear()
    # WHEN the schema is asked for again
    # THEN it is whole
    assert set(form.json_schema()["properties"]) == CONTRACT_FIELDS


# --- workflow ---------------------------------------------------------------------------------


def test_workflow_is_town_review_then_district_review(form: FormSpec) -> None:
    # GIVEN the enterprise form's workflow
    stages = form.workflow.stages
    # THEN it has two single-step stages: the town's task force, then the district office
    assert [[step.id for step in stage.steps] for stage in stages] == [["town"], ["district"]]
    town, district = stages[0].steps[0], stages[1].steps[0]
    assert (town.title, town.title_en) == ("镇街专班审核", "Town task force review")
    assert (town.role, town.route_field, town.due_hours) == ("town_office", "town", 24)
    assert (district.title, district.title_en) == (
        "区三服务办审核",
        "District service office review",
    )
    assert (district.role, district.route_field, district.due_hours) == (
        "district_office",
        None,
        24,
    )


def test_only_the_district_stage_issues_the_certificate(form: FormSpec) -> None:
    # GIVEN the workflow
    stages = form.workflow.stages
    # THEN the town stage issues nothing and the district stage issues the certificate
    assert stages[0].documents == ()
    assert stages[1].documents == ("certificate",)


def test_running_the_workflow_issues_the_certificate_after_both_approvals(form: FormSpec) -> None:
    # GIVEN a submitted filing, started
    flow = form.workflow
    opened = start(flow, FlowState())
    assert [e.step.id for e in opened.effects if isinstance(e, OpenStep)] == ["town"]
    # WHEN the town approves
    after_town = decide(flow, opened.state, "town", "approve")
    # THEN the district step opens and no document is issued yet
    assert [e.step.id for e in after_town.effects if isinstance(e, OpenStep)] == ["district"]
    assert not [e for e in after_town.effects if isinstance(e, IssueDocuments)]
    # WHEN the district approves
    done = decide(flow, after_town.state, "district", "approve")
    # THEN the filing is approved and the certificate issued
    assert done.state.status == "approved"
    assert IssueDocuments(("certificate",)) in done.effects


# --- labels -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_cover_every_field(form: FormSpec, lang: str) -> None:
    # GIVEN the enterprise form
    # WHEN its labels are asked for
    labels = form.labels(lang)
    # THEN every field has a human label, not its code name
    assert set(labels) == CONTRACT_FIELDS
    assert all(label and label != name for name, label in labels.items())


def test_labels_are_chinese_by_default_and_english_on_request(form: FormSpec) -> None:
    # GIVEN the enterprise form
    # WHEN labels are asked for without a language, and in English
    zh, en = form.labels(), form.labels("en")
    # THEN the default is Chinese, and English is English
    assert zh["uscc"] == "统一社会信用代码"
    assert en["uscc"] == "Unified social credit code"
    assert all(label.isascii() for label in en.values())
    assert not any(label.isascii() for label in zh.values())


# --- towns -------------------------------------------------------------------------------------


def test_town_names_are_the_csv_in_file_order() -> None:
    # GIVEN the packaged CSV
    # WHEN the towns are loaded
    # THEN they are its names, in order
    assert list(town_names()) == csv_towns()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("城东街道", True), ("罗店镇", True), ("苏孟乡", True), ("婺城区", False), ("", False)],
)
def test_is_town(name: str, expected: bool) -> None:
    # GIVEN a name
    # WHEN it is checked
    # THEN only the district's towns count
    assert is_town(name) is expected


# --- every choice is shown in words, in both languages ------------------------------------------

HAN = re.compile(r"[\u4e00-\u9fff]")


def _choice_fields(form_id: str) -> list[tuple[str, dict[str, object]]]:
    """(field, property) for each field of a closed list of values, except the towns:
    place names are proper names, shown as their official Chinese in both languages."""
    fields = []
    for name, prop in get_form(form_id).json_schema()["properties"].items():
        options = [prop, *prop.get("anyOf", [])]
        values = [v for option in options for v in option.get("enum", [])]
        if values and not all(is_town(v) for v in values):
            fields.append((name, prop))
    return fields


@pytest.mark.parametrize("form_id", [spec.id for spec in all_forms()])
def test_every_choice_has_words_and_english_words(form_id: str) -> None:
    # GIVEN each field of the form whose values are a closed list (a select on the page)
    from chalicelib.forms.spec import code_labels

    for name, prop in _choice_fields(form_id):
        values = {v for option in [prop, *prop.get("anyOf", [])] for v in option.get("enum", [])}
        # THEN each value has its words (stored codes and stored Chinese alike), Chinese
        chinese = code_labels(prop, "zh")
        assert set(chinese) == values, f"{form_id}.{name}: values without words"
        assert all(HAN.search(word) for word in chinese.values())
        # AND the English page shows English words, never the stored Chinese
        english = code_labels(prop, "en")
        leaking = {code: word for code, word in english.items() if HAN.search(word)}
        assert not leaking, f"{form_id}.{name}: no English for {leaking}"


def test_the_closed_lists_are_found_where_the_forms_have_them() -> None:
    # GIVEN the forms THEN the check above sees their selects (it would pass on none)
    found = {spec.id: [name for name, _ in _choice_fields(spec.id)] for spec in all_forms()}
    assert found["enterprise-resumption"] == ["industry"]
    assert set(found["worker-return"]) >= {"origin_risk", "health_code", "travel_mode"}
    assert set(found["service-request"]) == {"category", "urgency"}
