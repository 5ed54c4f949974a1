"""Human review (R11.1, R11.2): cases, the queue, claims, qualified and dual review, SLAs and
the staffing report."""
