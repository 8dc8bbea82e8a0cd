import pytest

from src import db
from src.models.note import Note
from src.models.user import DuplicateEmail, User


@pytest.fixture
def conn():
    c = db.connect(":memory:")
    db.migrate(c)
    return c


def test_note_roundtrip(conn):
    note = Note.create(conn, "groceries", "- milk\n- eggs")
    assert Note.get(conn, note.id) == note
    note.delete(conn)
    assert Note.get(conn, note.id) is None


def test_password_is_hashed(conn):
    user = User.create(conn, "ada@example.com", "correct horse")
    assert user.password_hash.startswith("$argon2id$")
    assert user.check_password("correct horse")
    assert not user.check_password("wrong")


def test_email_is_unique_case_insensitive(conn):
    User.create(conn, "ada@example.com", "pw-one-123")
    with pytest.raises(DuplicateEmail):
        User.create(conn, "ADA@example.com", "pw-two-456")
