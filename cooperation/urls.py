from django.contrib import admin
from django.urls import include, path
from oauth2_provider import views as oauth2_views

from cooperation import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("projects/", include("projects.urls")),
    path("api/", include("cooperation.api.urls")),
    path("reports/", include("reports.urls")),
    # OAuth2 for partner systems: client credentials only (no end-user authorisation pages).
    path("o/token/", oauth2_views.TokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", oauth2_views.RevokeTokenView.as_view(), name="oauth2-revoke"),
    path("", include("exchanges.urls")),
]

handler404 = views.not_found
handler500 = views.server_error
