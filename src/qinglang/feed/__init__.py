"""Governed recommendation (R12.1-R12.3, R6.1): feeds, governance modes, interventions, user choice,
exposures."""
