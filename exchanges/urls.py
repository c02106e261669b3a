from django.urls import path

from exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("calls/", views.call_list, name="call_list"),
    path("calls/<int:pk>/", views.call_detail, name="call_detail"),
    path("calls/<int:pk>/apply/", views.application_start, name="application_start"),
    path("calls/<int:pk>/ranking/", views.call_ranking, name="call_ranking"),
    path("stays/", views.my_applications, name="my_applications"),
    path("stays/profile/", views.profile_edit, name="profile"),
    path("stays/my-data.json", views.data_export, name="data_export"),
    path("stays/my-data/", views.data_page, name="data_page"),
    path("stays/erasure/", views.erasure, name="erasure"),
    path("stays/<int:pk>/", views.application_detail, name="application_detail"),
    path("stays/<int:pk>/continue/", views.application_continue, name="application_continue"),
    path("stays/<int:pk>/step/<slug:step>/", views.application_step, name="application_step"),
    path("stays/<int:pk>/do/<slug:action>/", views.application_action, name="application_action"),
    path("stays/documents/<int:pk>/", views.attachment_download, name="attachment_download"),
    path("stays/decide/<int:pk>/<slug:action>/", views.official_action, name="official_action"),
    path("host/", views.host_list, name="host_list"),
    path("host/<int:pk>/", views.host_decide, name="host_decide"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
]
