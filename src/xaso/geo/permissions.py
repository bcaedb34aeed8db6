from xaso.core.permissions import register_action
from xaso.core.roles import Role

#: Edit the commune's public profile (address, contacts, agency code).
register_action("geo.edit_profile", [Role.COMMUNE_ADMIN, Role.LEADER])
