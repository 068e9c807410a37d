"""Main-image A/B test: impressions and clicks from the first-party tracking attributed by the same
split the browser uses, the winner suggested and applied with one click, the storefront's cached
cards carrying the test and dropping it when it ends."""

import json

import pytest

from dianpu.analytics.services import EventInput, VisitContext, record_events
from dianpu.catalog.services import add_product_image
from dianpu.catalog.tests.builders import make_product
from dianpu.core.errors import DomainError
from dianpu.design import queries, services
from dianpu.design.domain.abtest import assign_arm
from dianpu.design.models import Experiment
from dianpu.design.tests.builders import image_bytes

pytestmark = pytest.mark.django_db


def _product_with_images(actor, n=2):
    product = make_product(name="纯棉T恤")
    images = [
        add_product_image(
            actor=actor,
            product=product,
            filename=f"img{i}.jpg",
            data=image_bytes((400, 400), product=(40 * i, 80, 160)),
        )
        for i in range(n)
    ]
    return product, images


def _visit(visitor: str, product_id: int, *, click: bool):
    context = VisitContext(
        visitor_id=visitor,
        session_id=f"s-{visitor}",
        channel="direct",
        source="(direct)",
        utm_campaign="",
        device="desktop",
    )
    events = [EventInput(kind="list_impression", path="/", product_id=product_id)]
    if click:
        events.append(EventInput(kind="list_click", path="/", product_id=product_id))
    record_events(context, events)


def test_figures_follow_the_split_and_the_winner_becomes_the_main_image(staff):
    operator = staff("operator")
    product, (first, second) = _product_with_images(operator)
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[first.pk, second.pk])
    expected = {0: [0, 0], 1: [0, 0]}
    for n in range(600):
        visitor = f"visitor{n:08d}"
        arm = assign_arm(experiment.pk, visitor, 2)
        click = n % 4 == 0 if arm == 1 else n % 20 == 0  # about 25% against 5%
        _visit(visitor, product.pk, click=click)
        expected[arm][0] += 1
        expected[arm][1] += int(click)
    figures = queries.experiment_figures(experiment)
    assert [(row["figures"].impressions, row["figures"].clicks) for row in figures["arms"]] == [
        tuple(expected[0]),
        tuple(expected[1]),
    ]
    assert min(expected[0][0], expected[1][0]) > 250  # evenly split
    assert figures["verdict"].reason == "significant" and figures["winner"].product_image_id == second.pk

    services.apply_experiment_winner(actor=operator, experiment=experiment)
    assert list(product.images.values_list("pk", flat=True)) == [second.pk, first.pk]
    experiment.refresh_from_db()
    assert experiment.status == "applied" and experiment.winner.product_image_id == second.pk


def test_events_of_other_products_and_before_the_test_are_not_counted(staff):
    operator = staff("operator")
    product, images = _product_with_images(operator)
    other = make_product(name="别的商品")
    _visit("before-start-1", product.pk, click=True)
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    from dianpu.analytics.models import TrackingEvent

    TrackingEvent.objects.update(occurred_at=experiment.started_at.replace(year=experiment.started_at.year - 1))
    _visit("visitor-a-123", other.pk, click=True)
    _visit("visitor-b-123", product.pk, click=False)
    figures = queries.experiment_figures(experiment)
    assert sum(row["figures"].impressions for row in figures["arms"]) == 1
    assert sum(row["figures"].clicks for row in figures["arms"]) == 0


def test_beacons_from_the_tracking_script_are_counted(client, staff):
    operator = staff("operator")
    product, images = _product_with_images(operator)
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    client.cookies.load({"dp_vid": "abcdef0123456789abcdef01", "dp_sid": "session-abcdef12"})
    body = json.dumps(
        {
            "events": [
                {"kind": "list_impression", "path": "/", "product_id": product.pk},
                {"kind": "list_click", "path": "/", "product_id": product.pk},
            ]
        }
    )
    assert client.post("/api/v1/analytics/collect", body, content_type="text/plain").status_code == 204
    arm = assign_arm(experiment.pk, "abcdef0123456789abcdef01", 2)
    figures = queries.experiment_figures(experiment)
    assert (figures["arms"][arm]["figures"].impressions, figures["arms"][arm]["figures"].clicks) == (1, 1)
    assert figures["arms"][1 - arm]["figures"].impressions == 0


def test_refused_experiments_change_nothing(staff):
    operator = staff("operator")
    product, images = _product_with_images(operator, n=3)
    with pytest.raises(DomainError) as one_image:
        services.start_experiment(actor=operator, product_id=product.pk, image_ids=[images[0].pk])
    assert one_image.value.code == "experiment_needs_images"
    other_product, other_images = _product_with_images(operator)
    with pytest.raises(DomainError) as foreign:
        services.start_experiment(actor=operator, product_id=product.pk, image_ids=[images[0].pk, other_images[0].pk])
    assert foreign.value.code == "experiment_needs_images"
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    with pytest.raises(DomainError) as twice:
        services.start_experiment(actor=operator, product_id=product.pk, image_ids=[images[0].pk, images[1].pk])
    assert (twice.value.code, twice.value.status) == ("experiment_running", 409)
    with pytest.raises(DomainError) as early:
        services.apply_experiment_winner(actor=operator, experiment=experiment)
    assert early.value.code == "no_winner"
    assert list(product.images.values_list("pk", flat=True)) == [i.pk for i in images]
    assert Experiment.objects.get().status == "running"


def test_storefront_cards_carry_the_arms_and_a_cached_page_drops_them_when_the_test_ends(client, staff):
    operator = staff("operator")
    product, images = _product_with_images(operator)
    assert "data-dp-ab=" not in client.get("/").content.decode()
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    page = client.get("/").content.decode()
    assert f'data-dp-ab="{experiment.pk}"' in page
    assert images[0].thumbnail.url in page and images[1].thumbnail.url in page
    assert "design/ab.js" in page
    services.stop_experiment(actor=operator, experiment=experiment)
    assert "data-dp-ab=" not in client.get("/").content.decode()


def test_an_image_chosen_by_hand_can_be_applied(staff):
    operator = staff("operator")
    product, images = _product_with_images(operator)
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    services.stop_experiment(actor=operator, experiment=experiment)
    services.apply_experiment_winner(actor=operator, experiment=experiment, arm_index=1)
    assert product.images.first().pk == images[1].pk


def test_the_product_page_main_image_carries_the_arms_for_every_visitor_from_one_cached_page(client, staff):
    """The product page is cached for everyone: it names every arm's full-size image and lets the
    visitor's browser choose (the same split as the cards), rather than pinning one variant."""
    from django.test import Client

    operator = staff("operator")
    product, images = _product_with_images(operator)
    url = f"/products/{product.slug}/"
    assert "data-dp-ab=" not in client.get(url).content.decode()
    experiment = services.start_experiment(actor=operator, product_id=product.pk, image_ids=[i.pk for i in images])
    pages = []
    for visitor in ("0" * 24, "f" * 24):  # two visitors, each in their own arm
        browser = Client()
        browser.cookies.load({"dp_vid": visitor, "dp_consent": "yes"})
        pages.append(browser.get(url).content.decode())
    for page in pages:
        main = page[page.index('class="gallery-main"') : page.index("</a>", page.index('class="gallery-main"'))]
        assert f'data-dp-ab="{experiment.pk}"' in main
        assert f'data-dp-ab-images="{images[0].image.url} {images[1].image.url}"' in main
        assert f'src="{images[0].image.url}"' in main  # without a script: the product's own main image
    import re

    unmarked = [re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page) for page in pages]
    assert unmarked[0] == unmarked[1]  # nothing of either visitor's arm is in the shared page
    services.stop_experiment(actor=operator, experiment=experiment)
    assert "data-dp-ab=" not in client.get(url).content.decode()
