from django.urls import path

from . import password_views, security_views, sign_in_views, two_factor_views, views

app_name = "accounts"
urlpatterns = [
    path("", views.staff_list, name="staff-list"),
    path("new/", views.staff_create, name="staff-create"),
    path("<int:user_id>/roles/", views.staff_roles, name="staff-roles"),
    path("password/", views.password_change, name="password-change"),
    path("security/", two_factor_views.security, name="security"),
    path("security/policy/", two_factor_views.policy, name="security-policy"),
    path("two-factor/", two_factor_views.two_factor, name="two-factor"),
    path("two-factor/start/", two_factor_views.two_factor_start, name="two-factor-start"),
    path("two-factor/confirm/", two_factor_views.two_factor_confirm, name="two-factor-confirm"),
    path("two-factor/disable/", two_factor_views.two_factor_disable, name="two-factor-disable"),
    path("sessions/<int:sign_in_id>/end/", two_factor_views.session_end, name="session-end"),
    path("sessions/end-others/", two_factor_views.sessions_end_others, name="sessions-end-others"),
    path("password-reset/", password_views.reset_request, name="password-reset"),
    path("password-reset/<str:uidb64>/<str:token>/", password_views.reset_confirm, name="password-reset-confirm"),
    path("sign-in/verify/", sign_in_views.sign_in_verify, name="sign-in-verify"),
    path("tokens/", security_views.token_list, name="token-list"),
    path("tokens/new/", security_views.token_create, name="token-create"),
    path("tokens/<int:token_id>/revoke/", security_views.token_revoke, name="token-revoke"),
]
