from xaso.core.permissions import register_action
from xaso.core.roles import Role

OFFICE_ROLES = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN]
PROCESS_ROLES = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER]

#: Apply: a citizen of the commune online, the one-stop officer at the counter.
register_action("dossiers.apply", [Role.CITIZEN, Role.ONE_STOP_OFFICER])
#: Read the commune's dossiers (inbox, dossier page, attachments, register).
register_action("dossiers.view", OFFICE_ROLES)
#: File a dossier at the counter; receive, refuse, hand over and return results.
register_action("dossiers.receive", [Role.ONE_STOP_OFFICER])
#: Act on a dossier in processing (the step's role is checked by the service).
register_action("dossiers.process", PROCESS_ROLES)
#: See the applicant's full identity number (verification at the counter, processing).
register_action("dossiers.view_identity", [Role.ONE_STOP_OFFICER, Role.SPECIALIST])
#: Aggregated figures, no personal data; the province reads them for every commune.
register_action("dossiers.view_stats", OFFICE_ROLES, province_reads=True)
