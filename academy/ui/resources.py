"""Process-wide resources shared by every session: the database engine and the catalog.

Pages reach the store only through this module (`database_url()` and `now()` serve as cache keys and
dates), never by importing `academy.store` themselves. The curriculum comes from the database
(`academy.content.repository`): each call checks the content version (at most one primary-key lookup per
second per process) and returns the catalog parsed for it, so every replica serves a publication within a
second of its commit.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import streamlit as st
from sqlalchemy import Engine

from academy.content import repository
from academy.content.catalog import Catalog
from academy.store import db

PROJECT_ROOT = Path(__file__).resolve().parents[2]


@st.cache_resource(show_spinner=False)
def _engine_for(url: str) -> Engine:
    engine = db.make_engine(url)
    db.upgrade(engine)
    repository.ensure_seeded(engine, content_root())
    return engine


_ENGINES: dict[str, Engine] = {}  # URL → the engine of _engine_for: skips its argument hashing on every call


def engine() -> Engine:
    """The engine for the configured database, migrated to the latest revision and holding a curriculum (the
    seed folder is imported into an empty store), once per process.

    Pages call this several times per rerun; `st.cache_resource` hashes its argument on each call, so the
    engine it made is also kept in a plain dict (a per-process cache, like the resource itself).
    """
    url = db.database_url()
    found = _ENGINES.get(url)
    if found is None:
        found = _ENGINES[url] = _engine_for(url)
    return found


def database_url() -> str:
    """The configured database URL (part of cache keys, so that two databases never share an entry)."""
    return db.database_url()


def now() -> datetime:
    """The current time, timezone-aware, in UTC (the store's clock)."""
    return db.utcnow()


def content_root() -> Path:
    """The seed curriculum folder (`ACADEMY_CONTENT_DIR`, or `content/` beside app.py), imported into an empty
    store; the app itself serves the curriculum from the database."""
    return repository.seed_folder()


def catalog() -> Catalog:
    """The published curriculum, parsed once per content version (what learners see)."""
    return repository.published_catalog(engine())


def working_catalog() -> Catalog:
    """The Studio's working copy: every module's newest version, drafts included (never shown to learners)."""
    return repository.working_catalog(engine())
