"""Complaints and reports with feedback (R13.1-R13.5, R15.2), reporter weight, and appeals."""
