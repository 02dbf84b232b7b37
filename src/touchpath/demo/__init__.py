"""Realistic, deterministic demo data: a private clinic and an electronics shop.

>>> from touchpath.demo import generate
>>> generate("shop", customers=100, seed=0).customers.num_rows
100
"""

from touchpath.demo.generate import (
    CUSTOMER_SCHEMA,
    DEFAULT_START,
    EVENT_SCHEMA,
    DemoData,
    Progress,
    businesses,
    generate,
    load_catalogue,
)

__all__ = [
    "CUSTOMER_SCHEMA",
    "DEFAULT_START",
    "EVENT_SCHEMA",
    "DemoData",
    "Progress",
    "businesses",
    "generate",
    "load_catalogue",
]
