"""Evidence (R14.3): an append-only, hash-chained log of everything decided about anything."""
