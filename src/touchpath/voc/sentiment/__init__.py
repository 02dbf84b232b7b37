"""Positive / negative / neutral from a review's text, in ru, en, sr and kk.

A *model* is anything with ``name`` and ``predict(texts, languages) -> [Prediction]``
(:class:`SentimentModel`). Models are registered by name like the attribution models:
built-ins here, plug-ins through the ``touchpath.sentiment_models`` entry-point group, or
:func:`register_model` at run time. The default, ``lexicon``, needs nothing but the
shipped data files; ``transformers`` wraps a local Hugging Face model a user already has
on disk (never downloaded).

>>> model = get_model("lexicon")
>>> [p.label for p in model.predict(["Не понравилось", "Very helpful staff"], [None, None])]
['negative', 'positive']
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache
from importlib.metadata import entry_points
from typing import Protocol, runtime_checkable

from touchpath.errors import TouchpathError
from touchpath.voc.sentiment.lexicon import LexiconModel, Prediction, load_lexicon, score_text
from touchpath.voc.sentiment.text import LANGUAGES, detect_language

__all__ = [
    "LANGUAGES",
    "LexiconModel",
    "Prediction",
    "SentimentModel",
    "classify_texts",
    "detect_language",
    "get_model",
    "load_lexicon",
    "model_names",
    "register_model",
    "score_text",
]

ENTRY_POINTS = "touchpath.sentiment_models"


@runtime_checkable
class SentimentModel(Protocol):
    """What a sentiment model provides; ``languages`` items may be None (unknown)."""

    name: str

    def predict(
        self, texts: Sequence[str], languages: Sequence[str | None]
    ) -> list[Prediction]: ...


class SentimentModelError(TouchpathError):
    """An unknown model name, or a model that cannot be loaded."""


def _transformers(**params: object) -> SentimentModel:
    from touchpath.voc.sentiment.transformers import TransformersModel

    return TransformersModel(**params)  # type: ignore[arg-type]


_MODELS: dict[str, Callable[..., SentimentModel]] = {
    "lexicon": LexiconModel,
    "transformers": _transformers,
}


def register_model(name: str, factory: Callable[..., SentimentModel]) -> None:
    """Make a model available by ``name`` (replacing one of the same name)."""
    _MODELS[name] = factory


def _plugins() -> dict[str, Callable[..., SentimentModel]]:
    return {ep.name: ep.load() for ep in entry_points(group=ENTRY_POINTS)}


def model_names() -> list[str]:
    return sorted({*_MODELS, *(ep.name for ep in entry_points(group=ENTRY_POINTS))})


def get_model(name: str = "lexicon", **params: object) -> SentimentModel:
    """A model by name, built with ``params``."""
    factory = _MODELS.get(name) or _plugins().get(name)
    if factory is None:
        raise SentimentModelError(
            f"unknown sentiment model {name!r} (known: {', '.join(model_names())})"
        )
    return factory(**params)


@cache
def _default() -> SentimentModel:
    return LexiconModel()


def classify_texts(
    texts: Sequence[str], languages: Sequence[str | None]
) -> list[tuple[str, str | None]]:
    """(reaction, language) per text with the default model: the importer's classifier."""
    return [(p.label, p.language) for p in _default().predict(texts, languages)]
