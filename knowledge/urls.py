from django.urls import path

from knowledge import portal, views

app_name = "knowledge"
urlpatterns = [
    path("", views.library, name="library"),
    path("mine/", portal.mine, name="mine"),
    path("propose/", portal.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", portal.edit, name="edit"),
    path("documents/<int:pk>/", views.document, name="document"),
]
