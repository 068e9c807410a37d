"""A guesser gets no fresh budget per web process: two `dianpu serve` processes (two machines, as
far as the budget can tell) share one database; failures sent to both add up."""

import http.client
import json
import os
import re
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests import database_template

pytestmark = pytest.mark.long
DIANPU = str(Path(sys.executable).with_name("dianpu"))
PASSWORD = "right-pass-4821"


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    """Just enough HTTP: one server, cookies kept."""

    def __init__(self, port):
        self.port, self.cookies = port, {}

    def request(self, method, path, body=None, headers=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Accept-Language": "zh-hans", **(headers or {})}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _sep, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        return response.status, response.read().decode()

    def sign_in(self, username, password):
        _status, page = self.request("GET", "/console/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.request(
            "POST",
            "/console/login/",
            urlencode({"csrfmiddlewaretoken": token, "username": username, "password": password}),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/"},
        )

    def ask_for_return(self, number, email):
        body = json.dumps(
            {
                "order_number": number,
                "email": email,
                "kind": "return",
                "reason": "size_fit",
                "lines": [{"sku": "TEE-1", "quantity": 1}],
            }
        )
        return self.request("POST", "/api/v1/returns", body, {"Content-Type": "application/json"})[0]


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-servers")
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DEBUG": "0",
        "DIANPU_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }
    database_template.fill_migrated_data_dir(tmp_path, env)  # `dianpu migrate`, once per run
    subprocess.run(
        [DIANPU, "createsuperuser", "--noinput", "--username", "boss", "--email", "boss@example.com"],
        env=env,
        check=True,
        timeout=120,
        capture_output=True,
    )
    ports = [free_port()]
    while len(ports) < 2:  # two different ports, whatever the kernel hands out twice
        port = free_port()
        if port not in ports:
            ports.append(port)
    logs = [tmp_path / f"server-{p}.log" for p in ports]
    servers = [
        subprocess.Popen(
            [DIANPU, "serve", "--port", str(p), "--workers", "1"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("wb"),
        )
        for p, log in zip(ports, logs, strict=True)
    ]
    try:
        deadline = time.time() + 180  # a cold start on a busy two-core machine
        for port, log in zip(ports, logs, strict=True):
            while True:
                try:
                    if Browser(port).request("GET", "/healthz")[0] == 200:
                        break
                except OSError:
                    pass
                assert time.time() < deadline, f"server on {port} did not start: {log.read_text()[-3000:]}"
                time.sleep(0.3)
        yield [Browser(p) for p in ports], env
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)


def test_wrong_passwords_sent_to_two_processes_add_up(two_servers):
    (a, b), env = two_servers
    for i in range(10):
        status, page = (a if i % 2 else b).sign_in("boss", "wrong-guess")
        assert status == 200 and "用户名或密码不正确。" in page
    for server in (a, b):
        status, page = server.sign_in("boss", PASSWORD)
        assert status == 200 and "登录失败次数过多，请 15 分钟后再试。" in page
    audited = subprocess.run(
        [
            DIANPU,
            "shell",
            "-c",
            (
                "from dianpu.audit.models import AuditEntry;"
                "print(sorted(AuditEntry.objects.filter(action='security.sign_in_throttled')"
                ".values_list('object_type', flat=True)))"
            ),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert audited.stdout.strip().splitlines()[-1] == "['account', 'ip']"


def test_order_guesses_sent_to_two_processes_add_up(two_servers):
    (a, b), _env = two_servers
    number = f"X{uuid.uuid4().hex[:8].upper()}"
    statuses = [(a if i % 2 else b).ask_for_return(number, f"guess{i}@example.com") for i in range(10)]
    assert statuses == [404] * 10
    assert [a.ask_for_return(number, "x@example.com"), b.ask_for_return(number, "x@example.com")] == [429, 429]
    # the storefront's look-up is the same budget
    _status, page = a.request("GET", "/orders/status/?" + urlencode({"number": "Y1", "email": "y@example.com"}))
    assert "查询失败次数过多，请 15 分钟后再试。" in page
