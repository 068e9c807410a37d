from django.urls import path

from . import account, after_sales, help_centre, recovery, savings, sitemaps, views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("c/<slug:slug>/", views.category, name="category"),
    path("search/", views.search, name="search"),
    path("products/<slug:slug>/", views.product, name="product"),
    path("cart/", views.cart, name="cart"),
    path("cart/add/", views.cart_add, name="cart-add"),
    path("cart/update/", views.cart_update, name="cart-update"),
    path("cart/coupon/", savings.cart_coupon, name="cart-coupon"),
    path("cart/restore/<str:token>/", recovery.cart_restore, name="cart-restore"),
    path("unsubscribe/<str:token>/", recovery.unsubscribe_page, name="unsubscribe"),
    path("checkout/", views.checkout, name="checkout"),
    path("orders/status/", views.order_status, name="order-status"),
    path("orders/returns/", after_sales.return_request, name="return-request"),
    path("orders/returns/<str:return_number>/shipment/", after_sales.return_shipment, name="return-shipment"),
    path("orders/returns/<str:return_number>/withdraw/", after_sales.return_withdraw, name="return-withdraw"),
    path("orders/<str:number>/thanks/", views.order_confirmation, name="order-confirmation"),
    path("orders/<str:number>/pay/", views.order_pay, name="order-pay"),
    path("account/", account.account, name="account"),
    path("account/sign-up/", account.sign_up, name="account-sign-up"),
    path("account/sign-in/", account.sign_in, name="account-sign-in"),
    path("account/sign-up/phone/", account.sign_up_phone, name="account-sign-up-phone"),
    path("account/sign-in/phone/", account.sign_in_phone, name="account-sign-in-phone"),
    path("account/sign-out/", account.sign_out, name="account-sign-out"),
    path("account/verify/<str:token>/", account.verify, name="account-verify"),
    path("account/forgot/", account.forgot, name="account-forgot"),
    path("account/reset/<str:token>/", account.reset, name="account-reset"),
    path("account/unsubscribe/<str:token>/", account.unsubscribe, name="account-unsubscribe"),
    path("survey/<str:token>/", account.survey, name="survey"),
<<<<<<< HEAD
    path("t/o/<str:token>.gif", account.outreach_open, name="outreach-open"),
    path("t/c/<str:token>/", account.outreach_click, name="outreach-click"),
=======
    path("help/", help_centre.help_home, name="help"),
    path("help/<slug:slug>/", help_centre.help_article, name="help-article"),
>>>>>>> knowledge
    path("sitemap.xml", sitemaps.sitemap_xml, name="sitemap"),
    path("robots.txt", sitemaps.robots_txt, name="robots"),
]
