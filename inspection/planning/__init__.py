"""Planning (R11–R14): annual plans, campaigns with their implementation plan and state machine,
sampling rules and strata, and the staff-facing administration of all three.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.planning import admin, campaigns, plans, roster_scan, sampling

__all__ = ['admin', 'campaigns', 'plans', 'roster_scan', 'sampling']
