"""监管: a worker's health at check-in and the follow-up a fever or a symptom opens.

Pure, as the workflow is: a transition takes the follow-up's state and an action and
returns the new state with its effects (the pass held back or given back, who is told,
the workbench's task); chalicelib/filing/health.py carries them out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Literal

from chalicelib.core.errors import InvalidTransition, ReasonRequired
from chalicelib.core.i18n import N_

# 37.3 °C or above is a fever (发热): such a worker does not check in.
FEVER_FROM = Decimal("37.3")
TEMPERATURE_MIN = Decimal("35.0")
TEMPERATURE_MAX = Decimal("42.0")

NO_SYMPTOMS = "none"
# The symptoms a check-in or a daily report asks about, by code, in the pages' words.
SYMPTOMS: dict[str, str] = {
    "cough": N_("咳嗽"),
    "sore_throat": N_("咽痛"),
    "fatigue": N_("乏力"),
    "short_breath": N_("气促"),
    "diarrhoea": N_("腹泻"),
    "taste_smell": N_("嗅觉、味觉减退"),
    "muscle_ache": N_("肌肉酸痛"),
}
SYMPTOM_LABELS: dict[str, str] = {NO_SYMPTOMS: N_("无上述症状"), **SYMPTOMS}

# The follow-up's task on the lodging town's to-do list: its own partition of the tasks
# ("health#<filing id>"), so that a filing's steps never meet it.
FOLLOW_UP_STEP = "follow_up"
FOLLOW_UP_PREFIX = "health#"
FOLLOW_UP_TITLE = (N_("健康随访"), "Health follow-up")

FollowUpStatus = Literal["open", "isolation", "cleared"]
Outcome = Literal["cleared", "isolation"]
OUTCOMES: tuple[str, ...] = ("cleared", "isolation")
FOLLOW_UP_LABELS: dict[str, str] = {
    "open": N_("待随访"),
    "isolation": N_("隔离观察中"),
    "cleared": N_("已排除"),
}
HELD: frozenset[str] = frozenset({"open", "isolation"})  # the pass stays suspended


@dataclass(frozen=True)
class Health:
    """What a check-in or a daily report records: one temperature, the symptoms."""

    temperature: Decimal
    symptoms: tuple[str, ...] = ()  # codes of SYMPTOMS; empty: none

    @property
    def fever(self) -> bool:
        return self.temperature >= FEVER_FROM

    @property
    def abnormal(self) -> bool:
        """A fever or any symptom: the worker does not check in, a follow-up opens."""
        return self.fever or bool(self.symptoms)


@dataclass(frozen=True)
class FollowUp:
    status: FollowUpStatus = "open"
    isolation_until: date | None = None
    note: str = ""


@dataclass(frozen=True)
class SuspendPass:
    """Hold the worker's pass back (verify answers `suspended`), or the check-in."""


@dataclass(frozen=True)
class RestorePass:
    pass


@dataclass(frozen=True)
class TellDoctor:
    """The village doctor and the town office of the lodging town are told."""


@dataclass(frozen=True)
class OpenTask:
    """A follow-up task in the workbench of the lodging town."""


@dataclass(frozen=True)
class CloseTask:
    pass


SupervisionEffect = SuspendPass | RestorePass | TellDoctor | OpenTask | CloseTask


@dataclass(frozen=True)
class Change:
    state: FollowUp
    effects: tuple[SupervisionEffect, ...]


def check_in(health: Health) -> Change | None:
    """A check-in's health: None (it checks in), or the follow-up it opens instead."""
    if not health.abnormal:
        return None
    return Change(FollowUp(), (SuspendPass(), TellDoctor(), OpenTask()))


def resolve(
    state: FollowUp, outcome: str, today: date, until: date | None = None, note: str = ""
) -> Change:
    """The follow-up's answer: `cleared` gives the pass back and ends the task;
    `isolation` until a day after today keeps the pass held and the task open (it is
    cleared again when the isolation ends)."""
    if state.status == "cleared":
        raise InvalidTransition("follow-up already cleared")
    note = note.strip()
    if outcome == "cleared":
        return Change(
            replace(state, status="cleared", note=note or state.note), (RestorePass(), CloseTask())
        )
    if outcome != "isolation":
        raise InvalidTransition(f"unknown outcome {outcome!r}")
    if state.status == "isolation":
        raise InvalidTransition("already in isolation")
    if until is None or until <= today:
        raise ReasonRequired("isolation_until")
    return Change(replace(state, status="isolation", isolation_until=until, note=note), ())


def parse_symptoms(values: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """The symptom codes as sent (a list, or one comma-separated text), "none" meaning
    none: ValueError naming an unknown code, or "none" beside a symptom."""
    if values is None:
        raise ValueError("symptoms required")
    raw = values.split(",") if isinstance(values, str) else list(values)
    codes = [str(v).strip() for v in raw if str(v).strip()]
    if not codes:
        raise ValueError("symptoms required")
    unknown = [c for c in codes if c not in SYMPTOM_LABELS]
    if unknown:
        raise ValueError(f"unknown symptoms {unknown}")
    if NO_SYMPTOMS in codes and len(codes) > 1:
        raise ValueError("none beside a symptom")
    return tuple(c for c in SYMPTOMS if c in codes)


# --- the days of observation ---------------------------------------------------------


@dataclass(frozen=True)
class Observation:
    """The days of observation from the arrival day (its first), `days` of them, and
    the China days a report came in."""

    first: date
    days: int
    reported: frozenset[date] = frozenset()

    @property
    def last(self) -> date:
        return self.first + timedelta(days=self.days - 1)

    def covers(self, day: date) -> bool:
        return self.first <= day <= self.last

    def done(self, today: date) -> int:
        """Days reported so far (within the period, up to today)."""
        return sum(1 for d in self.reported if self.first <= d <= min(today, self.last))

    def left(self, today: date) -> int:
        """Days still to report: today's if not in yet, and every day after it."""
        if today > self.last:
            return 0
        start = max(today, self.first)
        remaining = (self.last - start).days + 1
        return remaining - (1 if start in self.reported else 0)

    def missing(self, today: date) -> bool:
        """Today is a day of observation and its report has not come in."""
        return self.covers(today) and today not in self.reported


class NotObserved(InvalidTransition):
    """A daily report outside the days of observation (before arrival, or after)."""


class AlreadyReported(InvalidTransition):
    """The day's report is in: a second one is answered, never recorded twice."""


def report(obs: Observation, today: date, health: Health, held: bool) -> Change | None:
    """A day's report: NotObserved outside the days, AlreadyReported for a day already
    in; a fever or a symptom, while no follow-up is open, opens one (the pass suspended
    at once, the doctor told, a task opened); else None (recorded, nothing else)."""
    if not obs.covers(today):
        raise NotObserved(today.isoformat())
    if today in obs.reported:
        raise AlreadyReported(today.isoformat())
    if not health.abnormal or held:
        return None
    return Change(FollowUp(), (SuspendPass(), TellDoctor(), OpenTask()))
