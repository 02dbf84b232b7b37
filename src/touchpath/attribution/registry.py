"""Attribution models by name: the CLI, the web app and plug-ins look them up here.

Built-in models are registered the same way as plug-ins: a name → model class entry in
:data:`MODELS`. A package can add models through the entry point group
``touchpath.attribution_models`` (``name = "package.module:ModelClass"``).
"""

from __future__ import annotations

import inspect
from importlib.metadata import entry_points
from typing import Any

from touchpath.attribution.base import AttributionModel
from touchpath.attribution.heuristic import (
    FirstTouchModel,
    LastNonDirectModel,
    LastTouchModel,
    LinearModel,
    PositionBasedModel,
    TimeDecayModel,
)
from touchpath.attribution.markov import MarkovModel
from touchpath.attribution.shapley import ShapleyModel, SimplifiedShapleyModel
from touchpath.errors import TouchpathError
from touchpath.i18n import _

ENTRY_POINT_GROUP = "touchpath.attribution_models"

MODELS: dict[str, type[AttributionModel]] = {
    "first": FirstTouchModel,
    "last": LastTouchModel,
    "last-non-direct": LastNonDirectModel,
    "linear": LinearModel,
    "time-decay": TimeDecayModel,
    "position": PositionBasedModel,
    "markov": MarkovModel,
    "shapley": ShapleyModel,
    "shapley-simplified": SimplifiedShapleyModel,
}
"""Every model by its CLI name, in the order comparisons show them."""


def load_plugins() -> None:
    """Add the models other packages declare under :data:`ENTRY_POINT_GROUP`."""
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        if entry.name not in MODELS:
            MODELS[entry.name] = entry.load()


def make_model(name: str, **options: Any) -> AttributionModel:
    """A model by name, given those of ``options`` its ``__init__`` accepts (None: default).

    >>> make_model("markov", order=2, half_life=7.0)
    MarkovModel(order=2, use_nulls=True, repeats='keep')
    """
    model_class = MODELS.get(name)
    if model_class is None:
        raise TouchpathError(
            _("unknown model {name!r}: use {choices}").format(
                name=name, choices=", ".join([*MODELS, "all"])
            )
        )
    accepted = inspect.signature(model_class.__init__).parameters
    kwargs = {k: v for k, v in options.items() if k in accepted and v is not None}
    return model_class(**kwargs)
