from django.core.management.base import BaseCommand, CommandError

from xaso.core.tenancy import get_commune_or_404
from xaso.feedback.models import Open311Key
from xaso.feedback.services import issue_open311_key


class Command(BaseCommand):
    help = "Cấp khóa API Open311 cho một ứng dụng của một xã (in khóa một lần duy nhất)."

    def add_arguments(self, parser):
        parser.add_argument("commune_code", help="mã xã 5 chữ số, ví dụ 15271")
        parser.add_argument("app_name", nargs="?", default="", help="tên ứng dụng")
        parser.add_argument("--list", action="store_true", help="liệt kê các khóa của xã")
        parser.add_argument("--revoke", type=int, metavar="ID", help="thu hồi khóa theo ID")

    def handle(self, *args, commune_code, app_name, **options):
        from django.http import Http404

        try:
            commune = get_commune_or_404(commune_code)
        except Http404:
            raise CommandError(f"Không có xã mã {commune_code}") from None
        keys = Open311Key.objects.filter(commune=commune)
        if options["list"]:
            for key in keys:
                state = "thu hồi" if key.revoked_at else "hiệu lực"
                self.stdout.write(f"{key.pk:>5}  {key.prefix}…  {key.app_name}  ({state})")
            return
        if options["revoke"]:
            key = keys.filter(pk=options["revoke"]).first()
            if key is None:
                raise CommandError("Không có khóa này ở xã này")
            if key.revoked_at is None:
                from django.utils import timezone

                from xaso.audit.services import record

                key.revoked_at = timezone.now()
                key.save(update_fields=["revoked_at"])
                record(None, "feedback.open311_key.revoke", key, detail={"by": "command"})
            self.stdout.write(f"Đã thu hồi khóa {key.pk}")
            return
        if not app_name.strip():
            raise CommandError("Cần tên ứng dụng")
        _key, raw = issue_open311_key(None, commune, app_name)
        self.stdout.write(raw)
