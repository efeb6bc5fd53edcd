"""The double-random draw (R10–R15): commit, reveal, void, the published record, and the
stdlib-only verifier (`verifier.py`, also served to citizens and linked as tools/verify_draw.py).

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.draw import ceremony, protocol, records, verifier, voiding

__all__ = ['ceremony', 'protocol', 'records', 'verifier', 'voiding']
