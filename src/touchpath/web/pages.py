"""The left navigation: every page of a workspace, ready or still to come.

A page module in :mod:`touchpath.web.routes` declares ``NAV`` entries for the pages its
router serves. The pages other issues will build (funnel, paths, attribution ...) have a
:class:`Placeholder` here instead: the same slot in the navigation and a page saying
what data it needs and how to add it. When a module starts serving a slug, its
placeholder disappears by itself (see :func:`touchpath.web.routes.discover`).
"""

from __future__ import annotations

from dataclasses import dataclass

from touchpath.labels import N_
from touchpath.store.auth import UserRole

SECTIONS: tuple[str, ...] = (
    N_("Overview"),
    N_("Design"),
    N_("Analytics"),
    N_("Quality and voice"),
    N_("Operations"),
    N_("Administration"),
)


@dataclass(frozen=True)
class NavEntry:
    """A link in the navigation: ``/w/<workspace>/<slug>`` ("" is the dashboard).

    ``title`` and ``section`` are message ids, translated when the page is drawn; ``role``
    hides the link from users who could not open the page anyway.
    """

    slug: str
    title: str
    section: str
    order: int
    role: UserRole = UserRole.VIEWER


@dataclass(frozen=True)
class Placeholder:
    """A page whose analysis is not in this touchpath yet: what it needs, how to add it."""

    entry: NavEntry
    needs: str
    how: str
    command: str = ""


PLACEHOLDERS: tuple[Placeholder, ...] = (
    Placeholder(
        NavEntry("funnel", N_("Funnel"), N_("Analytics"), 200),
        needs=N_(
            "The funnel explorer counts how many customers pass each step of a chain "
            "within a time window, and where they drop off."
        ),
        how=N_(
            "Import events whose rows are mapped to touchpoints, and design a chain; "
            "the funnel module of touchpath fills this page."
        ),
        command="touchpath import events.csv --mapping mapping.yaml",
    ),
    Placeholder(
        NavEntry("paths", N_("Paths"), N_("Analytics"), 210),
        needs=N_("The paths page shows how customers really move between touchpoints (Sankey)."),
        how=N_("Import events with touchpoints; the paths module of touchpath fills this page."),
        command="touchpath import events.csv --mapping mapping.yaml",
    ),
    Placeholder(
        NavEntry("journey-graph", N_("Discovered journey"), N_("Analytics"), 220),
        needs=N_(
            "The discovered journey is the directly-follows graph of the touchpoints "
            "customers met, to compare with the designed chains."
        ),
        how=N_(
            "Import events with touchpoints; the journey discovery module of touchpath "
            "fills this page."
        ),
        command="touchpath import events.csv --mapping mapping.yaml",
    ),
    Placeholder(
        NavEntry("attribution", N_("Attribution"), N_("Analytics"), 230),
        needs=N_(
            "Attribution compares how models (first touch, last touch, linear, Markov, "
            "Shapley) credit touchpoints with the conversions."
        ),
        how=N_(
            "Import events that mark conversions (is_conversion, value); the attribution "
            "module of touchpath fills this page."
        ),
        command="touchpath import events.csv --mapping mapping.yaml",
    ),
    Placeholder(
        NavEntry("retention", N_("Retention"), N_("Analytics"), 240),
        needs=N_("Retention shows how many customers come back, cohort by cohort."),
        how=N_(
            "Import at least a few months of events; the retention module of touchpath "
            "fills this page."
        ),
        command="touchpath import events.csv",
    ),
    Placeholder(
        NavEntry("audits", N_("Audits and competitors"), N_("Quality and voice"), 300),
        needs=N_(
            "Audits score each touchpoint by its parameters, ours against competitors' "
            "(radar, heatmap, missing touchpoints)."
        ),
        how=N_(
            "Add competitors and the touchpoints they offer to the catalogue, then record "
            "audits; the audit module of touchpath fills this page."
        ),
        command="touchpath catalogue import catalogue.yaml",
    ),
    Placeholder(
        NavEntry("voice", N_("Voice of the customer"), N_("Quality and voice"), 310),
        needs=N_("Customer voice: NPS, CSAT, CES and reviews per touchpoint, with their tone."),
        how=N_(
            "Import survey answers and reviews; the voice-of-the-customer module of "
            "touchpath fills this page."
        ),
    ),
    Placeholder(
        NavEntry("plan", N_("Improvement plan"), N_("Quality and voice"), 320),
        needs=N_(
            "The improvement plan ranks what to fix first, from audits, feedback and "
            "the drop-offs of the funnel."
        ),
        how=N_("Record audits and import feedback; the plan module of touchpath fills this page."),
    ),
    Placeholder(
        NavEntry("automation", N_("Automation"), N_("Operations"), 400),
        needs=N_(
            "Automation rules turn touches into actions: a lead from the site becomes a "
            "task for a manager, an order status change sends an SMS."
        ),
        how=N_("Define rules; the automation module of touchpath fills this page."),
    ),
)
