from fastapi import APIRouter, HTTPException, Request
from pydantic import BaseModel

from src.models.note import Note

router = APIRouter(prefix="/notes", tags=["notes"])


class NoteIn(BaseModel):
    title: str
    body: str = ""


@router.get("")
def list_notes(request: Request) -> list[Note]:
    return Note.all(request.app.state.db)


@router.post("", status_code=201)
def create_note(note: NoteIn, request: Request) -> Note:
    return Note.create(request.app.state.db, note.title, note.body)


@router.get("/{note_id}")
def get_note(note_id: int, request: Request) -> Note:
    note = Note.get(request.app.state.db, note_id)
    if note is None:
        raise HTTPException(404, "note not found")
    return note


@router.delete("/{note_id}", status_code=204)
def delete_note(note_id: int, request: Request) -> None:
    note = Note.get(request.app.state.db, note_id)
    if note is None:
        raise HTTPException(404, "note not found")
    note.delete(request.app.state.db)
