"""core: money, the clock seam, the DomainError base, sanitising, request-edge plumbing.

Owns no tables. Imports no other dianpu app (an import-linter contract checks it).
"""
