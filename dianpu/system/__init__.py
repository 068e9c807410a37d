"""system: health check and status of the running installation. Imports core only (and reads
the database, cache and queue through Django and huey)."""
