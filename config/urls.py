from django.contrib import admin
from django.urls import include, path

from config import metrics
from cooperation import signin, views
from cooperation.api.tokens import PartnerRevokeTokenView, PartnerTokenView

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("readyz", views.readyz, name="readyz"),
    path("metrics", metrics.metrics, name="metrics"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/unlock/<str:token>/", signin.unlock, name="signin_unlock"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("projects/", include("projects.urls")),
    path("knowledge/", include("knowledge.urls")),
    path("api/", include("config.api_router")),
    path("reports/", include("reports.urls")),
    path("open-data/", include("opendata.urls")),
    # OAuth2 for partner systems: client credentials only (no end-user authorisation pages),
    # throttled per client id and address before any secret is checked.
    path("o/token/", PartnerTokenView.as_view(), name="oauth2-token"),
    path("o/revoke_token/", PartnerRevokeTokenView.as_view(), name="oauth2-revoke"),
    path("", include("exchanges.urls")),
]

handler400 = views.bad_request
handler403 = views.permission_denied
handler404 = views.not_found
handler500 = views.server_error
