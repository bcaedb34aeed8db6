from xaso.core.permissions import register_action
from xaso.core.roles import OFFICIAL_ROLES, Role

#: Upload and manage one's own personal signing credential and signature image.
register_action("signatures.own", OFFICIAL_ROLES)
#: Sign with the commune's organisation credential (the seal): clerk or leader.
register_action("signatures.sign_org", [Role.CLERK, Role.LEADER])
#: Upload and manage the commune's organisation credential and seal image.
register_action("signatures.manage_org", [Role.COMMUNE_ADMIN])
