from dataclasses import dataclass
import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import VerifyMismatchError

_hasher = PasswordHasher()  # Argon2id, library defaults (t=3, m=64 MiB, p=4)


class DuplicateEmail(Exception):
    pass


@dataclass
class User:
    id: int
    email: str
    password_hash: str
    created_at: str

    @classmethod
    def create(cls, conn: sqlite3.Connection, email: str, password: str) -> "User":
        try:
            cur = conn.execute(
                "INSERT INTO users (email, password_hash) VALUES (?, ?)",
                (email.strip().lower(), _hasher.hash(password)),
            )
        except sqlite3.IntegrityError as e:
            raise DuplicateEmail(email) from e
        conn.commit()
        return cls.by_id(conn, cur.lastrowid)

    @classmethod
    def by_id(cls, conn: sqlite3.Connection, user_id: int) -> "User | None":
        row = conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        return cls(**row) if row else None

    @classmethod
    def by_email(cls, conn: sqlite3.Connection, email: str) -> "User | None":
        row = conn.execute(
            "SELECT * FROM users WHERE email = ?", (email.strip().lower(),)
        ).fetchone()
        return cls(**row) if row else None

    def check_password(self, password: str) -> bool:
        try:
            return _hasher.verify(self.password_hash, password)
        except VerifyMismatchError:
            return False
