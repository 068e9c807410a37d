from dianpu.analytics.domain.paths import page_type, summarize_paths


def test_pages_are_grouped_by_kind():
    assert [
        page_type(p)
        for p in (
            "/",
            "/en/",
            "/c/shoes/",
            "/products/tee/",
            "/en/products/tee/",
            "/cart/",
            "/checkout/",
            "/search/",
            "/about/",
        )
    ] == ["home", "home", "category", "product", "product", "cart", "checkout", "search", "/about/"]


def test_the_last_pages_before_buying_and_before_leaving_are_counted():
    visits = [
        (["home", "category", "product", "product", "cart", "checkout"], True),
        (["search", "product", "cart", "checkout"], True),
        (["home", "product"], False),
        (["category", "home", "product"], False),
        ([], False),
    ]
    bought, left = summarize_paths(visits, steps=3)
    assert bought == {("product", "cart", "checkout"): 2}
    assert left == {("home", "product"): 1, ("category", "home", "product"): 1}
