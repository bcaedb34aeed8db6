"""Who may do what with official documents (Decree 30 roles in a commune).

The clerk (văn thư) keeps both registers: registers incoming documents, numbers and
issues outgoing ones. A leader assigns, approves and signs. A specialist drafts and
handles what is assigned. The commune administrator reads everything that is not
confidential; the province DX officer reads the figures.
"""

from xaso.core.permissions import register_action
from xaso.core.roles import Role

READERS = [Role.CLERK, Role.LEADER, Role.SPECIALIST, Role.COMMUNE_ADMIN]

#: Read the lists, registers and documents of the commune (confidential ones aside).
register_action("documents.view", READERS)
#: Register incoming documents (upload, e-mail) in the incoming register.
register_action("documents.register", [Role.CLERK])
#: Assign an incoming document for handling, with a deadline and instructions.
register_action("documents.assign", [Role.LEADER])
#: Record the outcome of an assigned incoming document (the assignee, or a leader).
register_action("documents.handle", [Role.SPECIALIST, Role.LEADER, Role.CLERK])
#: Draft an outgoing document (upload or template), revise it, submit it for approval.
register_action("documents.draft", [Role.SPECIALIST, Role.LEADER, Role.CLERK])
#: Approve a draft or return it with comments.
register_action("documents.approve", [Role.LEADER])
#: Sign an approved, numbered document with one's personal certificate.
register_action("documents.sign", [Role.LEADER])
#: Give the number and date, apply the organisation's signature, send, keep the register.
register_action("documents.issue", [Role.CLERK])
#: The figures: counts, share processed and signed electronically, handling time, overdue.
register_action("documents.view_stats", READERS, province_reads=True)

#: Roles that see confidential documents of their commune (besides their assignee
#: and their author): the leaders and the clerk who keeps the registers.
CONFIDENTIAL_ROLES = {str(Role.LEADER), str(Role.CLERK)}
