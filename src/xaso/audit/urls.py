from django.urls import path

from xaso.audit import views

app_name = "audit"

urlpatterns = [
    path("x/<str:code>/van-phong/nhat-ky/", views.event_list, name="list"),
]
