"""Schedules: a five-field cron line (UTC) or a fixed interval — pure functions.

Cron fields are minute (0-59), hour (0-23), day of month (1-31), month (1-12) and day of
week (0-6, Sunday 0; 7 also Sunday), each ``*``, a number, a range ``a-b``, a list ``a,b``
and an optional step ``/n`` — the POSIX ``crontab`` syntax. As in Vixie cron, when both
day fields are restricted a day matching either one fires.

>>> from datetime import datetime, UTC
>>> cron = parse_cron("*/15 9-18 * * 1-5")
>>> start = datetime(2026, 11, 23, 8, 59, tzinfo=UTC)  # a Monday
>>> [t.strftime("%H:%M") for t in due_times(cron, start, start.replace(hour=9, minute=31))]
['09:00', '09:15', '09:30']
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

_BOUNDS = ((0, 59), (0, 23), (1, 31), (1, 12), (0, 7))
_NAMES = ("minute", "hour", "day", "month", "weekday")
MAX_SCAN = timedelta(days=2)
"""A worker that was down longer fires a missed schedule once, not once per missed minute."""


@dataclass(frozen=True)
class Cron:
    minutes: frozenset[int]
    hours: frozenset[int]
    days: frozenset[int]
    months: frozenset[int]
    weekdays: frozenset[int]
    any_day: bool
    any_weekday: bool

    def matches(self, moment: datetime) -> bool:
        if moment.minute not in self.minutes or moment.hour not in self.hours:
            return False
        if moment.month not in self.months:
            return False
        day_ok = moment.day in self.days
        weekday_ok = (moment.isoweekday() % 7) in self.weekdays
        if self.any_day or self.any_weekday:
            return day_ok and weekday_ok
        return day_ok or weekday_ok


def parse_cron(line: str) -> Cron:
    """Parse a cron line; a ``ValueError`` names the field that is wrong."""
    parts = line.split()
    if len(parts) != 5:
        raise ValueError(f"cron {line!r}: want 5 fields (minute hour day month weekday)")
    sets = [
        _field(p, lo, hi, name) for p, (lo, hi), name in zip(parts, _BOUNDS, _NAMES, strict=True)
    ]
    weekdays = frozenset(d % 7 for d in sets[4])
    return Cron(sets[0], sets[1], sets[2], sets[3], weekdays, parts[2] == "*", parts[4] == "*")


def _field(text: str, lo: int, hi: int, name: str) -> frozenset[int]:
    values: set[int] = set()
    for item in text.split(","):
        base, _, step_text = item.partition("/")
        try:
            step = int(step_text) if step_text else 1
            if base == "*":
                start, stop = lo, hi
            elif "-" in base:
                a, b = base.split("-", 1)
                start, stop = int(a), int(b)
            else:
                start = stop = int(base)
                if step_text:
                    stop = hi
        except ValueError:
            raise ValueError(f"cron {name} {text!r}: not a number, range or step") from None
        if step < 1 or not lo <= start <= stop <= hi:
            raise ValueError(f"cron {name} {text!r}: outside {lo}-{hi}")
        values.update(range(start, stop + 1, step))
    return frozenset(values)


def due_times(cron: Cron, after: datetime, until: datetime) -> list[datetime]:
    """Minutes in ``(after, until]`` the cron line fires at (scan capped at :data:`MAX_SCAN`)."""
    start = max(after, until - MAX_SCAN).replace(second=0, microsecond=0) + timedelta(minutes=1)
    found = []
    moment = start
    while moment <= until:
        if cron.matches(moment):
            found.append(moment)
        moment += timedelta(minutes=1)
    return found


def interval_due(last: datetime | None, now: datetime, every_minutes: int) -> bool:
    """Whether an interval schedule is due: never run, or ``every_minutes`` have passed."""
    return last is None or now - last >= timedelta(minutes=every_minutes)
