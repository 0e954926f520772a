"""Process-wide resources shared by every session: the database engine and the catalog.

Pages reach the store only through this module (`database_url()` and `now()` serve as cache keys and
dates), never by importing `academy.store` themselves.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from academy.content.catalog import Catalog, cached_catalog
from academy.store import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    return engine


def engine() -> Engine:
    """The engine for the configured database, migrated to the latest revision (once per process)."""
    return _engine_for(db.database_url())


def database_url() -> str:
    """The configured database URL (part of cache keys, so that two databases never share an entry)."""
    return db.database_url()


def now() -> datetime:
    """The current time, timezone-aware, in UTC (the store's clock)."""
    return db.utcnow()


def content_root() -> Path:
    """The curriculum folder: `ACADEMY_CONTENT_DIR`, or `content/` beside app.py."""
    return Path(os.environ.get("ACADEMY_CONTENT_DIR") or PROJECT_ROOT / "content")


def catalog() -> Catalog:
    """The parsed curriculum; re-read only when a file under the content folder changed."""
    return cached_catalog(content_root())
