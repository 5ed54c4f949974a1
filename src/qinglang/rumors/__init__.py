"""Rumour disposal (R9.7, R5.1): the debunk bank, claim matching, retroactive sweeps, corrections."""
