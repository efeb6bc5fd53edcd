"""Wiring: settings, app factory, CLI, worker entry, logging."""

__version__ = "0.1.0"
