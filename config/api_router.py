"""The partner API's routes (/api/v1/): one router gathers the API views of every app."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from cooperation.api import views
from exchanges import api as exchanges_api
from knowledge import api as knowledge_api
from knowledge import api_transfers as knowledge_transfers_api
from knowledge import event_api
from projects import api as project_api
from reports import api as reports_api

router = DefaultRouter()
router.APIRootView = views.ApiRootView
router.register("parties", views.PartyViewSet, basename="party")
router.register("areas", views.AreaViewSet, basename="area")
router.register("axes", views.AxisViewSet, basename="axis")
router.register("institutions", views.InstitutionViewSet, basename="institution")
router.register("webhooks", views.WebhookEndpointViewSet, basename="webhook")
router.register("projects", project_api.ProjectViewSet, basename="project")
router.register("milestones", project_api.MilestoneViewSet, basename="milestone")
router.register("measurements", project_api.MeasurementViewSet, basename="measurement")
router.register("participations", project_api.ParticipationViewSet, basename="participation")
router.register("funding", project_api.FundingViewSet, basename="funding")
router.register("calls", exchanges_api.CallViewSet, basename="call")
router.register("practices", knowledge_api.PracticeViewSet, basename="practice")
router.register("transfers", knowledge_transfers_api.TransferViewSet, basename="transfer")
router.register("events", event_api.EventViewSet, basename="event")
router.register("report-runs", reports_api.ReportRunViewSet, basename="report-run")

urlpatterns = [
    path("v1/stay-statistics/", exchanges_api.StayStatisticsView.as_view(), name="stay-statistics"),
    path("v1/", include((router.urls, "api"), namespace="v1")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
