"""Backups and restores, on the real database (SQLite file in WAL, or PostgreSQL): a backup taken
while buyers check out restores, in another process, into an empty store that serves the orders
of the backup with stock equal to the ledger; bad archives and a full disk are refused cleanly."""

import errno
import io
import json
import os
import subprocess
import sys
import tarfile
import threading
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from dianpu.catalog.tests.builders import make_product
from dianpu.inventory.services import InsufficientStockError
from dianpu.operations import archive, services
from dianpu.operations.models import BackupRun
from dianpu.orders.models import Order
from dianpu.orders.tests.builders import place_test_order

pytestmark = [pytest.mark.django_db(transaction=True, serialized_rollback=True)]
DIANPU = str(Path(sys.executable).with_name("dianpu"))


@pytest.fixture
def store(tmp_path):
    """A place to restore into, in another process: an empty data dir (and, on PostgreSQL, an
    empty database)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dianpu.settings",
        "DIANPU_DATA_DIR": str(tmp_path / "restored"),
        "DEBUG": "0",
        "DIANPU_HTTPS": "0",
        "LOG_LEVEL": "WARNING",
        "REDIS_URL": "",
    }
    name = None
    if connection.vendor == "postgresql":
        import psycopg

        name = f"dianpu_ops_restore_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(archive.pg_dsn(name="postgres"), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        db = connection.settings_dict
        env["DATABASE_URL"] = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    else:
        env["DATABASE_URL"] = ""
    yield env
    if name:
        with psycopg.connect(archive.pg_dsn(name="postgres"), autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def run(env, *args):
    return subprocess.run([DIANPU, *args], env=env, capture_output=True, text=True, timeout=300)


READ_STORE = (
    "import json;from django.db.models import Sum;"
    "from dianpu.orders.models import Order;from dianpu.inventory.models import StockLevel, StockMove;"
    "from django.test import Client;"
    "levels={f'{l.variant_id}:{l.warehouse_id}':[l.on_hand,l.reserved] for l in StockLevel.objects.all()};"
    "ledger={f'{r[\"variant_id\"]}:{r[\"warehouse_id\"]}':[r['h'],r['r']] for r in StockMove.objects.values("
    "'variant_id','warehouse_id').annotate(h=Sum('on_hand_delta'),r=Sum('reserved_delta'))};"
    "o=Order.objects.order_by('number').first();"
    "page=Client().get('/orders/status/',{'number':o.number,'email':o.email}) if o else None;"
    "from dianpu.audit.models import AuditEntry;from dianpu.operations.models import BackupRun;"
    "print(json.dumps({'audited':AuditEntry.objects.filter(action='operations.backup_restored').count(),"
    "'running':BackupRun.objects.filter(status='running').count(),'orders':sorted(Order.objects.values_list('number',flat=True)),'levels':levels,"
    "'ledger':ledger,'page':page.status_code if page else None,'shown':bool(page and o.number in page.content.decode())}))"
)


@pytest.mark.long
def test_a_backup_taken_while_buyers_check_out_restores_into_an_empty_store(tmp_path, store):
    make_product(stock=40, skus=["BK-1"])
    place_test_order({"BK-1": 1}, email="first@example.com")
    start = threading.Barrier(5)
    placed, errors = [], []

    def buyer(i):
        from django.db import connections

        try:
            start.wait(timeout=30)
            for n in range(4):
                try:
                    placed.append(place_test_order({"BK-1": 1}, email=f"b{i}-{n}@example.com").number)
                except InsufficientStockError:
                    pass
        except Exception as exc:  # asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=buyer, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    start.wait(timeout=30)
    output = tmp_path / "shop.tar.gz"
    run_ = services.take_backup(output)
    for t in threads:
        t.join(timeout=120)
    assert errors == [] and len(placed) == 16
    assert run_.status == "ok" and output.is_file() and run_.size_bytes == output.stat().st_size
    manifest = run_.summary
    assert manifest["ledger_matches_levels"] is True

    restored = run(store, "restore", str(output))
    assert restored.returncode == 0, restored.stderr
    assert "ledger checksum matches" in restored.stdout
    # pages rendered without collectstatic: the test settings (same database, same data dir)
    shown = run({**store, "DJANGO_SETTINGS_MODULE": "dianpu.settings_test"}, "shell", "-c", READ_STORE)
    assert shown.returncode == 0, shown.stderr
    facts = json.loads(shown.stdout.strip().splitlines()[-1])
    live = set(Order.objects.values_list("number", flat=True))
    with tarfile.open(output) as tar:
        counted = json.load(tar.extractfile("manifest.json"))["row_counts"]["orders_order"]
    assert len(facts["orders"]) == counted and 1 <= counted <= 17
    assert set(facts["orders"]) <= live
    assert facts["levels"] == {k: v for k, v in facts["ledger"].items()} and facts["levels"]
    assert facts["page"] == 200 and facts["shown"]
    assert (facts["audited"], facts["running"]) == (1, 0)  # the restore is audited, its own run closed

    again = run(store, "restore", str(output))  # now the store has data: refused without --yes
    assert again.returncode != 0 and "store_not_empty" in again.stderr
    assert run(store, "restore", str(output), "--yes").returncode == 0


def _rewrite(source: Path, target: Path, change) -> None:
    with tarfile.open(source) as old, tarfile.open(target, "w:gz") as new:
        for member in old.getmembers():
            data = old.extractfile(member).read()
            if member.name == "manifest.json":
                manifest = json.loads(data)
                change(manifest)
                data = json.dumps(manifest).encode()
                member.size = len(data)
            new.addfile(member, io.BytesIO(data))


@pytest.fixture
def good_backup(tmp_path):
    make_product(stock=5, skus=["BK-2"])
    place_test_order({"BK-2": 2}, email="a@example.com")
    path = tmp_path / "good.tar.gz"
    services.take_backup(path)
    return path


def test_a_truncated_backup_or_one_of_another_version_or_schema_is_refused_and_nothing_changes(tmp_path, good_backup):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(good_backup.read_bytes()[: good_backup.stat().st_size // 2])
    older = tmp_path / "older.tar.gz"
    _rewrite(good_backup, older, lambda m: m.update(dianpu_version="0.0.9"))
    other_schema = tmp_path / "schema.tar.gz"
    _rewrite(good_backup, other_schema, lambda m: m.update(migrations=[*m["migrations"], "orders.9999_future"]))
    place_test_order({"BK-2": 1}, email="after@example.com")  # the store moves on after the backup
    before = sorted(Order.objects.values_list("number", flat=True))
    for path, code in [
        (truncated, "backup_unreadable"),
        (older, "backup_other_version"),
        (other_schema, "backup_other_schema"),
        (tmp_path / "missing.tar.gz", "backup_missing"),
    ]:
        with pytest.raises(archive.BackupError) as refused:
            archive.restore(path, overwrite=True)
        assert refused.value.code == code
    with pytest.raises(CommandError, match="store_not_empty"):
        call_command("restore", str(good_backup))
    assert sorted(Order.objects.values_list("number", flat=True)) == before


def test_a_full_disk_during_a_backup_leaves_no_file_and_is_recorded(tmp_path, monkeypatch):
    make_product(stock=5, skus=["BK-3"])

    class FullDisk(io.RawIOBase):
        def __init__(self, path):
            self.handle = open(path, "wb")  # noqa: SIM115 (closed by close())

        def writable(self):
            return True

        def write(self, data):
            self.handle.write(data[:10])
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            self.handle.close()
            super().close()

    monkeypatch.setattr(archive, "_open_archive", lambda partial: tarfile.open(fileobj=FullDisk(partial), mode="w:gz"))  # noqa: SIM115
    output = tmp_path / "out" / "full.tar.gz"
    with pytest.raises(CommandError, match="disk_full"):
        call_command("backup", "--output", str(output))
    assert list(output.parent.iterdir()) == []  # neither the archive nor its partial file
    failed = BackupRun.objects.get()
    assert (failed.status, failed.error_code) == ("failed", "disk_full")
    assert "磁盘空间不足" in failed.error


def test_the_restore_check_compares_the_latest_backup_and_catches_a_damaged_one(tmp_path, settings, good_backup):
    settings.BACKUP_DIR = tmp_path / "scratch"
    run_ = services.run_restore_check()
    assert run_.status == "ok", run_.error
    assert run_.summary["count_differences"] == {} and run_.summary["ledger_checksum_matches"]
    assert run_.path == str(good_backup)
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(good_backup, damaged, lambda m: m["row_counts"].update(orders_order=99))
    failed = services.run_restore_check(damaged)
    assert failed.status == "failed" and failed.error_code == "restore_check_differs"
    assert failed.summary["count_differences"]["orders_order"][0] == 99


def test_old_backups_are_pruned_after_the_kept_days(tmp_path, settings):
    from datetime import timedelta

    from dianpu.core import clock

    settings.BACKUP_DIR, settings.BACKUP_KEEP_DAYS = tmp_path, 3
    now = clock.now()
    clock.freeze(now - timedelta(days=5))
    try:
        old = services.take_backup()
    finally:
        clock.freeze(None)
    new = services.take_backup()
    assert not Path(old.path).exists() and Path(new.path).exists()
