from django.urls import path

from xaso.documents import views

app_name = "documents"

BASE = "x/<str:code>/van-phong/van-ban/"

urlpatterns = [
    path(BASE, views.dashboard, name="dashboard"),
    path(BASE + "den/", views.incoming_list, name="incoming"),
    path(BASE + "den/vao-so/", views.incoming_new, name="incoming-new"),
    path(BASE + "den/so-dang-ky/", views.incoming_register, name="incoming-register"),
    path(BASE + "di/", views.outgoing_list, name="outgoing"),
    path(BASE + "di/soan-thao/", views.outgoing_new, name="outgoing-new"),
    path(BASE + "di/so-dang-ky/", views.outgoing_register, name="outgoing-register"),
    path(BASE + "<int:document_id>/", views.detail, name="detail"),
    path(BASE + "<int:document_id>/pdf/", views.document_file, name="pdf"),
    path(BASE + "<int:document_id>/tep/<int:file_id>/", views.document_file, name="file"),
]
