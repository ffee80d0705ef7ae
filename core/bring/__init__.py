"""Bringing a user's past in from other apps and formats: PDFs, documents, web pages, journals and
note-app exports, and folders Reverie keeps watching.

``doc`` holds what every reader produces (a ``Doc`` per note-to-be); ``readers`` holds one module per
format; the pipeline turns docs into notes, in batches that survive a kill, off the GUI thread.
"""
