"""The demo's audits: our own walks of each business's path and mystery shopping at its
competitors, from ``data/<business>_audits.yaml``.

They are built so the plan has something to find: the shop's online chat answers slowly
and its checkout is awkward on a phone; the clinic's phone booking answers late and its
reception has a queue (the demo feedback makes the same touchpoints negative); and the
touchpoints marked missing in the catalogues are what the competitors are seen to offer.
"""

from __future__ import annotations

from importlib import resources

import pandas as pd

from touchpath.audit.io import read_audit_yaml
from touchpath.audit.model import Audit
from touchpath.catalogue.checklists import default_checklists
from touchpath.demo.generate import load_catalogue


def demo_audits(business: str) -> list[Audit]:
    """The demo audits of ``business`` (``shop`` or ``clinic``), checked like any import."""
    name = f"{business}_audits.yaml"
    text = resources.files("touchpath.demo").joinpath("data", name).read_text("utf-8")
    return read_audit_yaml(
        text, catalogue=load_catalogue(business), checklists=default_checklists(), filename=name
    )


def demo_scores(business: str) -> pd.DataFrame:
    """The demo audits as the score table the store hands back (no database needed).

    >>> frame = demo_scores("clinic")
    >>> sorted(frame.subject.unique())
    ['doctorplus', 'medline', 'ours']
    """
    from touchpath.store.audits import SCORE_COLUMNS

    rows = [
        (i, a.date, a.auditor, a.subject, s.touchpoint, s.parameter, s.value, s.evidence, s.link)
        for i, a in enumerate(demo_audits(business), start=1)
        for s in a.scores
    ]
    frame = pd.DataFrame(rows, columns=SCORE_COLUMNS)
    frame["value"] = frame["value"].astype("float64")
    return frame


def store_demo_audits(metadata_url: str, business: str) -> int:
    """Store the demo audits of ``business`` in a workspace's metadata DB; how many."""
    from touchpath.store import audits as store
    from touchpath.store.db import create_engine, session_factory

    audits = demo_audits(business)
    engine = create_engine(metadata_url)
    try:
        with session_factory(engine)() as session:
            store.save_audits(
                session=session, audits=audits, source=f"demo:{business}", replace=True
            )
    finally:
        engine.dispose()
    return len(audits)
