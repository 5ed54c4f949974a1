"""Account credit (R10.3): a ledger of events, a score derived from it, tiers with service levels."""
