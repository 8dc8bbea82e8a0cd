"""Application factory. Routers are discovered from src/routes/ so feature
work never needs to edit this file (see .renn/pulse.md, Decisions)."""

import importlib
import pkgutil

from fastapi import FastAPI

from src import db
from src import routes


def create_app(db_path: str = "notes.db") -> FastAPI:
    app = FastAPI(title="Acme Notes")
    app.state.db = db.connect(db_path)
    db.migrate(app.state.db)

    for module in pkgutil.iter_modules(routes.__path__):
        mod = importlib.import_module(f"src.routes.{module.name}")
        if hasattr(mod, "router"):
            app.include_router(mod.router)

    @app.get("/health")
    def health() -> dict:
        return {"status": "ok"}

    return app


app = create_app()
