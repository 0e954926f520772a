"""Accounts: sign-up and sign-in, roles, sign-in sessions, personal data export and erasure."""
