"""Fieldwork (R20, R22, R17): visits, check-in, findings, evidence, team confirmation, rectification
orders and follow-ups, penalty decisions.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.fieldwork import (
        evidence,
        inspections,
        labels,
        orphans,
        penalties,
        rectification,
        uploads,
        visits,
    )

__all__ = ['evidence', 'inspections', 'labels', 'orphans', 'penalties', 'rectification', 'uploads', 'visits']
