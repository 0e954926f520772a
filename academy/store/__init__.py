"""Persistence: the engine and sessions, the ORM models, the progress rollup and the audit log.

The only package that knows SQL dialects. Importing it registers the rollup's ORM listener, so every
session that writes lessons, attempts or responses keeps ``learner_module_stats`` in step.
"""

from academy.store import rollup as _rollup  # noqa: F401  (registers the after_flush listener)
