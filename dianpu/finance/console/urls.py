from django.urls import path

from . import views

app_name = "finance"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("ledger/", views.ledger, name="ledger"),
    path("trial-balance/", views.trial_balance, name="trial-balance"),
    path("periods/", views.period_list, name="period-list"),
    path("expenses/", views.expense_list, name="expense-list"),
    path("budget/", views.budget, name="budget"),
    path("margins/", views.margins, name="margins"),
    path("tax/", views.tax_page, name="tax"),
    path("reconciliation/", views.settlement_list, name="settlement-list"),
    path("reconciliation/<int:pk>/", views.settlement_detail, name="settlement-detail"),
]
