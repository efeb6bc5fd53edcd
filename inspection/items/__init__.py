"""The inspection item list (R1, R7): versions, publication, amendment, withdrawal, imports.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.items import catalogue, coverage, importing

__all__ = ['catalogue', 'coverage', 'importing']
