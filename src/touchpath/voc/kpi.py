"""NPS, CSAT and CES with their intervals, per touchpoint / stage / channel and period.

Pure functions from a feedback table (pandas, one row per answer) to KPI tables. Every
formula, with its source, is in docs/voc.md; in short (``z`` = 1.96 for 95 %):

* **NPS** = 100·(P − D)/n. Each answer is +1 (promoter, 9–10), 0 (passive) or −1 (detractor,
  0–6); the variance of that mean is ``(p_P + p_D − (p_P − p_D)²)/n``, so the interval is
  NPS ± z·100·√that (the multinomial "Wald" interval).
* **CSAT** = 100·(answers of 4–5)/n with the Wilson score interval.
* **CES** = mean score (1–7) with the Student t interval.
* **Response rate** = rated answers / invitations, where invitations are known.
* **Change between two periods**: z-test on the NPS difference (variances add); the pooled
  two-proportion z-test for CSAT; Welch's t-test for CES.

>>> import pandas as pd
>>> s = nps_stats(pd.Series([10, 9, 8, 3]))
>>> s.nps, round(s.low, 1), round(s.high, 1)
(25.0, -56.3, 100.0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import Literal, cast

import numpy as np
import pandas as pd

from touchpath.errors import TouchpathError
from touchpath.i18n import _

__all__ = [
    "BY",
    "PERIODS",
    "CesStats",
    "CsatStats",
    "NpsStats",
    "ces_stats",
    "compare_periods",
    "csat_stats",
    "kpi_table",
    "nps_stats",
    "period_labels",
    "reaction_table",
]

NORMAL = NormalDist()
Z95 = NORMAL.inv_cdf(0.975)
BY: tuple[str, ...] = ("touchpoint", "stage", "channel", "all")
PERIODS: tuple[str, ...] = ("month", "week", "quarter")
Period = Literal["month", "week", "quarter"]
MIN_N = 10
"""Fewest answers in each period for a change to count as significant."""


class KpiError(TouchpathError):
    """A KPI request that cannot be answered (an unknown grouping or period)."""


@dataclass(frozen=True)
class NpsStats:
    n: int
    promoters: int
    passives: int
    detractors: int
    nps: float
    se: float
    low: float
    high: float


@dataclass(frozen=True)
class CsatStats:
    n: int
    satisfied: int
    csat: float
    low: float
    high: float


@dataclass(frozen=True)
class CesStats:
    n: int
    mean: float
    sd: float
    low: float
    high: float


NAN = float("nan")


def nps_stats(scores: pd.Series, *, z: float = Z95) -> NpsStats:
    """NPS (−100…100) of 0–10 answers, with its standard error and interval."""
    s = scores.dropna()
    n = int(s.size)
    if n == 0:
        return NpsStats(0, 0, 0, 0, NAN, NAN, NAN, NAN)
    promoters = int((s >= 9).sum())
    detractors = int((s <= 6).sum())
    p, d = promoters / n, detractors / n
    nps = 100 * (p - d)
    se = 100 * math.sqrt(max(p + d - (p - d) ** 2, 0.0) / n)
    return NpsStats(
        n,
        promoters,
        n - promoters - detractors,
        detractors,
        nps,
        se,
        max(-100.0, nps - z * se),
        min(100.0, nps + z * se),
    )


def csat_stats(scores: pd.Series, *, z: float = Z95) -> CsatStats:
    """CSAT (% of 4–5 on a 1–5 scale) with the Wilson score interval."""
    s = scores.dropna()
    n = int(s.size)
    if n == 0:
        return CsatStats(0, 0, NAN, NAN, NAN)
    k = int((s >= 4).sum())
    low, high = wilson(k, n, z=z)
    return CsatStats(n, k, 100 * k / n, 100 * low, 100 * high)


def wilson(k: int, n: int, *, z: float = Z95) -> tuple[float, float]:
    """Wilson (1927) score interval of a proportion k/n."""
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z / denom * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return max(0.0, centre - half), min(1.0, centre + half)


def ces_stats(scores: pd.Series, *, level: float = 0.95) -> CesStats:
    """Mean CES (1–7) with the Student t interval (no interval for one answer)."""
    s = scores.dropna().astype(float)
    n = int(s.size)
    if n == 0:
        return CesStats(0, NAN, NAN, NAN, NAN)
    mean = float(s.mean())
    if n == 1:
        return CesStats(1, mean, NAN, NAN, NAN)
    from scipy.special import stdtrit  # Student's t quantile (scipy.stats is a slow import)

    sd = float(s.std(ddof=1))
    half = float(stdtrit(n - 1, (1 + level) / 2)) * sd / math.sqrt(n)
    return CesStats(n, mean, sd, mean - half, mean + half)


def period_labels(ts: pd.Series, period: str) -> pd.Series:
    """``2025-03`` (month), ``2025Q1`` (quarter) or the Monday of the ISO week (week)."""
    if period not in PERIODS:
        raise KpiError(_("unknown period {p!r} (month, week, quarter)").format(p=period))
    utc = pd.to_datetime(ts, utc=True).dt.tz_convert(None)
    if period == "month":
        return utc.dt.strftime("%Y-%m")
    if period == "quarter":
        return utc.dt.year.astype(str) + "Q" + utc.dt.quarter.astype(str)
    monday = utc.dt.normalize() - pd.to_timedelta(utc.dt.day_of_week, unit="D")
    return monday.dt.strftime("%Y-%m-%d")


def group_values(frame: pd.DataFrame, by: str) -> pd.Series:
    if by not in BY:
        raise KpiError(_("unknown grouping {by!r} (touchpoint, stage, channel, all)").format(by=by))
    if by == "all":
        return pd.Series("all", index=frame.index, dtype=object)
    return frame[by].astype(object).where(frame[by].notna(), None)


def _keys(frame: pd.DataFrame, by: str, period: str | None) -> list[pd.Series]:
    keys = [group_values(frame, by).rename("group")]
    if period is not None:
        keys.append(period_labels(frame["ts"], period).rename("period"))
    return keys


def kpi_table(
    feedback: pd.DataFrame,
    *,
    by: str = "touchpoint",
    period: str | None = None,
    invitations: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per group (and period): NPS, CSAT, CES with intervals, reactions, response rate.

    ``feedback`` has the ``feedback`` table's columns (ts, touchpoint, stage, channel, kind,
    score, reaction); ``invitations`` the ``feedback_invitations`` ones.
    """
    columns = [
        "group",
        "period",
        "responses",
        "nps_n",
        "nps",
        "nps_low",
        "nps_high",
        "csat_n",
        "csat",
        "csat_low",
        "csat_high",
        "ces_n",
        "ces",
        "ces_low",
        "ces_high",
        "stars_n",
        "stars",
        "reactions",
        "positive",
        "negative",
        "neutral",
        "invitations",
        "response_rate",
    ]
    if feedback.empty:
        return pd.DataFrame(columns=columns)
    keys = _keys(feedback, by, period)
    frame = feedback.assign(group=keys[0], period=keys[1] if period else None)
    invited: dict[tuple[object, object], int] = {}
    if invitations is not None and not invitations.empty:
        ik = _keys(invitations, by, period)
        grouped = (
            pd.DataFrame({"g": ik[0], "p": ik[1] if period else None})
            .groupby(["g", "p"], dropna=False)
            .size()
        )
        for key, v in grouped.items():
            g, p = cast(tuple[object, object], key)
            invited[(None if _missing(g) else g, None if _missing(p) else p)] = int(v)
    frame["group"] = frame["group"].astype(object).where(frame["group"].notna(), MISSING)
    frame["period"] = frame["period"].astype(object).where(frame["period"].notna(), MISSING)
    keys2 = ["group", "period"]
    out = frame.groupby(keys2, sort=True).size().rename("responses").to_frame()
    score = frame["score"]
    for kind in ("nps", "csat", "ces", "stars"):
        part = frame.loc[(frame["kind"] == kind) & score.notna()]
        g = part.groupby(keys2)["score"]
        agg = pd.DataFrame(
            {
                f"{kind}_n": g.size(),
                f"{kind}_mean": g.mean(),
                f"{kind}_sd": g.std(ddof=1),
                f"{kind}_top": part.assign(top=part["score"] >= (9 if kind == "nps" else 4))
                .groupby(keys2)["top"]
                .sum(),
                f"{kind}_low6": part.assign(low=part["score"] <= 6).groupby(keys2)["low"].sum(),
            }
        )
        out = out.join(agg, how="left")
    reacted = frame.loc[frame["reaction"].notna()]
    counts = pd.crosstab([reacted["group"], reacted["period"]], reacted["reaction"]).reindex(
        columns=list(REACTIONS), fill_value=0
    )
    counts.index.names = keys2
    out = out.join(counts, how="left")
    return _finish(out, columns, invited)


REACTIONS = ("positive", "negative", "neutral")
MISSING = "\u2400"
"""Stands for "no group" / "no period" while grouping (pandas drops None keys)."""


def _finish(
    out: pd.DataFrame, columns: list[str], invited: dict[tuple[object, object], int]
) -> pd.DataFrame:
    """The KPI columns from per-group counts, means and deviations (the formulas above)."""
    from scipy.special import stdtrit

    def n_of(kind: str) -> pd.Series:
        return out[f"{kind}_n"].fillna(0).astype(int)

    res = pd.DataFrame(index=out.index)
    res["responses"] = out["responses"].astype(int)
    # NPS, Wald interval of p − d
    n = n_of("nps")
    p = out["nps_top"] / n.where(n > 0)
    d = out["nps_low6"] / n.where(n > 0)
    nps = 100 * (p - d)
    se = 100 * np.sqrt(np.maximum(p + d - (p - d) ** 2, 0.0) / n.where(n > 0))
    res["nps_n"], res["nps"] = n, nps
    res["nps_low"] = np.maximum(-100.0, nps - Z95 * se)
    res["nps_high"] = np.minimum(100.0, nps + Z95 * se)
    # CSAT, Wilson score interval
    n = n_of("csat")
    nn = n.where(n > 0)
    q = out["csat_top"] / nn
    z2 = Z95 * Z95
    centre = (q + z2 / (2 * nn)) / (1 + z2 / nn)
    half = Z95 / (1 + z2 / nn) * np.sqrt(q * (1 - q) / nn + z2 / (4 * nn * nn))
    res["csat_n"], res["csat"] = n, 100 * q
    res["csat_low"] = 100 * np.maximum(0.0, centre - half)
    res["csat_high"] = 100 * np.minimum(1.0, centre + half)
    # CES, Student t interval (none for a single answer)
    n = n_of("ces")
    mean = out["ces_mean"]
    t = pd.Series(stdtrit(np.maximum(n - 1, 1), 0.975), index=out.index).where(n > 1)
    half_t = t * out["ces_sd"] / np.sqrt(n.where(n > 1))
    res["ces_n"], res["ces"] = n, mean
    res["ces_low"], res["ces_high"] = mean - half_t, mean + half_t
    res["stars_n"], res["stars"] = n_of("stars"), out["stars_mean"]
    counts = out[list(REACTIONS)].fillna(0)
    total = counts.sum(axis=1)
    res["reactions"] = total.astype(int)
    for reaction in REACTIONS:
        res[reaction] = counts[reaction] / total.where(total > 0)
    rated = n_of("nps") + n_of("csat") + n_of("ces") + n_of("stars")
    res = res.reset_index()
    for key in ("group", "period"):
        res[key] = res[key].astype(object).where(res[key] != MISSING, None)
    res["invitations"] = [
        invited.get((g, p)) for g, p in zip(res["group"], res["period"], strict=True)
    ]
    inv = pd.to_numeric(res["invitations"], errors="coerce")
    res["response_rate"] = rated.to_numpy() / inv.where(inv > 0)
    res["invitations"] = res["invitations"].astype(object)
    return res[columns]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def reaction_table(feedback: pd.DataFrame, *, by: str = "touchpoint") -> pd.DataFrame:
    """Shares of positive / negative / neutral reactions per group, and their count n."""
    part = feedback.loc[feedback["reaction"].notna()]
    columns = [by if by != "all" else "group", "positive", "negative", "neutral", "n"]
    if part.empty:
        return pd.DataFrame(columns=columns)
    groups = group_values(part, by)
    counts = pd.crosstab(groups, part["reaction"]).reindex(
        columns=["positive", "negative", "neutral"], fill_value=0
    )
    n = counts.sum(axis=1)
    shares = counts.div(n, axis=0)
    out = shares.assign(n=n).reset_index()
    out.columns = columns
    return out.sort_values(columns[0], key=lambda s: s.astype(str)).reset_index(drop=True)


def compare_periods(
    feedback: pd.DataFrame,
    *,
    by: str = "touchpoint",
    period: str = "month",
    alpha: float = 0.05,
    min_n: int = MIN_N,
) -> pd.DataFrame:
    """The change of NPS, CSAT and CES between the last two periods of each group.

    Columns: group, metric, previous_period, period, previous, value, change, statistic,
    p_value, significant (p < alpha and both periods have at least ``min_n`` answers: the
    normal approximation needs them), n_previous, n.
    """
    columns = [
        "group",
        "metric",
        "previous_period",
        "period",
        "previous",
        "value",
        "change",
        "statistic",
        "p_value",
        "significant",
        "n_previous",
        "n",
    ]
    if feedback.empty:
        return pd.DataFrame(columns=columns)
    keys = _keys(feedback, by, period)
    frame = feedback.assign(group=keys[0], period=keys[1])
    rows = []
    for metric in ("nps", "csat", "ces"):
        part = frame.loc[(frame["kind"] == metric) & frame["score"].notna()]
        for group, gpart in part.groupby("group", dropna=False, sort=True):
            labels = sorted(gpart["period"].unique())
            if len(labels) < 2:
                continue
            before = gpart.loc[gpart["period"] == labels[-2], "score"]
            after = gpart.loc[gpart["period"] == labels[-1], "score"]
            prev, value, stat, p = _test(metric, before, after)
            rows.append(
                {
                    "group": None if _missing(group) else group,
                    "metric": metric,
                    "previous_period": labels[-2],
                    "period": labels[-1],
                    "previous": prev,
                    "value": value,
                    "change": value - prev,
                    "statistic": stat,
                    "p_value": p,
                    "significant": bool(
                        not math.isnan(p) and p < alpha and min(before.size, after.size) >= min_n
                    ),
                    "n_previous": int(before.size),
                    "n": int(after.size),
                }
            )
    return pd.DataFrame(rows, columns=columns)


def _test(metric: str, before: pd.Series, after: pd.Series) -> tuple[float, float, float, float]:
    """(previous, value, statistic, two-sided p) for one metric's change."""
    if metric == "nps":
        a, b = nps_stats(before), nps_stats(after)
        se = math.hypot(a.se, b.se)
        z = (b.nps - a.nps) / se if se > 0 else NAN
        return a.nps, b.nps, z, _two_sided(z)
    if metric == "csat":
        ca, cb = csat_stats(before), csat_stats(after)
        pooled = (ca.satisfied + cb.satisfied) / (ca.n + cb.n)
        se = math.sqrt(pooled * (1 - pooled) * (1 / ca.n + 1 / cb.n))
        z = (cb.csat - ca.csat) / 100 / se if se > 0 else NAN
        return ca.csat, cb.csat, z, _two_sided(z)
    ea, eb = ces_stats(before), ces_stats(after)
    if ea.n < 2 or eb.n < 2:
        return ea.mean, eb.mean, NAN, NAN
    t, p = welch(after.astype(float), before.astype(float))
    return ea.mean, eb.mean, t, p


def welch(a: pd.Series, b: pd.Series) -> tuple[float, float]:
    """Welch's t statistic of mean(a) − mean(b) and its two-sided p (Welch 1947).

    t = (ā − b̄) / √(s²ₐ/nₐ + s²_b/n_b), with the Welch–Satterthwaite degrees of freedom;
    NaN when both samples have no spread.
    """
    from scipy.special import stdtr

    na, nb = a.size, b.size
    va, vb = float(a.var(ddof=1)) / na, float(b.var(ddof=1)) / nb
    if va + vb <= 0:
        return NAN, NAN
    t = (float(a.mean()) - float(b.mean())) / math.sqrt(va + vb)
    df = (va + vb) ** 2 / (va**2 / (na - 1) + vb**2 / (nb - 1))
    return t, float(2 * stdtr(df, -abs(t)))


def _two_sided(z: float) -> float:
    return NAN if math.isnan(z) else 2 * NORMAL.cdf(-abs(z))
