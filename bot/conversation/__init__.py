"""The coaching dialogue: a pure state machine that leads a weak goal to a good one, one question per turn.

No Slack and no database here: a turn is ``coach_turn(state, text, today=...) -> (state, Reply)``; the Slack layer
stores the state JSON per thread and renders the Reply.
"""

from .coach import Reply, coach_turn, mark_saved
from .people import Directory, Person
from .state import CoachState, Draft

__all__ = ["CoachState", "Directory", "Draft", "Person", "Reply", "coach_turn", "mark_saved"]
