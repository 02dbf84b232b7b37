"""touchpath: customer touchpoints and journeys.

``touchpath.Workspace(path)`` opens a workspace for analysis from Python (see
:mod:`touchpath.api`); it is loaded on first use so the CLI starts fast.
"""

from typing import Any

__version__ = "0.1.0"

__all__ = ["Workspace", "__version__"]


def __getattr__(name: str) -> Any:
    if name == "Workspace":
        from touchpath.api import Workspace

        return Workspace
    raise AttributeError(f"module 'touchpath' has no attribute {name!r}")
