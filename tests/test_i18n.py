"""Every text a person reads exists in English and Russian."""

from __future__ import annotations

import gettext
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

import touchpath
from touchpath.i18n import _, detect_language, normalise, set_language
from touchpath.labels import LABELS, label
from touchpath.model import Channel, Role

SRC = Path(touchpath.__file__).parent
PO = SRC / "locale" / "ru" / "LC_MESSAGES" / "touchpath.po"
MO = PO.with_suffix(".mo")


def source_messages() -> set[str]:
    keywords = {"_": None, "N_": None, "ngettext": (1, 2)}
    found: set[str] = set()
    for _file, _line, message, _comments, _ctx in extract_from_dir(
        str(SRC),
        method_map=[("**.py", "python"), ("**/templates/**.html", "jinja2")],
        keywords=keywords,
    ):
        found.update([message] if isinstance(message, str) else message)
    return found


def test_every_message_in_the_code_has_a_russian_translation() -> None:
    with PO.open("rb") as fh:
        catalogue = read_po(fh)
    translated = {m.id for m in catalogue if m.id and m.string and not m.fuzzy}
    missing = sorted(source_messages() - translated)
    assert missing == [], f"run `make i18n` and translate: {missing[:10]}"


def test_compiled_catalogue_matches_the_po_file() -> None:
    with PO.open("rb") as fh:
        po = {m.id: m.string for m in read_po(fh) if m.id and m.string and not m.fuzzy}
    with MO.open("rb") as fh:
        mo = {m.id: m.string for m in read_mo(fh) if m.id}
    assert mo == po, "run `make i18n` to compile the catalogue"


def test_translation_follows_the_language_of_the_context() -> None:
    token = set_language("ru")
    try:
        assert _("Events") == "События"
        assert label(Role.CAPTURE) == "точка захвата"
        assert label("site") == label(Channel.SITE) == "Сайт"
    finally:
        set_language("en")
    assert _("Events") == "Events"
    assert label(Role.CAPTURE) == "capture point"
    assert label("no-such-thing") == "no-such-thing"
    del token


def test_every_enum_member_has_a_label() -> None:
    from touchpath.model import vocab

    enums = (
        [getattr(vocab, n) for n in vocab.__all__]
        if hasattr(vocab, "__all__")
        else [
            vocab.Channel,
            vocab.Mode,
            vocab.Role,
            vocab.Attention,
            vocab.Lifetime,
            vocab.Status,
            vocab.StageGroup,
            vocab.Reaction,
            vocab.ChannelGroup,
        ]
    )
    for enum in enums:
        for member in enum:
            assert (type(member), member.value) in LABELS, member


@pytest.mark.parametrize(
    ("env", "want"),
    [
        ({"TOUCHPATH_LANG": "ru"}, "ru"),
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({}, "en"),
        ({"TOUCHPATH_LANG": "en", "LANG": "ru_RU.UTF-8"}, "en"),
        ({"LC_ALL": "ru_RU.UTF-8", "LANG": "en_US.UTF-8"}, "ru"),
    ],
)
def test_language_detection(env: dict[str, str], want: str) -> None:
    assert detect_language(env) == want


def test_normalise_and_refusal() -> None:
    assert normalise("ru-RU") == "ru"
    assert normalise("fr") is None
    with pytest.raises(ValueError, match="unsupported"):
        set_language("fr")


def test_stdlib_gettext_reads_the_shipped_catalogue() -> None:
    t = gettext.translation("touchpath", SRC / "locale", languages=["ru"])
    assert t.gettext("Events") == "События"
