from xaso.core.permissions import register_action
from xaso.core.roles import Role

#: Edit the commune's procedure catalog, activate/deactivate, import/export Excel.
register_action("procedures.manage", [Role.COMMUNE_ADMIN])
