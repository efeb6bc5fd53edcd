"""Notices to employers: gapless numbers, issue, revoke, supersede, the QR page's look-ups.

Adapters import from here only: the modules in `__all__` are this part's public surface. They load
lazily (`from inspection.<part> import <module>`), so the parts may depend on each other freely.
"""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from inspection.notices import admin, content, issuing, numbering, particulars

__all__ = ['admin', 'content', 'issuing', 'numbering', 'particulars']
