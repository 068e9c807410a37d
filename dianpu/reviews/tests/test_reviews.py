"""Product reviews as a buyer and a moderator see them: one review per delivered order line (API,
with an image checked by what it is), the "first review" points once, the product page (escaped,
average and count, paginated, never stale in the page cache), hiding in the console and the API,
and the review themes beside the complaints on the product's console page."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from dianpu.audit.models import AuditEntry
from dianpu.customers.models import PointsEntry
from dianpu.customers.tests.builders import make_account, token_of
from dianpu.reviews import queries, services
from dianpu.reviews.domain.errors import ReviewError
from dianpu.reviews.models import Review

from .builders import delivered_line

pytestmark = pytest.mark.django_db
XSS = '<img src=x onerror="alert(1)"><b>很好</b>'


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (6, 4), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def _post_review(customer, line_id, rating=5, body="", images=()):
    data = {"order_line_id": str(line_id), "rating": str(rating), "body": body}
    if images:
        data["images"] = list(images)
    return Client().post("/api/v1/me/reviews", data, HTTP_AUTHORIZATION=f"Bearer {token_of(customer)}")


def test_a_buyer_reviews_a_delivered_line_once_with_an_image_and_earns_the_first_review_points():
    customer, line = delivered_line()
    listed = Client().get("/api/v1/me/reviewable-lines", HTTP_AUTHORIZATION=f"Bearer {token_of(customer)}").json()
    assert [(r["order_line_id"], r["product"]) for r in listed] == [(line.pk, "纯棉T恤")]
    image = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    response = _post_review(customer, line.pk, 4, XSS, [image])
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["rating"], body["body"], body["author"]) == (4, XSS, "王**")
    assert [(i["width"], i["height"]) for i in body["images"]] == [(6, 4)]
    again = _post_review(customer, line.pk, 1, "改评")
    assert again.status_code == 409 and again.json()["code"] == "review_already_given"
    assert Review.objects.count() == 1 and Review.objects.get().rating == 4
    assert PointsEntry.objects.filter(customer=customer, reference="first-review").count() == 1
    _other, second_line = delivered_line(customer)
    services.submit_review(customer=customer, order_line_id=second_line.pk, rating=5)
    assert PointsEntry.objects.filter(customer=customer, reference="first-review").count() == 1
    assert Client().get("/api/v1/me/reviewable-lines", HTTP_AUTHORIZATION=f"Bearer {token_of(customer)}").json() == []


def test_refused_reviews_change_nothing():
    customer, line = delivered_line()
    _buyer, undelivered = delivered_line(customer, deliver=False)
    stranger = make_account("li@example.com", name="李雷")
    cases = [
        (_post_review(customer, undelivered.pk), 409, "review_order_not_delivered"),
        (_post_review(stranger, line.pk), 404, "review_line_not_found"),
        (
            _post_review(
                customer,
                line.pk,
                images=[SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")],
            ),
            422,
            "review_image_invalid",
        ),
        (
            _post_review(
                customer,
                line.pk,
                images=[SimpleUploadedFile("big.png", b"\0" * (5 * 1024 * 1024 + 1), content_type="image/png")],
            ),
            413,
            "review_image_too_large",
        ),
        (
            _post_review(
                customer,
                line.pk,
                images=[SimpleUploadedFile(f"{i}.png", _png(), content_type="image/png") for i in range(4)],
            ),
            422,
            "review_too_many_images",
        ),
    ]
    for response, status, code in cases:
        assert (response.status_code, response.json()["code"]) == (status, code)
    assert _post_review(customer, line.pk, rating=6).status_code == 422
    assert Client().post("/api/v1/me/reviews", {"order_line_id": line.pk, "rating": 5}).status_code == 401
    with pytest.raises(ReviewError):
        services.submit_review(customer=customer, order_line_id=line.pk, rating=True)
    assert Review.objects.count() == 0 and not PointsEntry.objects.filter(reference="first-review").exists()


def test_the_product_page_shows_reviews_escaped_with_average_count_and_pages_and_is_never_stale(settings):
    settings.STOREFRONT_PAGE_CACHE = True
    customer, line = delivered_line()
    slug = line.variant.product.slug
    page = Client().get(f"/products/{slug}/").content.decode()
    assert "还没有评价" in page
    services.submit_review(customer=customer, order_line_id=line.pk, rating=2, body=XSS)
    for n in range(11):
        _c, more = delivered_line(customer)
        services.submit_review(customer=customer, order_line_id=more.pk, rating=5, body=f"第{n}条")
    page = Client().get(f"/products/{slug}/").content.decode()  # the cached page was replaced
    assert '<strong class="review-average">4.8</strong>' in page and "12 条评价" in page
    assert "第10条" in page and XSS not in page and "&lt;b&gt;很好&lt;/b&gt;" not in page  # first page: newest
    second = Client().get(f"/products/{slug}/?reviews=2").content.decode()
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;b&gt;很好&lt;/b&gt;" in second
    assert "第 2 / 2 页" in second
    api = Client().get(f"/api/v1/products/{slug}/reviews?page=2").json()
    assert (api["average"], api["count"], api["pages"], len(api["items"])) == (4.8, 12, 2, 2)
    assert Client().get(f"/api/v1/products/{slug}/reviews?page=0").status_code == 422
    assert Client().get("/api/v1/products/no-such-product/reviews").status_code == 404


def test_moderators_hide_and_show_reviews_and_hidden_ones_leave_the_page_and_the_average(staff):
    from dianpu.accounts.tests.builders import token_for

    customer, line = delivered_line()
    review = services.submit_review(customer=customer, order_line_id=line.pk, rating=1, body="差评广告 加微信")
    _c, second = delivered_line(customer)
    services.submit_review(customer=customer, order_line_id=second.pk, rating=5, body="很好")
    slug = line.variant.product.slug
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff('agent'))}")
    hidden = agent.post(f"/api/v1/reviews/{review.pk}/hide", {"reason": "广告"}, content_type="application/json")
    assert hidden.status_code == 200 and hidden.json()["status"] == "hidden"
    assert "加微信" not in Client().get(f"/products/{slug}/").content.decode()
    assert queries.get_product_rating(line.variant.product_id).count == 1
    assert AuditEntry.objects.filter(action="reviews.hidden").count() == 1
    warehouse = Client(HTTP_AUTHORIZATION=f"Bearer {token_for(staff('warehouse'))}")
    assert warehouse.post(f"/api/v1/reviews/{review.pk}/show").status_code == 403
    console = Client()
    console.force_login(staff("owner"))
    assert "加微信" in console.get("/console/reviews/?status=hidden").content.decode()
    console.post(f"/console/reviews/{review.pk}/moderate/", {"action": "show"})
    assert Review.objects.get(pk=review.pk).status == "visible"
    assert "加微信" in Client().get(f"/products/{slug}/").content.decode()


def test_the_products_console_page_shows_review_themes_beside_its_complaints(staff):
    customer, line = delivered_line()
    for rating, body in [
        (1, "尺码偏小，退了"),
        (2, "尺码偏小"),
        (1, "物流慢，尺码偏小"),
        (5, "面料舒服"),
        (4, "面料舒服，好看"),
    ]:
        _c, more = delivered_line(customer)
        services.submit_review(customer=customer, order_line_id=more.pk, rating=rating, body=body)
    themes = queries.get_review_themes(line.variant.product_id)
    assert (themes.low, themes.high, themes.low_count, themes.high_count) == (
        [("尺码偏小", 3)],
        [("面料舒服", 2)],
        3,
        2,
    )
    console = Client()
    console.force_login(staff("operator"))
    page = console.get(f"/console/catalog/products/{line.variant.product.slug}/").content.decode()
    assert 'id="review-themes"' in page and "尺码偏小" in page and 'id="product-complaints"' in page


def test_the_buyer_writes_the_review_from_the_account_page():
    from dianpu.customers.services import session_hash

    customer, line = delivered_line()
    client = Client()
    session = client.session
    session["customer_id"], session["customer_hash"] = customer.pk, session_hash(customer)
    session.save()
    page = client.get("/account/").content.decode()
    assert 'id="to-review"' in page and "纯棉T恤" in page
    image = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    response = client.post(
        "/account/", {"form": "review", "line": line.pk, "rating": "3", "body": "还行", "images": [image]}
    )
    assert response.status_code == 302
    review = Review.objects.get()
    assert (review.rating, review.body, review.images.count()) == (3, "还行", 1)
    assert 'id="to-review"' not in client.get("/account/").content.decode()
    refused = client.post("/account/", {"form": "review", "line": line.pk, "rating": "5"})
    assert refused.status_code == 422 and "已经评价过了" in refused.content.decode()
