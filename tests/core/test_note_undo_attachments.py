"""Undoing a note's delete brings its attachments back with it."""

from reverie.core import attachments, notes


def test_undo_of_a_delete_restores_the_note_s_attachments(vault):
    note = notes.create_note(vault, "Scan of the lease ![](lease.pdf)", "Lease")
    with vault.tx() as conn:
        attachments.store(conn, vault.now(), note.id, "lease.pdf", "application/pdf", b"%PDF-1.7 lease bytes")
    gone = notes.delete_note(vault, note.id)
    with vault.read() as conn:
        assert attachments.for_note(conn, note.id) == []
    notes.restore_note(vault, gone)
    with vault.read() as conn:
        [back] = attachments.for_note(conn, note.id)
        assert back.name == "lease.pdf" and attachments.read(conn, back.id) == b"%PDF-1.7 lease bytes"
