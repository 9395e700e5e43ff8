"""The repository: every read and write of the KPI register, scoped by Slack team id.

Callers import from here rather than from the modules that implement it, so those can be split or merged freely.
"""

from bot.store.claims import (
    CHECKIN_UPDATABLE_FIELDS,
    claim_checkin,
    claim_event,
    find_checkin_by_message,
    forget_events_before,
    get_checkin,
    latest_checkin,
    update_checkin,
)
from bot.store.conversations import (
    add_turn,
    conversation_turns,
    get_conversation,
    get_or_create_conversation,
    save_conversation,
)
from bot.store.kpis import (
    CREATABLE_FIELDS,
    EDITABLE_FIELDS,
    REVISIT_FIELDS,
    archive_kpi,
    change_field,
    change_target,
    changes,
    create_kpi,
    get_kpi,
    get_or_create_workspace,
    get_workspace,
    list_kpis,
    record_value,
    update_kpi,
    value_history,
)

__all__ = [
    "CHECKIN_UPDATABLE_FIELDS",
    "CREATABLE_FIELDS",
    "EDITABLE_FIELDS",
    "REVISIT_FIELDS",
    "add_turn",
    "archive_kpi",
    "change_field",
    "change_target",
    "changes",
    "claim_checkin",
    "claim_event",
    "conversation_turns",
    "create_kpi",
    "find_checkin_by_message",
    "forget_events_before",
    "get_checkin",
    "get_conversation",
    "get_kpi",
    "get_or_create_conversation",
    "get_or_create_workspace",
    "get_workspace",
    "latest_checkin",
    "list_kpis",
    "record_value",
    "save_conversation",
    "update_checkin",
    "update_kpi",
    "value_history",
]
