from django.urls import path

from knowledge import portal, transfer_pages, views

app_name = "knowledge"
urlpatterns = [
    path("", views.library, name="library"),
    path("mine/", portal.mine, name="mine"),
    path("propose/", portal.propose, name="propose"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", portal.edit, name="edit"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("transfers/", transfer_pages.transfers, name="transfers"),
    path("transfers/new/", transfer_pages.transfer_new, name="transfer_new"),
    path("transfers/<int:pk>/", transfer_pages.transfer_page, name="transfer"),
]
