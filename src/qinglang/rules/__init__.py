"""Published management rules, platform conventions and the user agreement (R9.1, R10.1, R3.1)."""
