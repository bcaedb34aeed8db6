"""Routes of the Open311 GeoReport v2 endpoint, included at /open311/v2/."""

from django.urls import re_path

from xaso.feedback import open311

app_name = "open311"
FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^discovery" + FMT, open311.discovery, name="discovery"),
    re_path(r"^services" + FMT, open311.service_list, name="services"),
    re_path(
        r"^services/(?P<service_code>[^/]{1,100})" + FMT, open311.service_definition, name="service"
    ),
    re_path(r"^requests" + FMT, open311.requests_endpoint, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]{1,100})" + FMT, open311.request_detail, name="request"),
    re_path(r"^tokens/(?P<token>[^/]{1,100})" + FMT, open311.token_detail, name="token"),
    re_path(r"^(?P<rest>.*)$", open311.not_found, name="not-found"),
]
