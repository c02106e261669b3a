from django.urls import path

from projects import views

app_name = "projects"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("mine/", views.my_projects, name="mine"),
    path("propose/", views.propose, name="propose"),
    path("<str:code>/", views.detail, name="detail"),
    path("<str:code>/manage/", views.manage, name="manage"),
]
