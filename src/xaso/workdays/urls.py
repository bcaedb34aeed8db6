from django.urls import path

from xaso.workdays import views

app_name = "workdays"

urlpatterns = [
    path("lich-lam-viec/", views.calendar_page, name="calendar"),
    path("lich-lam-viec/tinh-han/", views.due_date_fragment, name="due-date"),
]
