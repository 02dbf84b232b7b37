"""One source row → one checked feedback record, or the field and reason it was refused.

Pure: no files, no database. :mod:`touchpath.voc.importer` reads files into raw dicts and
hands them here; :mod:`touchpath.store.feedback` writes what comes back.

Rating scales (and what a rating says about the customer's reaction) are the standard
ones, documented in docs/voc.md:

==========  =========  ======================  ============  ===========
kind        scale      positive                neutral       negative
==========  =========  ======================  ============  ===========
nps         0–10       9–10 (promoters)        7–8           0–6
csat        1–5        4–5                     3             1–2
ces         1–7        5–7 (easy)              4             1–3
stars       1–5        4–5                     3             1–2
==========  =========  ======================  ============  ===========

>>> reaction_from_rating("nps", 9), reaction_from_rating("ces", 2)
('positive', 'negative')
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, tzinfo
from zoneinfo import ZoneInfo

from touchpath.i18n import _
from touchpath.model import Catalogue
from touchpath.model.vocab import Channel
from touchpath.voc.mapping import FeedbackMapping

SCALES: dict[str, tuple[int, int]] = {
    "nps": (0, 10),
    "csat": (1, 5),
    "ces": (1, 7),
    "stars": (1, 5),
}
"""Lowest and highest answer of each rated kind."""

THRESHOLDS: dict[str, tuple[float, float]] = {
    "nps": (6, 9),
    "csat": (2, 4),
    "ces": (3, 5),
    "stars": (2, 4),
}
"""(highest negative, lowest positive) per kind; scores in between are neutral."""

KINDS: tuple[str, ...] = ("nps", "csat", "ces", "stars", "text")
CHANNELS = frozenset(c.value for c in Channel)


@dataclass(frozen=True)
class Known:
    """What the catalogue knows: touchpoint → (first stage, channel), and stage ids.

    An empty ``touchpoints`` accepts any touchpoint id (a workspace with no catalogue yet).
    """

    touchpoints: Mapping[str, tuple[str | None, str | None]] = field(default_factory=dict)
    stages: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Problem:
    """Why a row was refused: the field (None: the whole row) and the reason."""

    field: str | None
    reason: str


class RowError(Exception):
    """Raised inside :func:`check_row`; carries the :class:`Problem`."""

    def __init__(self, field: str | None, reason: str) -> None:
        super().__init__(reason)
        self.problem = Problem(field, reason)


def reaction_from_rating(kind: str, score: float) -> str:
    """Positive, neutral or negative from a rating, by the thresholds in :data:`THRESHOLDS`."""
    low, high = THRESHOLDS[kind]
    if score >= high:
        return "positive"
    if score <= low:
        return "negative"
    return "neutral"


def check_row(
    raw: Mapping[str, object], mapping: FeedbackMapping, known: Known
) -> dict[str, object]:
    """A feedback record (the ``feedback`` table's columns) from one source row.

    Raises :class:`RowError` naming the source column of the first bad field.
    """
    tz = ZoneInfo(mapping.timezone)

    def get(name: str) -> str | None:
        column = mapping.source(name)
        value = raw.get(column)
        if value is None or (isinstance(value, str) and not value.strip()):
            value = mapping.defaults.get(name)  # type: ignore[call-overload]
        if value is None:
            return None
        text = str(value).strip()
        table = mapping.values.get(name)  # type: ignore[call-overload]
        if table is not None and text in table:
            text = table[text]
        return text or None

    def bad(name: str, reason: str) -> RowError:
        return RowError(mapping.source(name), reason)

    ts_text = get("ts")
    if ts_text is None:
        raise bad("ts", _("a time is required"))
    ts = parse_time(ts_text, mapping.timestamp_format, tz)
    if ts is None:
        expected = mapping.timestamp_format or "ISO 8601, e.g. 2025-03-30T14:05:00+03:00"
        raise bad(
            "ts",
            _("{value!r} is not a time (expected {expected})").format(
                value=ts_text, expected=expected
            ),
        )
    score_text = get("score")
    text = get("text")
    kind = (get("kind") or ("text" if score_text is None and text else "")).lower()
    if kind not in KINDS:
        raise bad(
            "kind",
            _("{value!r} is not a feedback kind ({kinds})").format(
                value=kind, kinds=", ".join(KINDS)
            )
            if kind
            else _("a kind is required ({kinds})").format(kinds=", ".join(KINDS)),
        )
    score = _score(score_text, kind, mapping.source("score"))
    if kind == "text" and not text:
        raise bad("text", _("a text review needs a text"))
    touchpoint = get("touchpoint")
    stage = get("stage")
    channel = get("channel")
    if touchpoint is not None and known.touchpoints:
        if touchpoint not in known.touchpoints:
            raise bad("touchpoint", _("unknown touchpoint {value!r}").format(value=touchpoint))
        default_stage, default_channel = known.touchpoints[touchpoint]
        stage = stage or default_stage
        channel = channel or default_channel
    if stage is not None and known.stages and stage not in known.stages:
        raise bad("stage", _("unknown stage {value!r}").format(value=stage))
    if channel is not None and channel not in CHANNELS:
        raise bad("channel", _("unknown channel {value!r}").format(value=channel))
    language = get("language")
    if language is not None:
        language = language.replace("-", "_").split("_")[0].lower()[:8]
    customer = get("customer_id")
    feedback_id = get("feedback_id")
    if feedback_id is None:
        if mapping.source("feedback_id") in raw:
            raise bad("feedback_id", _("an id is required"))
        feedback_id = derived_id(customer, ts, touchpoint, stage, kind, score, text)
    for name, value, limit in (("feedback_id", feedback_id, 200), ("customer_id", customer, 200)):
        if value is not None and len(value) > limit:
            raise bad(name, _("longer than {n} characters").format(n=limit))
    for name, value in (("touchpoint", touchpoint), ("stage", stage)):
        if value is not None and len(value) > 64:
            raise bad(name, _("longer than {n} characters").format(n=64))
    reaction = None if score is None else reaction_from_rating(kind, score)
    return {
        "feedback_id": feedback_id,
        "customer_id": customer,
        "ts": ts,
        "touchpoint": touchpoint,
        "stage": stage,
        "channel": channel,
        "kind": kind,
        "score": score,
        "text": text,
        "language": language,
        "reaction": reaction,
        "reaction_source": None if reaction is None else "rating",
    }


def _score(text: str | None, kind: str, column: str) -> float | None:
    if kind == "text":
        if text is not None:
            raise RowError(column, _("a text review has no score; give a kind"))
        return None
    if text is None:
        raise RowError(column, _("a {kind} answer needs a score").format(kind=kind))
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise RowError(column, _("{value!r} is not a number").format(value=text)) from None
    low, high = SCALES[kind]
    if not math.isfinite(value) or not low <= value <= high:
        raise RowError(
            column,
            _("{value} is outside the {kind} scale {low}–{high}").format(
                value=text, kind=kind, low=low, high=high
            ),
        )
    return value


def parse_time(text: str, fmt: str | None, tz: tzinfo) -> datetime | None:
    """An aware time from ISO 8601, ``fmt`` or epoch seconds; naive times are in ``tz``."""
    value: datetime | None = None
    try:
        value = datetime.strptime(text, fmt) if fmt else datetime.fromisoformat(text)
    except ValueError:
        try:
            number = float(text)
        except ValueError:
            return None
        if not math.isfinite(number) or not 0 <= number < 1e11:
            return None
        return datetime.fromtimestamp(number, UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value.astimezone(UTC)


def derived_id(*parts: object) -> str:
    """A stable id from a row's content, for exports without an answer id."""
    joined = "\x1f".join(
        "" if p is None else (p.isoformat() if isinstance(p, datetime) else str(p)) for p in parts
    )
    return "h:" + hashlib.sha256(joined.encode()).hexdigest()[:32]


def check_invitation(
    raw: Mapping[str, object], mapping: FeedbackMapping, known: Known
) -> dict[str, object]:
    """An invitation record (the ``feedback_invitations`` columns) from one source row.

    The id comes from the ``feedback_id`` mapping, else an ``invitation_id`` column.
    """
    if "feedback_id" not in mapping.columns and "invitation_id" in raw:
        mapping = mapping.model_copy(
            update={"columns": {**mapping.columns, "feedback_id": "invitation_id"}}
        )
    kind = (str(raw.get(mapping.source("kind")) or mapping.defaults.get("kind") or "")).strip()
    probe = dict(raw)
    # reuse the answer checks with a neutral score so ids, times and places are checked alike
    probe[mapping.source("kind")] = "csat"
    probe[mapping.source("score")] = "3"
    probe[mapping.source("text")] = ""
    record = check_row(probe, mapping, known)
    if kind and kind.lower() not in KINDS:
        raise RowError(
            mapping.source("kind"),
            _("{value!r} is not a feedback kind ({kinds})").format(
                value=kind, kinds=", ".join(KINDS)
            ),
        )
    if record["feedback_id"] is not None and str(record["feedback_id"]).startswith("h:"):
        record["feedback_id"] = derived_id(
            record["customer_id"], record["ts"], record["touchpoint"], record["stage"], kind
        )
    return {
        "invitation_id": record["feedback_id"],
        "customer_id": record["customer_id"],
        "ts": record["ts"],
        "touchpoint": record["touchpoint"],
        "stage": record["stage"],
        "channel": record["channel"],
        "kind": kind.lower() or None,
    }


def known_from_catalogue(catalogue: Catalogue) -> Known:
    """What a catalogue allows: its touchpoints (with first stage and channel) and stages."""
    return Known(
        touchpoints={
            t.id: (t.stages[0] if t.stages else None, str(t.channel)) for t in catalogue.touchpoints
        },
        stages=frozenset(s.id for s in catalogue.stages),
    )
