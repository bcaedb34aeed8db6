import pytest

from xaso.audit.models import AuditEvent

pytestmark = pytest.mark.dates


def test_commune_home_page_shows_name_province_contacts_and_leaders(client, demo):
    r = client.get("/x/15271/")
    html = r.content.decode()
    assert r.status_code == 200
    for text in (
        "Xã Hà Trung",
        "Thanh Hóa",
        "Lê Văn Hùng",
        "Chủ tịch UBND xã",
        "ubnd.hatrung@thanhhoa.gov.vn",
    ):
        assert text in html


@pytest.mark.django_db
def test_short_code_redirects_to_the_five_digit_address(client, units):
    r = client.get("/x/70/")
    assert r.status_code == 302 and r["Location"] == "/x/00070/"
    assert client.get("/x/00070/").status_code == 200
    assert client.get("/x/99999/").status_code == 404
    assert client.get("/x/abc/").status_code == 404


@pytest.mark.django_db
def test_home_search_and_province_pages(client, units):
    assert "Thanh Hóa" in client.get("/").content.decode()
    r = client.get("/tim-xa/", {"q": "ha trung"}, HTTP_HX_REQUEST="true")
    assert "/x/15271/" in r.content.decode() and "<html" not in r.content.decode()
    assert "Xã Hà Trung" in client.get("/p/38/").content.decode()
    assert client.get("/p/99/").status_code == 404


def test_english_is_switchable(client, demo):
    client.post("/i18n/setlang/", {"language": "en", "next": "/x/15271/"})
    html = client.get("/x/15271/").content.decode()
    assert "Contact" in html or "Leaders" in html


def test_commune_admin_edits_the_public_profile(login_as, client, demo):
    c = login_as("quantri.hatrung")
    r = c.post(
        "/x/15271/van-phong/",
        {
            "address": "Số 1 đường Trung Sơn",
            "phone": "0237 111 222",
            "email": "xa@example.vn",
            "website": "",
            "working_hours": "7:30–17:00",
            "agency_code": "000.00.38.H56",
            "introduction": "Giới thiệu",
        },
    )
    assert r.status_code == 302
    assert "Số 1 đường Trung Sơn" in client.get("/x/15271/").content.decode()  # card cache dropped
    assert AuditEvent.objects.filter(action="geo.profile.update").exists()


def test_a_specialist_cannot_edit_the_profile(login_as, demo):
    c = login_as("chuyenvien.hatrung")
    assert c.get("/x/15271/van-phong/").status_code == 200
    assert c.post("/x/15271/van-phong/", {"address": "x"}).status_code == 403


def test_office_needs_sign_in(client, demo):
    r = client.get("/x/15271/van-phong/")
    assert r.status_code == 302 and "/dang-nhap/" in r["Location"]


def test_citizen_pages_in_the_office_mask_and_audit(login_as, demo):
    from xaso.accounts.models import CitizenProfile

    profile = CitizenProfile.objects.get(user__phone="0912000001")
    html = (
        login_as("chuyenvien.hatrung")
        .get(f"/x/15271/van-phong/cong-dan/{profile.pk}/")
        .content.decode()
    )
    assert profile.masked_identity_number in html and profile.identity_number not in html
    html = (
        login_as("motcua.hatrung")
        .get(f"/x/15271/van-phong/cong-dan/{profile.pk}/")
        .content.decode()
    )
    assert profile.identity_number in html
    assert AuditEvent.objects.filter(action="personal_data.read").count() == 2
    html = (
        login_as("motcua.hatrung")
        .get("/x/15271/van-phong/cong-dan/", {"q": "ha thi dung"})
        .content.decode()
    )
    assert "Hà Thị Dung" in html and "Nguyễn Văn An" not in html


@pytest.mark.django_db
def test_calendar_page_and_due_date_fragment(client):
    assert client.get("/lich-lam-viec/").status_code == 200
    r = client.get(
        "/lich-lam-viec/tinh-han/", {"received_at": "2026-11-20T15:30", "working_days": "1"}
    )
    assert "25/11/2026" in r.content.decode()
    r = client.get("/lich-lam-viec/tinh-han/", {"received_at": "x", "working_days": "1"})
    assert r.status_code == 400


@pytest.mark.django_db
def test_vietnamese_even_when_the_browser_asks_for_english(client, units):
    html = client.get("/x/15271/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "Liên hệ" in html and 'lang="vi"' in html


def test_office_menu_shows_only_what_the_role_may_use(login_as, demo):
    admin_html = login_as("quantri.hatrung").get("/x/15271/van-phong/").content.decode()
    clerk_html = login_as("vanthu.hatrung").get("/x/15271/van-phong/").content.decode()
    assert "/x/15271/van-phong/nhat-ky/" in admin_html
    assert "/x/15271/van-phong/nhat-ky/" not in clerk_html
    assert "/x/15271/van-phong/cong-dan/" not in clerk_html


def test_anonymous_commune_page_is_served_from_the_cache_and_dropped_on_change(
    client, login_as, demo, django_assert_max_num_queries, django_capture_on_commit_callbacks
):
    first = client.get("/x/15271/")
    assert "csrfmiddlewaretoken" not in first.content.decode() and not first.cookies
    with django_assert_max_num_queries(0):
        again = client.get("/x/15271/")
    assert again.content == first.content
    with django_capture_on_commit_callbacks(execute=True):
        login_as("quantri.hatrung").post(
            "/x/15271/van-phong/",
            {
                "address": "Địa chỉ mới",
                "phone": "",
                "email": "",
                "website": "",
                "working_hours": "",
                "agency_code": "",
                "introduction": "",
            },
        )
    assert "Địa chỉ mới" in client.get("/x/15271/").content.decode()


def test_language_link_sets_the_choice_and_stays_on_site(client, units):
    r = client.get("/ngon-ngu/en/", {"next": "/x/15271/"})
    assert r.status_code == 302 and r["Location"] == "/x/15271/"
    assert "Contact" in client.get("/x/15271/").content.decode()
    r = client.get("/ngon-ngu/vi/", {"next": "https://evil.example/"})
    assert r["Location"] == "/"


@pytest.mark.parametrize("url", ["/x/15271/van-phong/phan-anh/", "/x/15271/van-phong/dan-cu/"])
def test_every_office_page_gets_the_menu_from_the_registry(login_as, demo, url):
    html = login_as("quantri.hatrung").get(url).content.decode()
    assert 'href="/x/15271/van-phong/nhat-ky/"' in html
