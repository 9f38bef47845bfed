"""The one clock: UTC for what is stored, China time for what people read and for the
day a rule counts from (a pass's first day, a start of work, today's submissions)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, timezone

CHINA = timezone(timedelta(hours=8))


# The local stage's clock may run ahead (POST /dev/clock, chalicelib/web/dev.py): the
# fourteen days of observation walked in minutes. Nothing else moves it, and no deployed
# stage has that route, so there it is always zero.
_ahead = timedelta(0)


def utcnow() -> datetime:
    return datetime.now(UTC) + _ahead


def run_ahead(by: timedelta) -> None:
    """The local stage's clock, `by` ahead of the real one (zero: the real one again)."""
    global _ahead
    _ahead = by


def china_day(moment: datetime) -> date:
    """The China date of a moment (a filing submitted at 23:30 UTC counts tomorrow)."""
    return moment.astimezone(CHINA).date()


def china_today() -> date:
    return china_day(utcnow())


def china_moment(day: date, at: time) -> datetime:
    """A wall-clock time of a China day (a check-in's clock starts at 08:00 of arrival)."""
    return datetime.combine(day, at, tzinfo=CHINA)


def china_time(moment: datetime) -> str:
    return moment.astimezone(CHINA).strftime("%Y-%m-%d %H:%M")
