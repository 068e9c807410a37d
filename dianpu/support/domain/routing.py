"""Round-robin among agents on duty: the one who was given a conversation longest ago (never
first), ties broken by id, so the order is stable and everyone takes turns."""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class AgentTurn:
    user_id: int
    last_assigned_at: datetime | None


def pick_next_agent(agents: list[AgentTurn]) -> int | None:
    if not agents:
        return None
    never = [a for a in agents if a.last_assigned_at is None]
    if never:
        return min(a.user_id for a in never)
    return min(agents, key=lambda a: (a.last_assigned_at, a.user_id)).user_id
