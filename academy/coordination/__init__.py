"""Coordinators' tools: cohorts and assignments, roster import, attestations (certificates)."""
