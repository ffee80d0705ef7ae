"""What an operation changed, as a typed value every page can read (no strings).

An operation (a write on the database lane, an answer on the model lane, a nightly run) ends by
publishing one ``OpChanges`` on ``Session.changed``; each page looks at the fields it shows and
reloads only then. Plain Python: no Qt here, so it can be built and compared in any test.
"""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class OpChanges:
    """Which parts of the vault an operation changed."""

    notes: bool = False  # a note was created, edited, deleted or restored (its memories with it)
    conversations: bool = False  # a conversation or its messages
    memories: bool = False  # memories themselves: added, pinned, archived, edited, deleted, consolidated
    settings: bool = False  # the vault's settings (model choice, theme, nightly hour, ...)
    new_memories: bool = False  # memories that still need their vectors: the indexer wakes up
    reminders: bool = False  # a reminder was added, done, snoozed or cancelled

    def __or__(self, other: OpChanges) -> OpChanges:
        return OpChanges(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    @property
    def content(self) -> bool:
        """Anything a person wrote or Reverie remembered (not only settings)."""
        return self.notes or self.conversations or self.memories


NOTE_SAVED = OpChanges(notes=True, new_memories=True)
NOTES_REMOVED_OR_BACK = OpChanges(notes=True, memories=True)
MEMORIES = OpChanges(memories=True)
ANSWERED = OpChanges(conversations=True, memories=True, new_memories=True)
CONVERSATION_DELETED = OpChanges(conversations=True, memories=True)
IMPORTED = OpChanges(notes=True, conversations=True, memories=True, new_memories=True)
SETTINGS = OpChanges(settings=True)
REMINDERS = OpChanges(reminders=True)
