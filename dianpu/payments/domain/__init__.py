"""Pure payment rules: webhook signatures, minor units, refund amounts. No Django, no I/O."""
