"""Reports to the competent departments (R14.4), their routing and handling (R4.1), and the
figures the authorities supervise the platform with (R4.2)."""
