from django_tasks import task


@task()
def dossier_reminders_task() -> dict:
    """The hourly reminder sweep, for the task worker (same as ``xaso dossier_reminders``)."""
    from xaso.dossiers.services import send_reminders

    return send_reminders()


@task()
def notify_citizen_task(dossier_id: int, state: int, note: str = "") -> None:
    """Tell the applicant about a change, through every configured transport — off the
    request path, so a slow SMS or mail gateway never slows a submission."""
    from xaso.dossiers.notify import notify_citizen

    notify_citizen("dossier.state_changed", dossier_id=dossier_id, state=state, note=note)
