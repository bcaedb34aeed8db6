from django.urls import path

from xaso.core import views

app_name = "core"

urlpatterns = [
    path("x/<str:code>/van-phong/gui-that-bai/", views.deliveries, name="deliveries"),
]
