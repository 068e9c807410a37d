"""The off-site copy, against a local S3-compatible server that checks AWS Signature Version 4 the
way S3 does (its own derivation of the signing key), and with the server down."""

import hashlib
import hmac
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from dianpu.operations import queries, services

pytestmark = pytest.mark.django_db
ACCESS, SECRET, REGION = "AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "cn-east-1"


class FakeS3(BaseHTTPRequestHandler):
    objects: dict = {}

    def log_message(self, *args):
        pass

    def do_PUT(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        auth = self.headers.get("Authorization", "")
        fields = dict(part.strip().split("=", 1) for part in auth.removeprefix("AWS4-HMAC-SHA256 ").split(","))
        access, day, region, service, _term = fields["Credential"].split("/")
        signed = fields["SignedHeaders"].split(";")
        payload = hashlib.sha256(body).hexdigest()
        canonical = "\n".join(
            [
                "PUT",
                self.path,
                "",
                "".join(f"{h}:{self.headers[h].strip()}\n" for h in signed),
                ";".join(signed),
                self.headers["x-amz-content-sha256"],
            ]
        )
        to_sign = "\n".join(
            [
                "AWS4-HMAC-SHA256",
                self.headers["x-amz-date"],
                f"{day}/{region}/{service}/aws4_request",
                hashlib.sha256(canonical.encode()).hexdigest(),
            ]
        )
        key = f"AWS4{SECRET}".encode()
        for part in (day, region, service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
        if access != ACCESS or fields["Signature"] != expected or payload != self.headers["x-amz-content-sha256"]:
            self.send_response(403)
            self.end_headers()
            self.wfile.write(b"<Error><Code>SignatureDoesNotMatch</Code></Error>")
            return
        FakeS3.objects[self.path] = body
        self.send_response(200)
        self.send_header("ETag", '"%s"' % hashlib.md5(body).hexdigest())
        self.end_headers()


@pytest.fixture
def s3_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    FakeS3.objects = {}
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def _configure(settings, tmp_path, endpoint, secret=SECRET):
    settings.BACKUP_DIR = tmp_path
    settings.BACKUP_S3_ENDPOINT, settings.BACKUP_S3_BUCKET, settings.BACKUP_S3_PREFIX = (
        endpoint,
        "shop-backups",
        "nightly/",
    )
    settings.BACKUP_S3_ACCESS_KEY, settings.BACKUP_S3_SECRET_KEY, settings.BACKUP_S3_REGION = ACCESS, secret, REGION


def test_a_backup_is_copied_to_s3_compatible_storage(settings, tmp_path, s3_server):
    _configure(settings, tmp_path, s3_server)
    run = services.take_backup()
    name = Path(run.path).name
    assert run.offsite == f"ok: s3://shop-backups/nightly/{name}"
    assert FakeS3.objects[f"/shop-backups/nightly/{name}"] == Path(run.path).read_bytes()
    assert "offsite_copy_failed" not in queries.get_status()["problems"]


def test_a_refused_or_unreachable_s3_server_keeps_the_local_backup_and_shows_on_the_status_page(
    settings, tmp_path, s3_server
):
    _configure(settings, tmp_path, s3_server, secret="wrong-secret")
    refused = services.take_backup()
    assert refused.status == "ok" and Path(refused.path).is_file()
    assert refused.offsite.startswith("failed:") and "403" in refused.offsite and FakeS3.objects == {}
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    _configure(settings, tmp_path, f"http://127.0.0.1:{closed_port}")
    down = services.take_backup()
    assert down.status == "ok" and Path(down.path).is_file() and down.offsite.startswith("failed:")
    assert "offsite_copy_failed" in queries.get_status()["problems"]
