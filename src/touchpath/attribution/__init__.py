"""Multi-touch attribution: which touchpoints earn the conversions.

Models follow scikit-learn's conventions (see :mod:`touchpath.attribution.base`): configure
in ``__init__``, ``fit(paths)``, results in attributes ending in ``_``. Path tables come
from :func:`read_path_csv` or :func:`paths_from_events`; models by name from
:data:`~touchpath.attribution.registry.MODELS`.
"""

from touchpath.attribution.base import (
    ATTRIBUTION_COLUMNS,
    PATH_COLUMNS,
    AttributionModel,
    EncodedPaths,
    check_paths,
    encode_paths,
)
from touchpath.attribution.heuristic import (
    FirstTouchModel,
    LastNonDirectModel,
    LastTouchModel,
    LinearModel,
    PositionBasedModel,
    TimeDecayModel,
)
from touchpath.attribution.markov import MarkovModel
from touchpath.attribution.paths import paths_from_events, read_path_csv
from touchpath.attribution.registry import MODELS, make_model

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "MODELS",
    "PATH_COLUMNS",
    "AttributionModel",
    "EncodedPaths",
    "FirstTouchModel",
    "LastNonDirectModel",
    "LastTouchModel",
    "LinearModel",
    "MarkovModel",
    "PositionBasedModel",
    "TimeDecayModel",
    "check_paths",
    "encode_paths",
    "make_model",
    "paths_from_events",
    "read_path_csv",
]
