"""API keys: created once, stored as SHA-256 hashes, looked up by hash."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from app import models
from app.errors import InvalidRequest, NotFound

PREFIX = "ds_"
SCOPES = ("read", "write")
NAME_LIMIT = 200  # api_keys.name


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create(session: Session, name: str, scope: str) -> tuple[models.ApiKey, str]:
    """A new key; the secret is returned here and never again."""
    # Checked here, not left to the database: PostgreSQL refuses an over-long name with a
    # DataError while SQLite stores it, and the CLI shows a ProblemError as one line.
    if scope not in SCOPES:
        raise InvalidRequest(f"The scope must be one of {list(SCOPES)}, not {scope!r}")
    if not name.strip() or len(name) > NAME_LIMIT or "\x00" in name:
        raise InvalidRequest(
            f"The name must be 1 to {NAME_LIMIT} characters without NUL ({len(name)} given)"
        )
    secret = PREFIX + secrets.token_urlsafe(32)
    key = models.ApiKey(name=name, scope=scope, prefix=secret[:10], key_hash=hash_key(secret))
    session.add(key)
    session.flush()
    return key, secret


def find_active(session: Session, secret: str) -> models.ApiKey | None:
    return session.scalar(
        select(models.ApiKey).where(
            models.ApiKey.key_hash == hash_key(secret), models.ApiKey.revoked_at.is_(None)
        )
    )


def list_keys(session: Session) -> Sequence[models.ApiKey]:
    return session.scalars(select(models.ApiKey).order_by(models.ApiKey.id)).all()


def revoke(session: Session, key_id: int) -> models.ApiKey:
    key = session.get(models.ApiKey, key_id)
    if key is None:
        raise NotFound(f"No API key with id {key_id}")
    if key.revoked_at is None:
        key.revoked_at = dt.datetime.now(dt.UTC)
    return key
