from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("runs/<int:pk>/download/", views.download, name="download"),
    path("runs/<int:pk>/progress/", views.progress, name="progress"),
]
