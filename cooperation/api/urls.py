from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cooperation.api import views

router = DefaultRouter()
router.register("parties", views.PartyViewSet, basename="party")
router.register("areas", views.AreaViewSet, basename="area")
router.register("axes", views.AxisViewSet, basename="axis")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")

urlpatterns = [
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
