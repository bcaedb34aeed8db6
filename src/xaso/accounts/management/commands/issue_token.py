from django.core.management.base import BaseCommand, CommandError

from xaso.accounts.models import ApiToken, User
from xaso.accounts.services import issue_token, revoke_token


class Command(BaseCommand):
    help = "In ra một mã truy cập API (Bearer) mới cho tài khoản; --list, --revoke ID."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli")
        parser.add_argument("--list", action="store_true", help="Liệt kê mã của tài khoản.")
        parser.add_argument("--revoke", type=int, metavar="ID", help="Thu hồi mã có ID này.")

    def handle(self, username, name="cli", list=False, revoke=None, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"Không có tài khoản {username!r}.")
        if list:
            for t in ApiToken.objects.filter(user=user):
                state = "đã thu hồi" if t.revoked_at else "đang dùng"
                self.stdout.write(
                    f"{t.pk}\t{t.prefix}…\t{t.name}\t{t.created_at:%Y-%m-%d %H:%M}\t{state}"
                )
            return
        if revoke is not None:
            token = ApiToken.objects.filter(user=user, pk=revoke).first()
            if token is None:
                raise CommandError(f"Không có mã {revoke} của {username}.")
            revoke_token(user, token)
            self.stdout.write(f"Đã thu hồi mã {revoke}.")
            return
        _token, raw = issue_token(user, name)
        self.stdout.write(raw)
