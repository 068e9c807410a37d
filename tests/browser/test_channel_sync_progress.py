""" "Sync now" on a channel's page in a real browser: the click queues the sync (nothing runs in the
request), the page shows it waiting, and when the worker has run it the progress section turns into
the outcome by itself (htmx polling), with no script error."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.tests.builders import make_product
from dianpu.channels import sync
from dianpu.channels.models import ChannelSyncJob
from dianpu.channels.tests.fake_shopify import FakeShopify, running

from .conftest import console_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_sync_now_shows_the_workers_progress_then_the_outcome(chromium, live_server, monkeypatch):
    monkeypatch.setattr(sync, "_queue_sync", lambda job_id: None)  # the worker is this test, below
    operator = make_staff("operator")
    make_product(skus=["TEE-S", "TEE-M"], stock=10)
    fake = FakeShopify()
    fake.add_product(1, "T恤", [(11, "TEE-S", 111), (12, "TEE-M", 112)])
    with running(fake):
        channel = sync.create_channel(
            actor=None,
            kind="shopify",
            name="Shopify 海外店",
            shop_domain="x.myshopify.com",
            access_token=fake.token,
            webhook_secret="whsec",
            location_id="905",
            api_base=fake.base,
        )
        page = chromium.new_context().new_page()
        console_login(page, live_server.url, operator.username, then=f"/console/channels/{channel.pk}/")
        page.click("#sync-now")
        page.wait_for_selector("#sync-progress")
        assert "排队中" in page.inner_text("#sync-progress")
        assert fake.level_writes == []  # the request only queued it
        job = ChannelSyncJob.objects.get()
        sync.run_sync_job(job.pk)  # what the worker does
        page.locator("#sync-progress", has_text="已完成").wait_for()  # polled in, no reload
        text = page.inner_text("#sync-progress")
        assert "2 个 SKU 已对应" in text and "推送了 2 个库存" in text
        assert fake.levels == {111: 10, 112: 10}
