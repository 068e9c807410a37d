"""The chart library (ECharts, about a megabyte) is loaded only by pages that draw a chart: the
console's base page does not load it, each chart page loads it in its own scripts block."""

from pathlib import Path

import pytest

import dianpu

pytestmark = pytest.mark.django_db

ECHARTS = "vendor/echarts.min.js"
CHART = 'class="chart'


def templates() -> list[Path]:
    return sorted(Path(dianpu.__file__).parent.glob("*/templates/**/*.html"))


def test_only_templates_that_draw_a_chart_load_the_library():
    loading = [p for p in templates() if ECHARTS in p.read_text()]
    assert loading  # the chart pages do load it
    for path in loading:
        text = path.read_text()
        assert CHART in text, f"{path} loads ECharts but draws no chart"
        assert "{% block scripts %}" in text[: text.index(ECHARTS)], f"{path} loads ECharts outside its scripts block"
    for path in templates():
        if path.name.startswith("base"):
            assert ECHARTS not in path.read_text(), path


@pytest.mark.parametrize(
    "url, draws_chart",
    [
        ("/console/", True),
        ("/console/analytics/", True),
        ("/console/analytics/sales/", True),
        ("/console/orders/", False),
        ("/console/analytics/customers/", False),
        ("/console/analytics/reports/", False),
    ],
)
def test_a_page_loads_the_chart_library_exactly_when_it_draws_a_chart(client, staff, url, draws_chart):
    client.force_login(staff("owner"))
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert (CHART in html) is draws_chart
    assert (ECHARTS in html) is draws_chart


def test_the_overview_without_figures_loads_no_chart_library(client, staff):
    client.force_login(staff("warehouse"))
    html = client.get("/console/").content.decode()
    assert CHART not in html
    assert ECHARTS not in html
