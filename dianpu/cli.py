"""The `dianpu` command: Django's manage.py plus `serve` (gunicorn) and `worker` (huey).

    dianpu migrate | createsuperuser | seed-demo ... | createtoken USER   (Django commands;
                                                    dashes in names become underscores)
    dianpu serve [--port N] [--host H] [--workers N]    production web server
    dianpu worker [--workers N]                         background and scheduled jobs

`dianpu worker` runs the huey consumer in a child process and stays idle itself, so it always
hears SIGTERM/SIGINT at once: it passes the signal on, and a consumer that has not stopped after
DIANPU_WORKER_GRACE seconds (default 8, inside Docker's 10) is killed, whatever its job is doing
(a job busy in C code cannot run Python's signal handler). An import interrupted this way rolls
back and is queued again.
"""

import argparse
import os
import signal
import subprocess
import sys
import time


def _serve(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="dianpu serve", description="Run the production web server (gunicorn).")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--workers", type=int, default=int(os.environ.get("WEB_CONCURRENCY", "0")) or None)
    args = parser.parse_args(argv)
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings

    if not (settings.STATIC_ROOT / "staticfiles.json").exists():
        # Several web processes started at once on one machine collect once, one after the other.
        import fcntl

        settings.STATIC_ROOT.mkdir(parents=True, exist_ok=True)
        with open(settings.STATIC_ROOT / ".collect.lock", "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not (settings.STATIC_ROOT / "staticfiles.json").exists():
                call_command("collectstatic", interactive=False, verbosity=0)
    workers = args.workers or max(2, (os.cpu_count() or 1) * 2)
    bind = ["--bind", f"{args.host}:{args.port}"]
    os.execvp(
        sys.executable, [sys.executable, "-m", "gunicorn", "dianpu.wsgi:application", *bind, *gunicorn_options(workers)]
    )


def gunicorn_options(workers: int) -> list[str]:
    """The gunicorn options of `dianpu serve` (bench/storefront.py serves its bare Django view with
    the very same, so the two differ only in the application)."""
    return [
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--timeout",
        "60",
        "--graceful-timeout",
        "10",
        # The application (and its warm-up: jieba's dictionary, templates, catalogues) loads once in
        # the master; the workers share those pages copy-on-write (dianpu/system/warmup.py).
        "--preload",
    ]


def _worker(argv: list[str], command: list[str] | None = None) -> int:
    """Supervise the huey consumer (a child process) and stop it within the grace period."""
    grace = float(os.environ.get("DIANPU_WORKER_GRACE", "8"))
    child = subprocess.Popen(command or [sys.executable, "-m", "dianpu.cli", "run_huey", *argv])
    stop_at = None

    def on_signal(signum, _frame):
        nonlocal stop_at
        if child.poll() is None:
            child.send_signal(signal.SIGTERM if signum == signal.SIGTERM else signum)
        if stop_at is None:
            stop_at = time.monotonic() + grace

    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, on_signal)
    while True:
        try:
            return child.wait(timeout=0.1)
        except subprocess.TimeoutExpired:
            if stop_at is not None and time.monotonic() >= stop_at:
                child.kill()
                child.wait()
                return 128 + signal.SIGTERM


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dianpu.settings")
    command = argv[1] if len(argv) > 1 else "help"
    if command == "serve":
        _serve(argv[2:])
        return
    if command == "worker":
        sys.exit(_worker(argv[2:]))
    elif not command.startswith("-"):
        argv[1] = command.replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
