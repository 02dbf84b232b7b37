"""The web app: FastAPI with server-drawn Jinja2 pages (docs/web.md).

``create_app(root)`` serves the workspace or group of workspaces in ``root``;
``touchpath serve`` runs it with uvicorn.
"""

from touchpath.web.app import create_app

__all__ = ["create_app"]
