"""Pure rules of the service desk: statuses, SLA deadlines, round-robin, canned reply variables."""
