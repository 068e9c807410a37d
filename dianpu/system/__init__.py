"""system: the running installation — the health check (/healthz, which imports core only and
reads the database, cache and queue through Django and huey) and the `seed-demo` command, whose
package `system.demo` writes every shop app's tables in bulk (the one exemption from the
single-writer rule, see tests/architecture)."""
