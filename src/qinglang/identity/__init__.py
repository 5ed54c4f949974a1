"""Accounts, real identity (R9.2, R10.2), roles and account management (R9.3)."""
