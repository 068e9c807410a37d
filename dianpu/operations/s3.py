"""Copy a file to S3-compatible storage (AWS S3, MinIO, Aliyun OSS's S3 API, …): one PUT signed
with AWS Signature Version 4. Called after the backup is written, never inside a transaction."""

import hashlib
import hmac
from datetime import datetime
from pathlib import Path
from urllib.parse import quote, urlsplit

import requests

from dianpu.core.outbound import ensure_outside_transaction


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def signing_key(secret: str, day: str, region: str, service: str = "s3") -> bytes:
    key = _hmac(f"AWS4{secret}".encode(), day)
    key = _hmac(key, region)
    key = _hmac(key, service)
    return _hmac(key, "aws4_request")


def canonical_request(method: str, path: str, query: str, headers: dict, signed: list[str], payload_hash: str) -> str:
    lines = "".join(f"{name}:{headers[name].strip()}\n" for name in signed)
    return "\n".join([method, path, query, lines, ";".join(signed), payload_hash])


def string_to_sign(amz_date: str, scope: str, request: str) -> str:
    return "\n".join(["AWS4-HMAC-SHA256", amz_date, scope, hashlib.sha256(request.encode()).hexdigest()])


def put_object(
    *,
    endpoint: str,
    bucket: str,
    key: str,
    path: Path,
    access_key: str,
    secret_key: str,
    region: str,
    now: datetime,
    timeout: float = 60,
) -> str:
    """PUT `path` as bucket/key (path-style URL); returns "s3://bucket/key". Raises OSError or
    requests.RequestException on failure."""
    ensure_outside_transaction("s3 upload")
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    payload_hash = digest.hexdigest()
    url = f"{endpoint.rstrip('/')}/{quote(bucket)}/{quote(key)}"
    parts = urlsplit(url)
    amz_date, day = now.strftime("%Y%m%dT%H%M%SZ"), now.strftime("%Y%m%d")
    headers = {"host": parts.netloc, "x-amz-content-sha256": payload_hash, "x-amz-date": amz_date}
    signed = sorted(headers)
    scope = f"{day}/{region}/s3/aws4_request"
    to_sign = string_to_sign(amz_date, scope, canonical_request("PUT", parts.path, "", headers, signed, payload_hash))
    signature = hmac.new(signing_key(secret_key, day, region), to_sign.encode(), hashlib.sha256).hexdigest()
    headers["Authorization"] = (
        f"AWS4-HMAC-SHA256 Credential={access_key}/{scope}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    )
    with Path(path).open("rb") as body:
        response = requests.put(
            url, data=body, headers={k: v for k, v in headers.items() if k != "host"}, timeout=timeout
        )
    if response.status_code >= 300:
        raise OSError(f"HTTP {response.status_code}: {response.text[:200]}")
    return f"s3://{bucket}/{key}"
