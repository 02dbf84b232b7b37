"""The catalogue YAML file: written for people, read back equal, every mistake at its line."""

from __future__ import annotations

from pathlib import Path
from textwrap import dedent

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from touchpath.catalogue.yaml_io import (
    CatalogueFileError,
    dump_catalogue_yaml,
    load_catalogue_yaml,
    parse_catalogue_yaml,
    save_catalogue_yaml,
)
from touchpath.model import (
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

CLINIC = dedent("""\
    business: Клиника «Здоровье»
    language: ru
    currency: RUB
    stages:
      - id: search
        name: Поиск информации
        group: before
        order: 0
      - id: visit
        name: Приём врача
        group: during
        order: 1
    touchpoints:
      - id: ads
        name: Контекстная реклама
        channel: context_ads
        stages: [search]
      - id: site
        name: Сайт
        channel: site
        stages: [search, visit]
        role: capture
    chains:
      - id: first_visit
        name: Первый визит
        steps: [ads, site]
    competitors:
      - id: medsi
        name: Медси
        touchpoints: [site]
""")
"""A valid file; the error tests change one line of it and know that line's number."""


def parse(text: str) -> Catalogue:
    return parse_catalogue_yaml(text, filename="clinic.yaml")


def error_of(text: str) -> CatalogueFileError:
    with pytest.raises(CatalogueFileError) as info:
        parse(text)
    return info.value


def replace_line(text: str, number: int, new: str) -> str:
    lines = text.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


# -- reading --------------------------------------------------------------------------------


def test_a_valid_file_reads_into_the_catalogue() -> None:
    catalogue = parse(CLINIC)
    assert catalogue.business == "Клиника «Здоровье»"
    assert [s.name for s in catalogue.stages] == ["Поиск информации", "Приём врача"]
    assert catalogue.touchpoints[1].role is Role.CAPTURE
    assert catalogue.touchpoints[1].stages == ["search", "visit"]
    assert catalogue.chains[0].steps == ["ads", "site"]
    assert catalogue.competitors[0].touchpoints == ["site"]


def test_a_bad_enum_value_names_its_line_and_field() -> None:
    err = error_of(CLINIC.replace("channel: site", "channel: сайт"))
    assert (err.line, err.field) == (20, "touchpoints.1.channel")
    assert "Input should be 'site'" in err.message
    assert "(got 'сайт')" in err.message
    assert str(err).startswith("clinic.yaml:20: touchpoints.1.channel: Input should be")
    assert "\n" not in str(err)


def test_a_missing_field_points_at_its_mapping() -> None:
    err = error_of(CLINIC.replace("    channel: context_ads\n", ""))
    assert (err.line, err.field, err.message) == (14, "touchpoints.0.channel", "Field required")
    assert str(err) == "clinic.yaml:14: touchpoints.0.channel: Field required"


def test_a_missing_top_level_field_points_at_the_document() -> None:
    err = error_of(CLINIC.replace("business: Клиника «Здоровье»\n", "# no business\n"))
    assert (err.line, err.field, err.message) == (2, "business", "Field required")


def test_a_bad_type_names_its_line_and_field() -> None:
    err = error_of(replace_line(CLINIC, 12, "    order: first"))
    assert (err.line, err.field) == (12, "stages.1.order")
    assert err.message.startswith("Input should be a valid integer")
    assert "(got 'first')" in err.message


def test_a_list_where_a_word_belongs() -> None:
    err = error_of(replace_line(CLINIC, 26, "    steps: ads"))
    assert (err.line, err.field) == (26, "chains.0.steps")
    assert err.message.startswith("Input should be a valid list")


def test_a_chain_step_naming_an_unknown_touchpoint() -> None:
    err = error_of(replace_line(CLINIC, 26, "    steps: [ads, ghost]"))
    assert (err.line, err.field, err.message) == (
        26,
        "chains.0.steps.1",
        "unknown touchpoint 'ghost'",
    )


def test_a_block_list_item_gets_its_own_line() -> None:
    text = replace_line(CLINIC, 26, "    steps:\n      - ads\n      - site\n      - ghost")
    err = error_of(text)
    assert (err.line, err.field) == (29, "chains.0.steps.2")


def test_duplicate_ids() -> None:
    err = error_of(CLINIC.replace("id: site", "id: ads"))
    assert (err.line, err.field, err.message) == (18, "touchpoints.1.id", "duplicate id 'ads'")


def test_a_yaml_syntax_error() -> None:
    err = error_of(replace_line(CLINIC, 19, "    name: Сайт: [broken"))
    assert (err.line, err.field) == (19, "syntax")
    assert "mapping values are not allowed here" in err.message


def test_bad_indentation_is_a_syntax_error_at_its_line() -> None:
    err = error_of(replace_line(CLINIC, 10, "     name: Приём врача"))
    assert err.line == 10
    assert err.field == "syntax"


def test_a_key_written_twice_is_an_error_not_silently_dropped() -> None:
    err = error_of(replace_line(CLINIC, 20, "    channel: site\n    channel: phone"))
    assert (err.line, err.field, err.message) == (
        21,
        "touchpoints.1.channel",
        "key 'channel' appears twice",
    )


def test_a_misspelt_field_is_named() -> None:
    err = error_of(CLINIC.replace("role: capture", "rol: capture"))
    assert (err.line, err.field) == (22, "touchpoints.1.rol")
    assert err.message.startswith("Extra inputs are not permitted")


def test_a_word_yaml_reads_as_a_boolean_gets_a_hint() -> None:
    err = error_of(replace_line(CLINIC, 2, "language: no"))
    assert (err.line, err.field) == (2, "language")
    assert "put it in quotes" in err.message
    assert parse(replace_line(CLINIC, 2, 'language: "no"')).language == "no"


def test_a_model_rule_points_at_the_field_it_names() -> None:
    err = error_of(CLINIC.replace("stages: [search, visit]", "stages: [search, search]"))
    assert (err.line, err.field, err.message) == (
        21,
        "touchpoints.1.stages",
        "a stage is listed twice",
    )


def test_every_error_is_kept_in_line_order() -> None:
    text = CLINIC.replace("channel: site", "channel: web").replace("group: during", "group: later")
    err = error_of(text)
    assert [(e.line, e.field) for e in err.errors] == [
        (11, "stages.1.group"),
        (20, "touchpoints.1.channel"),
    ]
    assert (err.line, err.field) == (11, "stages.1.group")


def test_every_reference_problem_is_kept() -> None:
    text = CLINIC.replace("steps: [ads, site]", "steps: [ads, nope]").replace(
        "touchpoints: [site]", "touchpoints: [gone]"
    )
    assert [str(e) for e in error_of(text).errors] == [
        "clinic.yaml:26: chains.0.steps.1: unknown touchpoint 'nope'",
        "clinic.yaml:30: competitors.0.touchpoints.0: unknown touchpoint 'gone'",
    ]


def test_an_empty_file() -> None:
    err = error_of("# nothing yet\n")
    assert (err.line, err.field) == (1, "business")


def test_a_document_that_is_not_a_mapping() -> None:
    err = error_of("\n- just\n- a list\n")
    assert (err.line, err.field) == (2, "document")


def test_python_tags_are_refused() -> None:
    err = error_of(CLINIC + "extra: !!python/object/apply:os.system ['echo hacked']\n")
    assert (err.line, err.field) == (31, "syntax")
    assert "could not determine a constructor" in err.message


def test_an_alias_bomb_is_refused_before_it_expands() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    err = error_of("\n".join(lines) + "\n")
    assert "more than 200000 nodes" in err.message
    assert 1 <= err.line <= 8


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.yaml"
    path.write_bytes("business: ok\nlanguage: ru\n# Клиника\n".encode("cp1251"))
    with pytest.raises(CatalogueFileError) as info:
        load_catalogue_yaml(path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 3, "encoding")


def test_a_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + CLINIC.encode("utf-8"))
    assert load_catalogue_yaml(path) == parse(CLINIC)


# -- writing --------------------------------------------------------------------------------


def small() -> Catalogue:
    return Catalogue(
        business="Магазин",
        currency="RUB",
        stages=[Stage(id="buy", name="Покупка", group="during", order=0)],
        touchpoints=[
            Touchpoint(id="shop", name="Магазин на Тверской", channel="store", mode="offline",
                       stages=["buy"], description="Первый этаж\nу входа"),
            Touchpoint(id="sms", name="SMS о заказе", channel="sms", automated=True, tags=["да"]),
        ],
        chains=[Chain(id="order", name="Заказ", steps=["shop", "sms"])],
        audience_channels=[Channel.MESSENGER],
    )  # fmt: skip


def test_the_dump_is_written_for_people() -> None:
    assert dump_catalogue_yaml(small()) == dedent("""\
        # touchpath catalogue; every field is described in docs/catalogue.md
        business: Магазин
        currency: RUB

        stages:
          - id: buy
            name: Покупка
            group: during
            order: 0

        touchpoints:
          - id: shop
            name: Магазин на Тверской
            description: |-
              Первый этаж
              у входа
            channel: store
            mode: offline
            stages: [buy]
          - id: sms
            name: SMS о заказе
            channel: sms
            automated: true
            tags: [да]

        chains:
          - id: order
            name: Заказ
            steps: [shop, sms]

        audience_channels: [messenger]
        """)


def test_stages_are_written_even_when_they_are_the_defaults() -> None:
    text = dump_catalogue_yaml(Catalogue(business="x"))
    assert "name_ru: Осознание потребности" in text
    assert "touchpoints" not in text
    assert parse(text) == Catalogue(business="x")


def test_words_yaml_would_misread_are_quoted() -> None:
    catalogue = Catalogue(
        business="yes",
        language="no",
        stages=[Stage(id="1.5", name="null", group="before", order=0)],
        touchpoints=[Touchpoint(id="0123", name="~", channel="site", tags=["on", "#x", "a: b"])],
    )
    text = dump_catalogue_yaml(catalogue)
    assert "language: 'no'" in text
    assert parse(text) == catalogue


def test_save_and_load_a_file(tmp_path: Path) -> None:
    path = tmp_path / "catalogue.yaml"
    save_catalogue_yaml(small(), path)
    assert "Магазин на Тверской" in path.read_text(encoding="utf-8")
    assert load_catalogue_yaml(path) == small()
    assert [p.name for p in tmp_path.iterdir()] == ["catalogue.yaml"]


# -- round trip, generated -------------------------------------------------------------------

CYRILLIC = "абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ"
TRICKY = " \n\t-:#&*!|>'\"%@`,[]{}«»—№?"

slugs = st.from_regex(r"\A[a-z0-9][a-z0-9_.\-]{0,8}\Z")
words = st.text(st.sampled_from(CYRILLIC + "abcXYZ019" + TRICKY), min_size=1, max_size=24)
names = words.map(str.strip).filter(bool)
free_text = st.text(max_size=40)  # anything, control characters included


@st.composite
def catalogues(draw: st.DrawFn) -> Catalogue:
    stage_ids = draw(st.lists(slugs, max_size=4, unique=True))
    stages = [
        Stage(
            id=sid,
            name=draw(names),
            name_ru=draw(st.none() | names),
            group=draw(st.sampled_from(StageGroup)),
            order=draw(st.integers(0, 10**9)),
        )
        for sid in stage_ids
    ]
    tp_ids = draw(st.lists(slugs, max_size=5, unique=True))
    touchpoints = [
        Touchpoint(
            id=tid,
            name=draw(names),
            description=draw(st.none() | free_text),
            channel=draw(st.sampled_from(Channel)),
            mode=draw(st.sampled_from(Mode)),
            stages=draw(st.lists(st.sampled_from(stage_ids), unique=True)) if stage_ids else [],
            role=draw(st.sampled_from(Role)),
            wow=draw(st.booleans()),
            attention=draw(st.none() | st.sampled_from(Attention)),
            lifetime=draw(st.none() | st.sampled_from(Lifetime)),
            owner=draw(st.none() | names),
            automated=draw(st.booleans()),
            status=draw(st.sampled_from(Status)),
            tags=draw(st.lists(free_text, max_size=3)),
        )
        for tid in tp_ids
    ]
    chains: list[Chain] = []
    competitors: list[Competitor] = []
    if tp_ids:
        chain_ids = draw(st.lists(slugs, max_size=3, unique=True))
        for cid in chain_ids:
            steps = draw(st.lists(st.sampled_from(tp_ids), min_size=1, max_size=6))
            steps = [s for i, s in enumerate(steps) if i == 0 or steps[i - 1] != s]
            chains.append(
                Chain(
                    id=cid,
                    name=draw(names),
                    description=draw(st.none() | free_text),
                    steps=steps,
                    next_chain=draw(st.none() | st.sampled_from(chain_ids)),
                )
            )
        for cid in draw(st.lists(slugs, max_size=2, unique=True)):
            competitors.append(
                Competitor(
                    id=cid,
                    name=draw(names),
                    website=draw(st.none() | free_text),
                    notes=draw(st.none() | free_text),
                    touchpoints=draw(st.lists(st.sampled_from(tp_ids), max_size=4)),
                )
            )
    return Catalogue(
        business=draw(names),
        language=draw(st.from_regex(r"\A[a-z]{2}\Z")),
        currency=draw(st.from_regex(r"\A[A-Z]{3}\Z")),
        stages=stages,
        touchpoints=touchpoints,
        chains=chains,
        competitors=competitors,
        audience_channels=draw(st.lists(st.sampled_from(Channel), max_size=4)),
    )


@settings(max_examples=300, deadline=None)
@given(catalogues())
def test_load_of_dump_gives_the_same_catalogue(catalogue: Catalogue) -> None:
    assert catalogue.problems() == []
    text = dump_catalogue_yaml(catalogue)
    assert parse_catalogue_yaml(text, filename="generated.yaml") == catalogue


@settings(max_examples=100, deadline=None)
@given(names)
def test_cyrillic_is_written_as_is(name: str) -> None:
    text = dump_catalogue_yaml(Catalogue(business=name))
    assert "\\u04" not in text
    if any(ch in CYRILLIC for ch in name):
        assert any(ch in text for ch in CYRILLIC if ch in name)
