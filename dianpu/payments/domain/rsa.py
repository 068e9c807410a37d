"""RSA PKCS#1 v1.5 signatures with SHA-256 ("RSA2" at Alipay), in pure Python.

Keys are read from PEM (PKCS#8 / SubjectPublicKeyInfo or PKCS#1) or from the bare base64 body
Alipay's console hands out. Verification compares the whole encoded block, never a prefix."""

import base64
import hashlib
import hmac
from dataclasses import dataclass

# DER of DigestInfo for SHA-256, before the 32-byte hash (RFC 8017, section 9.2, note 1).
SHA256_PREFIX = bytes.fromhex("3031300d060960864801650304020105000420")
RSA_OID = bytes.fromhex("2a864886f70d010101")


class KeyFormatError(ValueError):
    """The text is not an RSA key this module can read."""


@dataclass(frozen=True)
class RsaPublicKey:
    n: int
    e: int

    @property
    def size(self) -> int:
        return (self.n.bit_length() + 7) // 8


@dataclass(frozen=True)
class RsaPrivateKey:
    n: int
    e: int
    d: int

    @property
    def public(self) -> RsaPublicKey:
        return RsaPublicKey(self.n, self.e)


def _der(text: str) -> bytes:
    body = "".join(line for line in text.strip().splitlines() if not line.startswith("-----"))
    try:
        return base64.b64decode(body, validate=False)
    except ValueError:
        raise KeyFormatError("not base64") from None


def _tlv(data: bytes, pos: int) -> tuple[int, bytes, int]:
    if pos + 2 > len(data):
        raise KeyFormatError("truncated")
    tag, length = data[pos], data[pos + 1]
    pos += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[pos:pos + count], "big")
        pos += count
    if pos + length > len(data):
        raise KeyFormatError("truncated")
    return tag, data[pos:pos + length], pos + length


def _sequence(data: bytes) -> list[tuple[int, bytes]]:
    tag, body, _end = _tlv(data, 0)
    if tag != 0x30:
        raise KeyFormatError("not a sequence")
    items, pos = [], 0
    while pos < len(body):
        tag, value, pos = _tlv(body, pos)
        items.append((tag, value))
    return items


def _int(value: bytes) -> int:
    return int.from_bytes(value, "big")


def parse_public_key(text: str) -> RsaPublicKey:
    items = _sequence(_der(text))
    if len(items) == 2 and items[0][0] == 0x02:  # PKCS#1 RSAPublicKey
        return RsaPublicKey(_int(items[0][1]), _int(items[1][1]))
    if len(items) == 2 and items[0][0] == 0x30 and items[1][0] == 0x03:  # SubjectPublicKeyInfo
        tag, oid, _end = _tlv(items[0][1], 0)
        if tag != 0x06 or oid != RSA_OID:
            raise KeyFormatError("not an RSA key")
        inner = _sequence(items[1][1][1:])  # skip the BIT STRING's unused-bits byte
        return RsaPublicKey(_int(inner[0][1]), _int(inner[1][1]))
    raise KeyFormatError("unknown public key format")


def parse_private_key(text: str) -> RsaPrivateKey:
    items = _sequence(_der(text))
    if len(items) >= 3 and items[1][0] == 0x30 and items[2][0] == 0x04:  # PKCS#8 PrivateKeyInfo
        items = _sequence(items[2][1])
    if len(items) < 4 or items[0][0] != 0x02:
        raise KeyFormatError("unknown private key format")
    return RsaPrivateKey(_int(items[1][1]), _int(items[2][1]), _int(items[3][1]))


def _encoded(message: bytes, size: int) -> bytes:
    digest_info = SHA256_PREFIX + hashlib.sha256(message).digest()
    if size < len(digest_info) + 11:
        raise KeyFormatError("key too short")
    return b"\x00\x01" + b"\xff" * (size - len(digest_info) - 3) + b"\x00" + digest_info


def sign_sha256(message: bytes, key: RsaPrivateKey) -> bytes:
    size = key.public.size
    return pow(int.from_bytes(_encoded(message, size), "big"), key.d, key.n).to_bytes(size, "big")


def verify_sha256(message: bytes, signature: bytes, key: RsaPublicKey) -> bool:
    size = key.size
    if len(signature) != size:
        return False
    value = int.from_bytes(signature, "big")
    if value >= key.n:
        return False
    recovered = pow(value, key.e, key.n).to_bytes(size, "big")
    return hmac.compare_digest(recovered, _encoded(message, size))
