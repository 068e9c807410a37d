"""Visitor tokens: the random secret a storefront visitor holds instead of an account (a support
conversation's token, the bot's session). Shown to the visitor once; only its SHA-256 is stored,
and a given token is compared with the stored hash in constant time. Used by support and
knowledge, so that both keep one rule for what a visitor secret is and how it is kept."""

import hashlib
import hmac
import secrets


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256((token or "").encode()).hexdigest()


def token_matches(token: str, stored_hash: str) -> bool:
    return bool(token) and bool(stored_hash) and hmac.compare_digest(hash_token(token), stored_hash)
