"""KPI formulas on hand-worked examples and against computations written here independently."""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from touchpath.voc.kpi import (
    KpiError,
    ces_stats,
    compare_periods,
    csat_stats,
    kpi_table,
    nps_stats,
    period_labels,
    reaction_table,
)


def frame(rows: list[tuple[str, str, str, float | None, str | None]]) -> pd.DataFrame:
    """(ts, touchpoint, kind, score, reaction) rows as a feedback frame."""
    return pd.DataFrame(
        {
            "ts": pd.to_datetime([r[0] for r in rows], utc=True),
            "touchpoint": [r[1] for r in rows],
            "stage": ["purchase"] * len(rows),
            "channel": ["site"] * len(rows),
            "kind": [r[2] for r in rows],
            "score": [r[3] for r in rows],
            "reaction": [r[4] for r in rows],
        }
    )


def test_nps_by_hand() -> None:
    # 10 answers: 5 promoters (9, 10), 2 passives (7, 8), 3 detractors (0–6)
    s = nps_stats(pd.Series([10, 9, 9, 10, 9, 7, 8, 6, 0, 3]))
    assert (s.promoters, s.passives, s.detractors) == (5, 2, 3)
    assert s.nps == pytest.approx(20.0)
    # by hand: p=.5, d=.3; var = (.5 + .3 - .2²)/10 = .076; se = 100·√.076 = 27.5681
    assert s.se == pytest.approx(27.5681, abs=1e-4)
    assert s.low == pytest.approx(20 - 1.959964 * 27.5681, abs=1e-3)


def test_nps_interval_equals_the_variance_of_the_plus_minus_one_scores() -> None:
    """Independent computation: recode each answer to +1/0/−1 and take the sample mean's
    variance with ddof=0 (the multinomial variance), for random samples."""
    rng = random.Random(7)
    for _ in range(20):
        scores = [rng.randint(0, 10) for _ in range(rng.randint(5, 400))]
        coded = np.array([1 if x >= 9 else -1 if x <= 6 else 0 for x in scores], dtype=float)
        se = 100 * coded.std(ddof=0) / math.sqrt(coded.size)
        s = nps_stats(pd.Series(scores))
        assert s.nps == pytest.approx(100 * coded.mean())
        assert s.se == pytest.approx(se)
        assert s.high == pytest.approx(min(100, 100 * coded.mean() + stats.norm.ppf(0.975) * se))


def test_csat_wilson_against_scipy() -> None:
    scores = pd.Series([5, 4, 4, 3, 2, 5, 1, 4, 5, 3, 4, 4])
    c = csat_stats(scores)
    assert (c.n, c.satisfied) == (12, 8)
    assert c.csat == pytest.approx(100 * 8 / 12)
    ci = stats.binomtest(8, 12).proportion_ci(confidence_level=0.95, method="wilson")
    assert (c.low, c.high) == (pytest.approx(100 * ci.low), pytest.approx(100 * ci.high))


def test_ces_t_interval_by_hand() -> None:
    scores = pd.Series([7, 6, 5, 6, 2])
    e = ces_stats(scores)
    # mean 5.2, sd = √((1.8²+.8²+.2²+.8²+3.2²)/4) = √(14.8/4) = 1.923538
    assert e.mean == pytest.approx(5.2)
    assert e.sd == pytest.approx(math.sqrt(14.8 / 4))
    half = 2.776445 * math.sqrt(14.8 / 4) / math.sqrt(5)  # t(0.975, 4) = 2.776445
    assert (e.low, e.high) == (
        pytest.approx(5.2 - half, abs=1e-5),
        pytest.approx(5.2 + half, abs=1e-5),
    )
    assert math.isnan(ces_stats(pd.Series([4])).low)


def test_kpi_table_groups_and_reactions() -> None:
    rows = [
        ("2025-03-01", "chat", "nps", 10, "positive"),
        ("2025-03-02", "chat", "nps", 3, "negative"),
        ("2025-03-03", "chat", "csat", 5, "positive"),
        ("2025-03-03", "chat", "text", None, "negative"),
        ("2025-03-04", "site", "ces", 6, "positive"),
        ("2025-03-04", "site", "ces", 4, "neutral"),
    ]
    table = kpi_table(frame(rows), by="touchpoint").set_index("group")
    assert table.loc["chat", "responses"] == 4
    assert table.loc["chat", "nps"] == pytest.approx(0.0)
    assert table.loc["chat", "csat"] == pytest.approx(100.0)
    assert table.loc["chat", "negative"] == pytest.approx(0.5)
    assert table.loc["site", "ces"] == pytest.approx(5.0)
    assert math.isnan(table.loc["site", "nps"])
    shares = reaction_table(frame(rows)).set_index("touchpoint")
    assert shares.loc["chat", ["positive", "negative", "neutral", "n"]].tolist() == [
        0.5,
        0.5,
        0.0,
        4,
    ]
    assert shares[["positive", "negative", "neutral"]].sum(axis=1).tolist() == [1.0, 1.0]


def test_response_rate_uses_invitations() -> None:
    rows = [
        ("2025-03-01", "chat", "nps", 9, "positive"),
        ("2025-03-02", "chat", "csat", 2, "negative"),
    ]
    invitations = pd.DataFrame(
        {
            "ts": pd.to_datetime(["2025-03-01"] * 8, utc=True),
            "touchpoint": ["chat"] * 8,
            "stage": None,
            "channel": None,
        }
    )
    table = kpi_table(frame(rows), by="touchpoint", invitations=invitations)
    assert table.loc[0, "invitations"] == 8 and table.loc[0, "response_rate"] == pytest.approx(0.25)


def test_periods_and_labels() -> None:
    ts = pd.Series(pd.to_datetime(["2025-03-30T23:30:00Z", "2025-04-02T00:00:00Z"], utc=True))
    assert period_labels(ts, "month").tolist() == ["2025-03", "2025-04"]
    assert period_labels(ts, "quarter").tolist() == ["2025Q1", "2025Q2"]
    assert period_labels(ts, "week").tolist() == ["2025-03-24", "2025-03-31"]
    with pytest.raises(KpiError, match="period"):
        period_labels(ts, "year")
    with pytest.raises(KpiError, match="grouping"):
        kpi_table(frame([("2025-03-01", "chat", "nps", 9, None)]), by="colour")


def test_nps_drop_z_test_by_hand() -> None:
    # March: 60 promoters, 20 passives, 20 detractors (NPS 40); April: 30/20/50 (NPS −20)
    march = [("2025-03-10", "chat", "nps", s, None) for s in [10] * 60 + [8] * 20 + [2] * 20]
    april = [("2025-04-10", "chat", "nps", s, None) for s in [9] * 30 + [7] * 20 + [5] * 50]
    changes = compare_periods(frame(march + april), by="touchpoint", period="month")
    row = changes.loc[changes["metric"] == "nps"].iloc[0]
    v1 = (0.6 + 0.2 - 0.4**2) / 100
    v2 = (0.3 + 0.5 - 0.2**2) / 100
    z = (-0.2 - 0.4) / math.sqrt(v1 + v2)
    assert (row["previous"], row["value"]) == (pytest.approx(40.0), pytest.approx(-20.0))
    assert row["statistic"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(2 * (1 - stats.norm.cdf(abs(z))))
    assert bool(row["significant"])


def test_csat_change_is_the_pooled_two_proportion_test() -> None:
    march = [("2025-03-10", "chat", "csat", s, None) for s in [5] * 40 + [2] * 10]
    april = [("2025-04-10", "chat", "csat", s, None) for s in [4] * 30 + [1] * 20]
    row = compare_periods(frame(march + april), period="month").iloc[0]
    pooled = 70 / 100
    z = (0.6 - 0.8) / math.sqrt(pooled * (1 - pooled) * (1 / 50 + 1 / 50))
    assert row["statistic"] == pytest.approx(z)
    assert row["p_value"] == pytest.approx(2 * stats.norm.sf(abs(z)))


def test_a_small_change_is_not_significant() -> None:
    march = [("2025-03-10", "chat", "nps", s, None) for s in [10, 9, 3, 8]]
    april = [("2025-04-10", "chat", "nps", s, None) for s in [10, 4, 3, 8]]
    row = compare_periods(frame(march + april), period="month").iloc[0]
    # NPS 25 → −25 on four answers each: a big swing, but within the noise
    assert row["change"] == pytest.approx(-50.0) and not row["significant"]


def test_too_few_answers_are_never_significant() -> None:
    march = [("2025-03-10", "chat", "nps", s, None) for s in [10] * 6 + [8]]
    april = [("2025-04-10", "chat", "nps", s, None) for s in [2] * 6 + [8]]
    loose = compare_periods(frame(march + april), period="month", min_n=1).iloc[0]
    strict = compare_periods(frame(march + april), period="month").iloc[0]
    assert loose["p_value"] < 0.001 and bool(loose["significant"])
    assert strict["p_value"] == loose["p_value"] and not strict["significant"]


def test_ces_change_is_welchs_test_as_scipy_computes_it() -> None:
    march = [("2025-03-10", "chat", "ces", s, None) for s in [6, 7, 5, 6, 7, 6, 5, 7, 6, 6, 4]]
    april = [("2025-04-10", "chat", "ces", s, None) for s in [3, 4, 2, 5, 3, 4, 1, 3, 4, 2, 6, 3]]
    row = compare_periods(frame(march + april), period="month").iloc[0]
    ref = stats.ttest_ind(
        [float(s) for *_, s, _r in april], [float(s) for *_, s, _r in march], equal_var=False
    )
    assert row["statistic"] == pytest.approx(ref.statistic)
    assert row["p_value"] == pytest.approx(ref.pvalue)
    assert bool(row["significant"]) and row["change"] < 0


def test_identical_ces_answers_have_no_test() -> None:
    rows = [("2025-03-10", "chat", "ces", 5, None)] * 12 + [
        ("2025-04-10", "chat", "ces", 5, None)
    ] * 12
    row = compare_periods(frame(rows), period="month").iloc[0]
    assert math.isnan(row["p_value"]) and not row["significant"]


def test_the_vectorised_table_equals_the_scalar_statistics_per_group() -> None:
    rng = np.random.default_rng(11)
    n = 3000
    kinds = rng.choice(["nps", "csat", "ces", "stars", "text"], n)
    scales = {"nps": (0, 10), "csat": (1, 5), "ces": (1, 7), "stars": (1, 5)}
    scores = [
        float(rng.integers(lo, hi + 1)) if k in scales else None
        for k in kinds
        for lo, hi in [scales.get(k, (0, 0))]
    ]
    fb = pd.DataFrame(
        {
            "ts": pd.to_datetime("2025-01-01", utc=True)
            + pd.to_timedelta(rng.integers(0, 200, n), unit="D"),
            "touchpoint": rng.choice(["a", "b", "c", None], n),
            "stage": "s",
            "channel": "site",
            "kind": kinds,
            "score": scores,
            "reaction": rng.choice(["positive", "negative", "neutral", None], n),
        }
    )
    table = kpi_table(fb, by="touchpoint", period="quarter")
    for row in table.to_dict("records"):
        mask = (
            (fb["touchpoint"] == row["group"])
            if row["group"] is not None
            else fb["touchpoint"].isna()
        )
        part = fb.loc[mask & (period_labels(fb["ts"], "quarter") == row["period"])]
        s = {k: part.loc[part["kind"] == k, "score"] for k in scales}
        assert row["responses"] == len(part)
        a, c, e = nps_stats(s["nps"]), csat_stats(s["csat"]), ces_stats(s["ces"])
        assert (row["nps_n"], row["csat_n"], row["ces_n"]) == (a.n, c.n, e.n)
        for got, want in [
            (row["nps"], a.nps),
            (row["nps_low"], a.low),
            (row["nps_high"], a.high),
            (row["csat"], c.csat),
            (row["csat_low"], c.low),
            (row["csat_high"], c.high),
            (row["ces"], e.mean),
            (row["ces_low"], e.low),
            (row["ces_high"], e.high),
            (row["stars"], s["stars"].mean()),
        ]:
            assert (math.isnan(want) and (got is None or math.isnan(got))) or got == pytest.approx(
                want
            )
        reactions = part["reaction"].dropna()
        assert row["reactions"] == len(reactions)
        assert row["negative"] == pytest.approx((reactions == "negative").mean())
