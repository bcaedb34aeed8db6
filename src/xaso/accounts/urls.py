from django.urls import path

from xaso.accounts import views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.official_login, name="login"),
    path("dang-nhap/xac-thuc-hai-buoc/", views.totp_login, name="login-totp"),
    path("dang-nhap/dien-thoai/", views.phone_login, name="phone-login"),
    path("dang-ky/", views.phone_login, {"signup": True}, name="signup"),
    path("dang-xuat/", views.logout_view, name="logout"),
    path("tai-khoan/", views.account, name="account"),
    path("tai-khoan/ho-so/", views.profile, name="profile"),
    path("tai-khoan/bao-mat/", views.security, name="security"),
    path("tai-khoan/ma-truy-cap/", views.tokens, name="tokens"),
]
