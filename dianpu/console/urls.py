"""The staff console (运营后台) at /console/: sign-in, home, and each business area's pages.

URL names (all inside the "console" namespace):
  console:login, console:logout, console:home
  console:catalog:<noun>-<verb>     dianpu/catalog/console/urls.py     /console/catalog/…
  console:orders:<noun>-<verb>      dianpu/orders/console/urls.py      /console/orders/…
  console:fulfillment:<noun>-<verb> dianpu/fulfillment/console/urls.py /console/fulfillment/…
  console:channels:<noun>-<verb>    dianpu/channels/console/urls.py    /console/channels/…
  console:inventory:<noun>-<verb>   dianpu/inventory/console/urls.py   /console/inventory/…
  console:purchasing:<noun>-<verb>  dianpu/purchasing/console/urls.py  /console/purchasing/…
  console:audit:<noun>-<verb>       dianpu/audit/console/urls.py       /console/audit/…
  console:accounts:<noun>-<verb>    dianpu/accounts/console/urls.py    /console/staff/…
  console:payments:<noun>-<verb>    dianpu/payments/console/urls.py    /console/payments/…
  console:returns:<noun>-<verb>     dianpu/returns/console/urls.py     /console/returns/…
  console:messaging:<noun>-<verb>   dianpu/messaging/console/urls.py   /console/notifications/…
  console:promotions:<noun>-<verb>  dianpu/promotions/console/urls.py  /console/promotions/…
  console:marketing:<noun>-<verb>   dianpu/marketing/console/urls.py   /console/marketing/…
  console:analytics:<noun>[-<verb>] dianpu/analytics/console/urls.py   /console/analytics/…
  console:shop:settings             dianpu/shop/console/urls.py        /console/shop/
  console:support:<noun>[-<verb>]   dianpu/support/console/urls.py     /console/support/…
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
    path("fulfillment/", include("dianpu.fulfillment.console.urls")),
    path("channels/", include("dianpu.channels.console.urls")),
    path("inventory/", include("dianpu.inventory.console.urls")),
    path("purchasing/", include("dianpu.purchasing.console.urls")),
    path("audit/", include("dianpu.audit.console.urls")),
    path("staff/", include("dianpu.accounts.console.urls")),
    path("payments/", include("dianpu.payments.console.urls")),
    path("returns/", include("dianpu.returns.console.urls")),
    path("notifications/", include("dianpu.messaging.console.urls")),
    path("promotions/", include("dianpu.promotions.console.urls")),
    path("marketing/", include("dianpu.marketing.console.urls")),
    path("competitors/", include("dianpu.competitors.console.urls")),
    path("knowledge/", include("dianpu.knowledge.console.urls")),
    path("design/", include("dianpu.design.console.urls")),
    path("teamwork/", include("dianpu.teamwork.console.urls")),
    path("finance/", include("dianpu.finance.console.urls")),
    path("analytics/", include("dianpu.analytics.console.urls")),
    path("customers/", include("dianpu.customers.console.urls")),
    path("shop/", include("dianpu.shop.console.urls")),
    path("support/", include("dianpu.support.console.urls")),
    path("reviews/", include("dianpu.reviews.console.urls")),
    path("status/", include("dianpu.operations.console.urls")),
]
