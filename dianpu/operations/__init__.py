"""operations: running the shop in production — backups (`dianpu backup`, `restore`,
`restore-check`; the archive, its manifest and the off-site copy), the owner's status page and
its JSON, Prometheus `/metrics`, request timing, scheduled jobs' runs recorded and run once per
slot, the worker's heartbeat, and the storefront link checker."""
