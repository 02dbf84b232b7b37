"""Demo data made once per test run: 20,000 customers of each business."""

from __future__ import annotations

import pandas as pd
import pytest

from touchpath.demo import DemoData, generate

CUSTOMERS = 20_000
SEED = 11


@pytest.fixture(scope="session", params=["clinic", "shop"])
def demo(request: pytest.FixtureRequest) -> DemoData:
    return generate(request.param, customers=CUSTOMERS, seed=SEED)


@pytest.fixture(scope="session")
def events(demo: DemoData) -> pd.DataFrame:
    return demo.events.to_pandas()


@pytest.fixture(scope="session")
def customers(demo: DemoData) -> pd.DataFrame:
    return demo.customers.to_pandas()
