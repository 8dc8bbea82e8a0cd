from dataclasses import dataclass
import sqlite3


@dataclass
class Note:
    id: int
    title: str
    body: str
    created_at: str

    @classmethod
    def create(cls, conn: sqlite3.Connection, title: str, body: str = "") -> "Note":
        cur = conn.execute("INSERT INTO notes (title, body) VALUES (?, ?)", (title, body))
        conn.commit()
        return cls.get(conn, cur.lastrowid)

    @classmethod
    def get(cls, conn: sqlite3.Connection, note_id: int) -> "Note | None":
        row = conn.execute("SELECT * FROM notes WHERE id = ?", (note_id,)).fetchone()
        return cls(**row) if row else None

    @classmethod
    def all(cls, conn: sqlite3.Connection) -> list["Note"]:
        return [cls(**r) for r in conn.execute("SELECT * FROM notes ORDER BY id")]

    def delete(self, conn: sqlite3.Connection) -> None:
        conn.execute("DELETE FROM notes WHERE id = ?", (self.id,))
        conn.commit()
