from django.urls import path

from xaso.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("tim-xa/", views.commune_search, name="commune-search"),
    path("p/<str:code>/", views.province, name="province"),
    path("x/<str:code>/", views.commune, name="commune"),
    path("x/<str:code>/van-phong/", views.office, name="office"),
    path("x/<str:code>/van-phong/cong-dan/", views.citizens, name="citizens"),
    path("x/<str:code>/van-phong/cong-dan/<int:profile_id>/", views.citizen, name="citizen"),
]
