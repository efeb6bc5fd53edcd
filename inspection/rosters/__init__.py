"""The rosters (R8, R9): employers, sections and inspectors, spreadsheet imports and exports, and
政策法规科's maintenance of them.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.rosters import (
        admin,
        categories,
        certificates,
        employers,
        importing,
        inspectors,
        preview,
        role_changes,
        tabular,
        uscc,
    )

__all__ = ['admin', 'categories', 'certificates', 'employers', 'importing', 'inspectors',
           'preview', 'role_changes', 'tabular', 'uscc']
