from xaso.core.permissions import register_action
from xaso.core.roles import Role

TRIAGE_ROLES = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN]

#: Read the triage inbox, accept/reject, assign, answer, resolve, moderate reports.
register_action("feedback.triage", TRIAGE_ROLES)
#: Read the figures of a commune (received, resolved, on time, satisfaction).
register_action("feedback.view_stats", TRIAGE_ROLES, province_reads=True)
#: Edit categories (Open311 services) and answer templates.
register_action("feedback.manage_categories", [Role.COMMUNE_ADMIN])
#: Issue and revoke the API keys of Open311 client apps.
register_action("feedback.manage_keys", [Role.COMMUNE_ADMIN])
