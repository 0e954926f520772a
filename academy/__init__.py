"""Académie IA Santé: the training platform (catalog, store, accounts, progress, exports, UI)."""
