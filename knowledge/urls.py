from django.urls import path

from knowledge import event_portal, event_views, feeds, portal, transfer_pages, views

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
    path("events/", event_views.coming, name="events"),
    path("events/past/", event_views.past, name="events_past"),
    path("events/<int:pk>/", event_views.detail, name="event"),
    path("events/<int:pk>/register/", event_views.register, name="event_register"),
    path("events/registrations/<int:pk>/cancel/", event_views.cancel, name="registration_cancel"),
    path("events/mine/", event_views.mine, name="my_registrations"),
    path("events/organised/", event_portal.organised, name="organised_events"),
    path(
        "events/<int:pk>/registrations/",
        event_portal.registrations,
        name="event_registrations",
    ),
    # iCalendar feeds: stable addresses that calendar programs subscribe to.
    path("events/calendar.ics", feeds.all_events, name="calendar"),
    path("events/calendar/area-<int:number>.ics", feeds.area_events, name="calendar_area"),
    path("events/calendar/city-<str:code>.ics", feeds.city_events, name="calendar_city"),
]
