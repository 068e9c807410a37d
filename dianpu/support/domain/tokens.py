"""The visitor's conversation token: random, shown once; only its SHA-256 is stored."""

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return bool(token) and bool(stored_hash) and hmac.compare_digest(hash_token(token), stored_hash)
