from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView

from core import metrics
from site_pages import health, views
from stores.views import email_settings, my_data

urlpatterns = [
    path("", views.home, name="home"),
    path("health/", health.health, name="health"),
    # Browsers ask for /favicon.ico on pages without an icon link (the admin's, the API docs).
    path("favicon.ico", RedirectView.as_view(url=static("mobile/icon.svg"), permanent=True)),
    path("health/live/", health.live, name="health-live"),
    path("health/ready/", health.ready, name="health-ready"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/login/", views.LoginView.as_view(), name="login"),
    path("accounts/logout/", views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("accounts/my-data/", my_data, name="my-data"),
    path("accounts/e-mail/", email_settings, name="email-settings"),
    # The set-password link of a new person (stores.emails) and of a forgotten password.
    path(
        "accounts/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("accounts/reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("oidc/", include("sso.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("api.urls")),
    path("reports/", include("reports.urls")),
    path("m/", include("mobile.urls")),
    path("planning/", include("planning.urls")),
    path("action-plans/", include("coaching.urls")),
    path("review/", include("observations.review_urls")),
]

handler404 = "site_pages.middleware.not_found"
handler500 = "site_pages.middleware.server_error"
