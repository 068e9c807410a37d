"""The main-image A/B test on the storefront in a real browser: the product card shows each
visitor the image the server attributes their impressions to (the same hash in ab.js and in
design/domain/abtest.py), on a page served from the shared page cache."""

import pytest

from dianpu.accounts.tests.builders import make_staff
from dianpu.catalog.services import add_product_image
from dianpu.catalog.tests.builders import make_product
from dianpu.design import services
from dianpu.design.domain.abtest import assign_arm
from dianpu.design.tests.builders import image_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_each_visitor_sees_their_own_image_on_a_cached_page(chromium, live_server):
    operator = make_staff("operator")
    product = make_product(name="纯棉T恤")
    images = [
        add_product_image(
            actor=operator,
            product=product,
            filename=f"ab{i}.jpg",
            data=image_bytes((400, 400), product=(60 * i, 90, 160)),
        )
        for i in range(2)
    ]
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    host = live_server.url.split("//", 1)[1].split(":")[0]
    visitors = [f"{n:024x}" for n in range(40)]
    first = next(v for v in visitors if assign_arm(experiment.pk, v, 2) == 0)
    second = next(v for v in visitors if assign_arm(experiment.pk, v, 2) == 1)
    for visitor, image in ((first, images[0]), (second, images[1]), (second, images[1])):
        context = chromium.new_context()
        context.add_cookies(
            [
                {"name": "dp_vid", "value": visitor, "domain": host, "path": "/"},
                {"name": "dp_consent", "value": "yes", "domain": host, "path": "/"},
            ]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/")
        page.wait_for_function(
            f'document.querySelector(\'[data-dp-product="{product.pk}"]\').hasAttribute("data-dp-ab-arm")'
        )
        cards = page.locator(f'[data-dp-product="{product.pk}"]')  # new arrivals and bestsellers
        assert cards.count() >= 1
        for n in range(cards.count()):
            assert cards.nth(n).get_attribute("data-dp-ab-arm") == str(assign_arm(experiment.pk, visitor, 2))
            assert cards.nth(n).locator("img").get_attribute("src") == image.thumbnail.url
        context.close()


def test_the_product_page_shows_the_visitor_the_image_their_card_showed(chromium, live_server):
    operator = make_staff("operator")
    product = make_product(name="纯棉T恤")
    images = [
        add_product_image(
            actor=operator,
            product=product,
            filename=f"pp{i}.jpg",
            data=image_bytes((400, 400), product=(60 * i, 90, 160)),
        )
        for i in range(2)
    ]
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    host = live_server.url.split("//", 1)[1].split(":")[0]
    visitors = [f"{n:024x}" for n in range(40)]
    for arm in (1, 0, 1):  # the second arm first, so the page is cached before the first arm's visitor
        visitor = next(v for v in visitors if assign_arm(experiment.pk, v, 2) == arm)
        context = chromium.new_context()
        context.add_cookies(
            [
                {"name": "dp_vid", "value": visitor, "domain": host, "path": "/"},
                {"name": "dp_consent", "value": "yes", "domain": host, "path": "/"},
            ]
        )
        page = context.new_page()
        page.goto(f"{live_server.url}/products/{product.slug}/")
        page.wait_for_function('document.querySelector(".gallery-main").hasAttribute("data-dp-ab-arm")')
        main = page.locator(".gallery-main")
        assert main.get_attribute("data-dp-ab-arm") == str(arm)
        assert main.locator("img").get_attribute("src") == images[arm].image.url
        assert main.get_attribute("href") == images[arm].image.url
        assert page.locator(".thumbs .is-active").get_attribute("data-gallery-image") == images[arm].image.url
        context.close()
