from xaso.core.permissions import register_action
from xaso.core.roles import Role

#: Search and open persons and households (identity numbers masked).
register_action(
    "population.view",
    [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.LEADER, Role.COMMUNE_ADMIN],
)
#: Record life events and corrections.
register_action("population.edit", [Role.ONE_STOP_OFFICER, Role.COMMUNE_ADMIN])
#: See full identity numbers and search by their last digits.
register_action("population.view_identity_number", [Role.ONE_STOP_OFFICER, Role.COMMUNE_ADMIN])
#: Import spreadsheets, export the registry, manage villages.
register_action("population.import", [Role.COMMUNE_ADMIN])
#: Aggregated statistics (no personal data): officials and the province.
register_action(
    "population.stats",
    [Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.CLERK, Role.LEADER, Role.COMMUNE_ADMIN],
    province_reads=True,
)
