"""Notices to users: why their content was actioned, results of their reports (R13.5),
corrections of false information they saw (R9.7). One inbox per account."""
