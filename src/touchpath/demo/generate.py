"""Demo data for the two demo businesses: catalogue, events and customers.

Pure generation — no files, no databases — so the workspace command, tests and
benchmarks can all make the same data from a name and a seed.

>>> data = generate("clinic", customers=200, seed=1)
>>> data.events.num_rows > 200, data.customers.num_rows
(True, 200)
"""

from __future__ import annotations

import json
import math
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from importlib.resources import files

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from touchpath.catalogue.yaml_io import parse_catalogue_yaml
from touchpath.demo import markov, people
from touchpath.demo.behaviours import BEHAVIOURS
from touchpath.demo.markov import IntArray, StateSpace
from touchpath.demo.simulate import Walk, add_months, entry_times, epoch_us, walk
from touchpath.demo.spec import Behaviour
from touchpath.engines.schema import EVENT_ARROW_SCHEMA
from touchpath.model import Catalogue

DEFAULT_START = date(2025, 1, 1)
"""A fixed default window start: the same seed must give the same data on any day."""

BATCH = 100_000
"""Customers walked together; bounds memory and paces the progress callback."""

Progress = Callable[[int, int], None]

EVENT_SCHEMA = EVENT_ARROW_SCHEMA

CUSTOMER_SCHEMA = pa.schema(
    [
        pa.field("customer_id", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("email", pa.string()),
        pa.field("phone", pa.string()),
        pa.field("language", pa.string()),
        pa.field("segment", pa.string()),
        pa.field("first_seen", pa.timestamp("us", tz="UTC")),
        pa.field("attributes", pa.string()),
    ]
)
"""Arrow form of ``engines.schema.CUSTOMER_COLUMNS``."""


@dataclass(frozen=True)
class DemoData:
    """One demo business: its designed catalogue and the observed events and customers."""

    catalogue: Catalogue
    events: pa.Table
    customers: pa.Table


def businesses() -> list[str]:
    """Names :func:`generate` accepts."""
    return sorted(BEHAVIOURS)


def _behaviour(business: str) -> Behaviour:
    try:
        return BEHAVIOURS[business]
    except KeyError:
        raise ValueError(
            f"unknown demo business {business!r}; choose one of: {', '.join(businesses())}"
        ) from None


def load_catalogue(business: str) -> Catalogue:
    """The catalogue shipped for ``business`` (a fresh copy: callers may change it)."""
    return _catalogue(business).model_copy(deep=True)


@cache
def _catalogue(business: str) -> Catalogue:
    name = _behaviour(business).catalogue
    text = files("touchpath.demo").joinpath("data", name).read_text(encoding="utf-8")
    return parse_catalogue_yaml(text, filename=f"touchpath/demo/data/{name}")


@cache
def _space(business: str) -> StateSpace:
    return markov.build(_behaviour(business), _catalogue(business))


def generate(
    business: str,
    *,
    customers: int,
    seed: int,
    start: date | None = None,
    months: int = 12,
    progress: Progress | None = None,
) -> DemoData:
    """Generate ``customers`` journeys of ``business`` ("clinic" or "shop").

    New customers arrive over ``months`` months from ``start`` (default
    :data:`DEFAULT_START`), following the business's seasons; events past the window's
    end are cut off, as in a real export. The same arguments always give identical
    tables; ``progress(done, total)`` is called after each batch of customers.
    """
    if customers < 1:
        raise ValueError("customers: need at least one customer")
    if months < 1:
        raise ValueError("months: need at least one month")
    behaviour = _behaviour(business)
    space = _space(business)
    first = start or DEFAULT_START
    end = add_months(first, months)
    width = max(7, len(str(customers - 1)))
    n_batches = math.ceil(customers / BATCH)
    # The business name joins the seed so the two demos never share random streams.
    rngs = np.random.default_rng([seed, zlib.crc32(business.encode())]).spawn(n_batches)
    if progress is not None:
        progress(0, customers)
    event_parts: list[pa.Table] = []
    customer_parts: list[pa.Table] = []
    for i, rng in enumerate(rngs):
        lo = i * BATCH
        n = min(BATCH, customers - lo)
        start_ts = entry_times(behaviour, n, rng, first, end)
        w = walk(space, behaviour, start_ts, epoch_us(end), rng)
        location = rng.choice(len(behaviour.locations), n, p=_locations(behaviour))
        device = rng.choice(len(behaviour.devices), n, p=_devices(behaviour))
        ids = people.customer_ids(lo, n, width)
        event_parts.append(_events(space, behaviour, w, ids, device, location, rng))
        customer_parts.append(people.customers(behaviour, ids, start_ts, location, rng))
        if progress is not None:
            progress(lo + n, customers)
    events = pa.concat_tables(event_parts).cast(EVENT_SCHEMA)
    # the generation order is the "source order" that breaks ties in time
    seq = pa.array(np.arange(events.num_rows, dtype=np.int64))
    index = events.schema.get_field_index("seq")
    events = events.set_column(index, EVENT_SCHEMA.field("seq"), seq)
    people_table = pa.concat_tables(customer_parts).cast(CUSTOMER_SCHEMA)
    return DemoData(load_catalogue(business), events, people_table)


def _locations(behaviour: Behaviour) -> np.ndarray:
    w = np.array([loc.weight for loc in behaviour.locations])
    return np.asarray(w / w.sum())


def _devices(behaviour: Behaviour) -> np.ndarray:
    w = np.array(list(behaviour.devices.values()))
    return np.asarray(w / w.sum())


def _values(space: StateSpace, state: IntArray, rng: np.random.Generator) -> np.ndarray:
    """Log-normal order values, rounded up like a price list (9 990, 3 250)."""
    mu, sigma, step, ending = space.state_value[state].T
    raw = np.exp(mu + sigma * rng.standard_normal(len(state)))
    return np.asarray(np.maximum(np.ceil(raw / step), 1.0) * step + ending)


def _attribute_strings(space: StateSpace, behaviour: Behaviour) -> list[str | None]:
    """Every JSON text an event can carry: (variant, device, location) combinations.

    Variant 0 is no attributes, 1 an offline visit (city and branch), 2 an online touch
    without a page, 3 + i an online touch of page i.
    """
    out: list[str | None] = []
    variants = 3 + len(space.pages)
    for v in range(variants):
        for device in behaviour.devices:
            for loc in behaviour.locations:
                if v == 0:
                    out.append(None)
                    continue
                attrs: dict[str, str] = {"city": loc.city}
                if v == 1:
                    attrs["branch"] = loc.branch
                else:
                    attrs["device"] = device
                if v >= 3:
                    attrs["page"] = space.pages[v - 3]
                out.append(json.dumps(attrs, ensure_ascii=False))
    return out


def _events(
    space: StateSpace,
    behaviour: Behaviour,
    w: Walk,
    ids: pa.Array,
    device: IntArray,
    location: IntArray,
    rng: np.random.Generator,
) -> pa.Table:
    n = len(w.state)
    conv = space.state_conversion[w.state]
    value = np.full(n, np.nan)
    value[conv] = _values(space, w.state[conv], rng)
    first_page, page_count = space.state_pages[w.state].T
    page = first_page + (rng.random(n) * page_count).astype(np.int64)
    variant = np.where(
        ~space.state_attributes[w.state],
        0,
        np.where(space.state_hours[w.state, 0] >= 0, 1, np.where(page_count > 0, 3 + page, 2)),
    )
    n_dev, n_loc = len(behaviour.devices), len(behaviour.locations)
    code = (variant * n_dev + device[w.customer]) * n_loc + location[w.customer]
    customer_id = ids.take(pa.array(w.customer))
    seq = pc.utf8_lpad(pc.cast(pa.array(w.seq), pa.string()), 3, "0")
    sources = space.sources
    src = pa.array(w.source)

    def column(values: list[str | None], index: pa.Array) -> pa.Array:
        return pa.array(values, pa.string()).take(index)

    return pa.table(
        {
            "event_id": pc.binary_join_element_wise(customer_id, seq, "-"),
            "customer_id": customer_id,
            "ts": pa.array(w.ts, pa.timestamp("us", tz="UTC")),
            "event_name": column(list(space.events), pa.array(space.state_event[w.state])),
            "touchpoint": column(
                list(space.touchpoints), pa.array(space.state_touchpoint[w.state])
            ),
            "channel": column([s.channel.value for s in sources], src),
            "campaign": column([s.campaign for s in sources], src),
            "source": column([s.source for s in sources], src),
            "medium": column([s.medium for s in sources], src),
            "is_conversion": pa.array(conv),
            "value": pa.array(value, pa.float64(), mask=~conv),
            "currency": column(["RUB", None], pa.array((~conv).astype(np.int64))),
            "attributes": column(_attribute_strings(space, behaviour), pa.array(code)),
            "import_id": pa.nulls(n, pa.int64()),
            "seq": pa.array(np.zeros(n, dtype=np.int64)),
        }
    )
