"""Reverie's core: plain Python, no Qt, no model code.

The core states what it needs from the outside world as small Protocols (see
``reverie.core.protocols``) and is handed implementations by the composition root.
"""
