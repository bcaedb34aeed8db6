from xaso.core.permissions import register_action
from xaso.core.roles import Role

#: Browse and export the audit log of a commune.
register_action("audit.view", [Role.COMMUNE_ADMIN, Role.LEADER], province_reads=True)
