"""The supervision's pure rules: what a check-in's health is, and the follow-up's
transitions (open -> cleared, or -> isolation until a day -> cleared)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from chalicelib.core.errors import InvalidTransition, ReasonRequired
from chalicelib.core.supervision import (
    CloseTask,
    FollowUp,
    Health,
    OpenTask,
    RestorePass,
    SuspendPass,
    TellDoctor,
    check_in,
    parse_symptoms,
    resolve,
)
from chalicelib.forms.checkin import HealthCheck, health_of

TODAY = date(2020, 2, 20)


@pytest.mark.parametrize(
    ("degrees", "symptoms", "abnormal"),
    [
        ("36.5", (), False),
        ("37.2", (), False),
        ("37.3", (), True),  # 37.3 °C or above is a fever
        ("39.0", (), True),
        ("36.5", ("cough",), True),  # any symptom, whatever the temperature
    ],
)
def test_a_fever_or_any_symptom_is_abnormal(
    degrees: str, symptoms: tuple[str, ...], abnormal: bool
) -> None:
    health = Health(Decimal(degrees), symptoms)
    assert health.abnormal is abnormal
    change = check_in(health)
    if abnormal:
        # THEN it does not check in: a follow-up opens, the pass held, the doctor told
        assert change is not None and change.state == FollowUp("open")
        assert change.effects == (SuspendPass(), TellDoctor(), OpenTask())
    else:
        assert change is None


def test_cleared_restores_the_pass_and_ends_the_task() -> None:
    change = resolve(FollowUp("open"), "cleared", TODAY, note=" 排除 ")
    assert change.state == FollowUp("cleared", None, "排除")
    assert change.effects == (RestorePass(), CloseTask())


def test_isolation_keeps_the_pass_held_until_cleared() -> None:
    isolated = resolve(FollowUp("open"), "isolation", TODAY, until=date(2020, 3, 5))
    assert isolated.state == FollowUp("isolation", date(2020, 3, 5))
    assert isolated.effects == ()  # nothing given back
    cleared = resolve(isolated.state, "cleared", date(2020, 3, 5))
    assert cleared.state.status == "cleared" and RestorePass() in cleared.effects


@pytest.mark.parametrize("until", [None, TODAY, date(2020, 2, 19)])
def test_isolation_needs_an_end_day_after_today(until: date | None) -> None:
    with pytest.raises(ReasonRequired):
        resolve(FollowUp("open"), "isolation", TODAY, until=until)


@pytest.mark.parametrize(
    ("state", "outcome"),
    [
        (FollowUp("cleared"), "cleared"),
        (FollowUp("cleared"), "isolation"),
        (FollowUp("isolation", date(2020, 3, 1)), "isolation"),
        (FollowUp("open"), "vanish"),
    ],
)
def test_what_a_follow_up_does_not_take(state: FollowUp, outcome: str) -> None:
    with pytest.raises(InvalidTransition):
        resolve(state, outcome, TODAY, until=date(2020, 3, 9))


@pytest.mark.parametrize(
    ("sent", "codes"),
    [
        ("none", ()),
        (["none"], ()),
        ("fatigue,cough", ("cough", "fatigue")),  # the declared order, whatever was sent
        (["cough", "cough"], ("cough",)),
    ],
)
def test_symptoms_are_codes_or_none(sent: str | list[str], codes: tuple[str, ...]) -> None:
    assert parse_symptoms(sent) == codes


@pytest.mark.parametrize("sent", [None, "", " , ", "plague", "none,cough", ["none", "fatigue"]])
def test_symptoms_refused(sent: str | list[str] | None) -> None:
    with pytest.raises(ValueError):
        parse_symptoms(sent)


def test_the_check_in_input_keeps_a_decimal_and_stores_text() -> None:
    checked = HealthCheck.model_validate({"temperature": "37", "symptoms": "cough"})
    assert checked.temperature == Decimal("37.0") and isinstance(checked.temperature, Decimal)
    assert checked.model_dump(mode="json") == {"temperature": "37.0", "symptoms": "cough"}
    assert health_of({"temperature": "37.0", "symptoms": "cough"}) == Health(
        Decimal("37.0"), ("cough",)
    )
    assert health_of({"approved_amount": "1.00"}) is None  # another step's inputs
