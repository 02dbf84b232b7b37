"""Serve a workspace with the API and the collector's merger: ``python serve.py ROOT PORT``.

What ``touchpath serve`` does once the lead adds ``mount_api`` to the app; the fault test
and the benchmark run it as a real process they can kill.
"""

from __future__ import annotations

import sys
from pathlib import Path

import uvicorn

from touchpath.web import create_app
from touchpath.web.api import mount_api


def main() -> None:
    root, port = Path(sys.argv[1]), int(sys.argv[2])
    app = create_app(root, secret="fault-test-" + "x" * 40)
    mount_api(app, merger=True)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", ws="none")


if __name__ == "__main__":
    main()
