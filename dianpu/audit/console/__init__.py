"""Console page of the audit log: who changed what and when, filtered by kind of change and person."""
