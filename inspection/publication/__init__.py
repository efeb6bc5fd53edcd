"""Publication duties (R3, R13, R17): what must reach the public window, and by when (`duties`);
where duties arise (`triggers`); the reviewers' list, publish and withhold (`admin`).

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.publication import admin, duties, triggers

__all__ = ['admin', 'duties', 'triggers']
