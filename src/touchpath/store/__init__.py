"""SQLAlchemy metadata store: ``db`` (engines, sessions), ``tables``, ``crud``, ``migrate``."""
