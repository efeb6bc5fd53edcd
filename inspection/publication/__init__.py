"""Publication duties (R3, R17): what must reach the public window, and by when.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.publication import duties

__all__ = ['duties']
