from django_tasks import task

from xaso.core.retry import retrying_task


def _describe(document_id: int, address: str, **_kw) -> tuple[str, str]:
    from xaso.documents.models import Document

    symbol = Document.objects.filter(pk=document_id).values_list("symbol", flat=True).first()
    return address, f"Văn bản {symbol or document_id}"


@retrying_task(channel="email", describe=_describe, attempts=6, base_seconds=120, max_seconds=7200)
def send_document_email_task(document_id: int, address: str, commune_id: int | None = None) -> None:
    """Send an issued document by e-mail, off the request path (retried, see core.retry)."""
    from xaso.documents.services import send_document_email

    send_document_email(document_id, address)


@task()
def document_reminders_task() -> dict:
    """Remind handlers of deadlines (run every hour by the scheduler)."""
    from xaso.documents.services import send_reminders

    return send_reminders()
