from xaso.core.permissions import register_action
from xaso.core.roles import Role

OFFICIALS = [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.CLERK, Role.LEADER, Role.COMMUNE_ADMIN]

#: Enter the back office of a commune and see who works there.
register_action("office.enter", OFFICIALS, province_reads=True)
#: List and open citizens' profiles (identity numbers masked).
register_action(
    "accounts.view_citizens",
    [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN],
)
#: See full identity numbers: the officers who identify applicants at the counter.
register_action("accounts.view_identity_number", [Role.ONE_STOP_OFFICER, Role.COMMUNE_ADMIN])
#: Give and take roles in the commune.
register_action("accounts.manage_members", [Role.COMMUNE_ADMIN])
