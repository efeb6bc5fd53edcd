"""Call-up of drawn inspectors (R15, R16): the call-up, answers, replacement in draw order, reply
deadlines, withdrawal after acceptance, and the team leader's commands (progress, assignment,
递补, 延期, 催办).

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.callup import assignment, calls, leader, recusal, states, withdrawal

__all__ = ["assignment", "calls", "leader", "recusal", "states", "withdrawal"]
