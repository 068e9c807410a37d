"""Production settings pass Django's deployment checks; settings come from the environment."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(tmp_path, *args, **env):
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "REDIS_URL": "",
        "DIANPU_HTTPS": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=environment,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    result = run_manage(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-secret-key-of-some-length-9f3a7c",
        ALLOWED_HOSTS="shop.example.cn",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_read_the_environment(tmp_path):
    script = (
        "from django.conf import settings as s; import json; print(json.dumps([s.DEBUG, s.ALLOWED_HOSTS, "
        "s.DATABASES['default']['ENGINE'], s.HUEY['huey_class'], s.CACHES['default']['BACKEND'], "
        "str(s.DATA_DIR)]))"
    )
    result = run_manage(
        tmp_path,
        "shell",
        "-c",
        script,
        DEBUG="1",
        ALLOWED_HOSTS="a.example,b.example",
        DATABASE_URL="postgresql://u@127.0.0.1:5432/x",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.returncode == 0, result.stderr
    import json

    debug, hosts, engine, huey_class, cache, data_dir = json.loads(result.stdout.strip().splitlines()[-1])
    assert (debug, hosts) == (True, ["a.example", "b.example"])
    assert engine == "django.db.backends.postgresql"
    assert (huey_class, cache) == ("huey.RedisHuey", "django.core.cache.backends.redis.RedisCache")
    assert data_dir == str(tmp_path)


def test_a_secret_key_is_generated_once_into_the_data_dir(tmp_path):
    script = "from django.conf import settings; print(settings.SECRET_KEY)"
    first = run_manage(tmp_path, "shell", "-c", script, SECRET_KEY="").stdout.strip().splitlines()[-1]
    second = run_manage(tmp_path, "shell", "-c", script, SECRET_KEY="").stdout.strip().splitlines()[-1]
    assert first == second == (tmp_path / "secret_key").read_text().strip()
    assert len(first) >= 50
