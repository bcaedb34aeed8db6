from django_tasks import task


@task()
def escalate_feedback_task() -> int:
    """Mark overdue open reports as escalated (run every hour by the scheduler)."""
    from xaso.feedback.services import escalate_overdue

    return len(escalate_overdue())
