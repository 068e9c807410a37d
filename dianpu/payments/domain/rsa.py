"""RSA PKCS#1 v1.5 signatures with SHA-256 ("RSA2" at Alipay), through the `cryptography` library.

Keys are read from PEM (PKCS#8 / SubjectPublicKeyInfo or PKCS#1) or from the bare base64 body
Alipay's console hands out. We never do the arithmetic ourselves: parsing, signing (with
blinding) and constant-time verification are the library's."""

import base64
import binascii
from collections.abc import Callable, Iterable

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes

RsaPublicKey = rsa.RSAPublicKey
RsaPrivateKey = rsa.RSAPrivateKey


class KeyFormatError(ValueError):
    """The text is not an RSA key this module can read."""


def _der(text: str) -> bytes:
    body = "".join(line.strip() for line in (text or "").strip().splitlines() if not line.startswith("-----"))
    try:
        der = base64.b64decode(body, validate=True)
    except (ValueError, binascii.Error):
        raise KeyFormatError("not base64") from None
    if not der:
        raise KeyFormatError("empty key")
    return der


def _load(text: str, loaders: Iterable[Callable[[bytes], object]]) -> object:
    der = _der(text)
    for loader in loaders:
        try:
            return loader(der)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            continue
    raise KeyFormatError("unknown key format")


def _pkcs1_public(der: bytes) -> PublicKeyTypes:
    pem = b"-----BEGIN RSA PUBLIC KEY-----\n" + base64.encodebytes(der) + b"-----END RSA PUBLIC KEY-----\n"
    return serialization.load_pem_public_key(pem)


def _pkcs1_private(der: bytes) -> PrivateKeyTypes:
    pem = b"-----BEGIN RSA PRIVATE KEY-----\n" + base64.encodebytes(der) + b"-----END RSA PRIVATE KEY-----\n"
    return serialization.load_pem_private_key(pem, password=None)


def parse_public_key(text: str) -> RsaPublicKey:
    key = _load(text, (serialization.load_der_public_key, _pkcs1_public))
    if not isinstance(key, rsa.RSAPublicKey):
        raise KeyFormatError("not an RSA key")
    return key


def parse_private_key(text: str) -> RsaPrivateKey:
    key = _load(text, (lambda der: serialization.load_der_private_key(der, password=None), _pkcs1_private))
    if not isinstance(key, rsa.RSAPrivateKey):
        raise KeyFormatError("not an RSA key")
    return key


def sign_sha256(message: bytes, key: RsaPrivateKey) -> bytes:
    return key.sign(message, padding.PKCS1v15(), hashes.SHA256())


def verify_sha256(message: bytes, signature: bytes, key: RsaPublicKey) -> bool:
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True
