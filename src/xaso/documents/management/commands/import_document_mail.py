import mailbox

from django.core.management.base import BaseCommand, CommandError

from xaso.core.tenancy import get_commune_or_404
from xaso.documents.services import import_maildir


class Command(BaseCommand):
    help = (
        "Vào sổ văn bản đến từ một thư mục thư (Maildir) của xã: mỗi thư có tệp PDF "
        "thành một văn bản đến; thư đã nhập (cùng Message-ID) được bỏ qua."
    )

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã xã (5 chữ số)")
        parser.add_argument("maildir", help="Đường dẫn thư mục Maildir (có cur/, new/, tmp/)")

    def handle(self, *args, code, maildir, **options):
        from django.http import Http404

        try:
            commune = get_commune_or_404(code)
        except Http404:
            raise CommandError(f"Không có xã mã {code}.") from None
        try:
            imported, errors = import_maildir(commune, maildir)
        except (FileNotFoundError, mailbox.NoSuchMailboxError):
            raise CommandError(f"Không tìm thấy thư mục {maildir}.") from None
        for error in errors:
            self.stderr.write(error)
        self.stdout.write(f"Đã xử lý {len(imported)} thư có văn bản ({commune.name}).")
