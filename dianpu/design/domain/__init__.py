"""Pure rules of the designer's desk: the brief's status machine, image kinds and their checks,
the A/B split and its significance test. No Django, no I/O."""
