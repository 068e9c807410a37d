"""A change to the shop's settings (languages, name) is never hidden by a storefront page cached before."""

import pytest
from django.test import Client

from dianpu.shop.queries import forget_shop_profile
from dianpu.shop.tests.test_methods_and_languages import settings_form, signed_in

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_profile():
    forget_shop_profile()
    yield
    forget_shop_profile()


def test_saving_the_settings_bumps_the_storefront_page_version():
    from dianpu.storefront.page_cache import get_page_version

    client, _owner = signed_in("owner")
    assert 'value="en"' in Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()  # cached now
    before = get_page_version()
    assert client.post("/console/shop/", settings_form(shop_languages=["zh-hans"])).status_code == 302
    assert get_page_version() > before
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/").content.decode()  # a page cached before is not served
    assert 'value="en"' not in html and '<option value="zh-hans" selected>简体中文</option>' in html
