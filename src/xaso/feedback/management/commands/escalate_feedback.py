from django.core.management.base import BaseCommand

from xaso.feedback.services import escalate_overdue


class Command(BaseCommand):
    help = "Báo lãnh đạo các phản ánh quá hạn giải quyết (chạy mỗi giờ, ví dụ bằng cron)."

    def handle(self, *args, **options):
        reports = escalate_overdue()
        self.stdout.write(f"{len(reports)} phản ánh quá hạn đã được báo lãnh đạo.")
