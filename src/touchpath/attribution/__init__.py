"""Multi-touch attribution: which touchpoints earn the conversions.

Models follow scikit-learn's conventions (see :mod:`touchpath.attribution.base`).
"""

from touchpath.attribution.base import (
    ATTRIBUTION_COLUMNS,
    PATH_COLUMNS,
    AttributionModel,
    EncodedPaths,
    check_paths,
    encode_paths,
)

__all__ = [
    "ATTRIBUTION_COLUMNS",
    "PATH_COLUMNS",
    "AttributionModel",
    "EncodedPaths",
    "check_paths",
    "encode_paths",
]
