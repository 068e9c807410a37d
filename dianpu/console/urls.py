"""The staff console (运营后台) at /console/: sign-in, home, and each business area's pages.

URL names (all inside the "console" namespace):
  console:login, console:logout, console:home
  console:catalog:<noun>-<verb>     dianpu/catalog/console/urls.py     /console/catalog/…
  console:orders:<noun>-<verb>      dianpu/orders/console/urls.py      /console/orders/…
  console:inventory:<noun>-<verb>   dianpu/inventory/console/urls.py   /console/inventory/…
  console:audit:<noun>-<verb>       dianpu/audit/console/urls.py       /console/audit/…
  console:accounts:<noun>-<verb>    dianpu/accounts/console/urls.py    /console/staff/…
  console:analytics:<noun>[-<verb>] dianpu/analytics/console/urls.py   /console/analytics/…
"""

from django.urls import include, path

from . import views

app_name = "console"
urlpatterns = [
    path("login/", views.ConsoleLoginView.as_view(), name="login"),
    path("logout/", views.ConsoleLogoutView.as_view(), name="logout"),
    path("", views.home, name="home"),
    path("catalog/", include("dianpu.catalog.console.urls")),
    path("orders/", include("dianpu.orders.console.urls")),
    path("inventory/", include("dianpu.inventory.console.urls")),
    path("audit/", include("dianpu.audit.console.urls")),
    path("staff/", include("dianpu.accounts.console.urls")),
    path("analytics/", include("dianpu.analytics.console.urls")),
]
