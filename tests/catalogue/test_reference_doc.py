"""docs/catalogue.md stays honest: every field and value is described, the example parses."""

from __future__ import annotations

import re
from enum import StrEnum
from pathlib import Path

import pytest
from pydantic import BaseModel

from touchpath.catalogue.yaml_io import parse_catalogue_yaml
from touchpath.model import (
    DEFAULT_STAGES,
    Attention,
    Catalogue,
    Chain,
    Channel,
    Competitor,
    Lifetime,
    Mode,
    Role,
    Stage,
    StageGroup,
    Status,
    Touchpoint,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "catalogue.md"


def table_rows(text: str) -> list[list[str]]:
    """Body rows of the Markdown tables in ``text`` (header and separator rows left out)."""
    lines = text.splitlines()
    rows = []
    for i, line in enumerate(lines):
        is_header = i + 1 < len(lines) and lines[i + 1].startswith("|---")
        if line.startswith("| ") and not is_header:
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
    return rows


def section(doc: str, heading: str) -> str:
    """The text under ``heading`` up to the next heading of any level."""
    start = re.search(rf"^#+ {re.escape(heading)}\n", doc, re.MULTILINE)
    assert start is not None, heading
    end = re.search(r"^#", doc[start.end() :], re.MULTILINE)
    return doc[start.end() : start.end() + end.start()] if end else doc[start.end() :]


@pytest.fixture(scope="module")
def doc() -> str:
    return DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("model", [Catalogue, Stage, Touchpoint, Chain, Competitor])
def test_every_field_has_a_row_with_its_russian_term(doc: str, model: type[BaseModel]) -> None:
    heading = {
        Catalogue: "Top level: the catalogue (каталог)",
        Stage: "Stage (этап покупательского пути)",
        Touchpoint: "Touchpoint (точка контакта)",
        Chain: "Chain (цепочка контакта)",
        Competitor: "Competitor (конкурент)",
    }[model]
    rows = {row[0]: row for row in table_rows(section(doc, heading))}
    for field in model.model_fields:
        row = rows.get(f"`{field}`")
        assert row is not None, f"{model.__name__}.{field} is not in {DOC.name}"
        assert re.search("[а-яё]", row[1], re.IGNORECASE), f"{field}: no Russian term"


@pytest.mark.parametrize("vocab", [Channel, Mode, Role, Attention, Lifetime, Status, StageGroup])
def test_every_value_is_listed(doc: str, vocab: type[StrEnum]) -> None:
    for value in vocab:
        assert f"`{value.value}`" in doc, f"{vocab.__name__}.{value.name}"


def test_every_channel_has_a_russian_term(doc: str) -> None:
    terms = {row[0]: row[1] for row in table_rows(section(doc, "Channels (каналы)"))}
    assert set(terms) == {f"`{c.value}`" for c in Channel}
    assert all(re.search("[а-яёA-Z]", t) for t in terms.values())


def test_default_stages_table_matches_the_model(doc: str) -> None:
    rows = table_rows(section(doc, "Stage (этап покупательского пути)").split("default stages")[1])
    documented = [(r[0].strip("`"), r[1], r[2], r[3].strip("`"), int(r[4])) for r in rows]
    assert documented == [(s.id, s.name, s.name_ru, s.group.value, s.order) for s in DEFAULT_STAGES]


def test_the_example_parses(doc: str) -> None:
    example = doc.split("```yaml\n", 1)[1].split("```", 1)[0]
    catalogue = parse_catalogue_yaml(example, filename="docs/catalogue.md")
    assert catalogue.business == "Медицинский центр «Здоровье»"
    assert catalogue.missing_touchpoints()[0].id == "mobile_app"
