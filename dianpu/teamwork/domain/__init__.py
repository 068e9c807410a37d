"""Pure rules of the team's daily work: default routines per role, the festival calendar, month
grids, and what "done on time" means. No Django, no I/O."""
