"""The admin token: what every state-changing endpoint requires.

The token comes from the ``ZHENGCE_ADMIN_TOKEN`` environment variable or from
a file (``zhengce serve --admin-token-file``); the file wins when both are
given. Requests send it as ``Authorization: Bearer <token>``; it is compared
in constant time (:func:`hmac.compare_digest`). With no token configured the
admin endpoints are disabled (403), never open.

Routes declare ``dependencies=[AdminDep]`` (or a parameter ``_: AdminDep``).
"""

from __future__ import annotations

import hmac
import os
from pathlib import Path
from typing import Annotated

from fastapi import Depends, HTTPException, Request

ENV_VAR = "ZHENGCE_ADMIN_TOKEN"
MIN_LENGTH = 16  # shorter tokens are accepted, with a warning at start-up


class TokenConfigError(ValueError):
    """A token file that cannot be used (missing, unreadable, empty)."""


def load_admin_token(token_file: str | Path | None = None, environ: dict | None = None) -> str | None:
    """The configured token (surrounding whitespace removed), or ``None`` when there is none."""
    if token_file is not None:
        try:
            token = Path(token_file).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            raise TokenConfigError(f"cannot read the admin token file {token_file}: {exc}") from exc
        if not token:
            raise TokenConfigError(f"the admin token file {token_file} is empty")
        return token
    token = (os.environ if environ is None else environ).get(ENV_VAR, "").strip()
    return token or None


def token_warning(token: str | None) -> str | None:
    """What start-up should warn about the token, if anything."""
    if token is None:
        return (f"no admin token: uploads, removals and reloads are disabled; set {ENV_VAR} "
                "or pass --admin-token-file to enable them")
    if len(token) < MIN_LENGTH:
        return f"the admin token is short ({len(token)} characters); use at least {MIN_LENGTH}"
    return None


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        return None
    return credentials.strip()


def require_admin(request: Request) -> None:
    """FastAPI dependency: 403 when admin endpoints are disabled, 401 without the right token."""
    token: str | None = getattr(request.app.state, "admin_token", None)
    if not token:
        raise HTTPException(status_code=403, detail=(
            f"admin endpoints are disabled: no admin token is configured on the server "
            f"(set {ENV_VAR} or start it with: zhengce serve --admin-token-file FILE)"))
    sent = _bearer(request)
    if sent is None:
        raise HTTPException(status_code=401, detail="admin token required: send Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": "Bearer"})
    if not hmac.compare_digest(sent.encode("utf-8"), token.encode("utf-8")):
        raise HTTPException(status_code=401, detail="wrong admin token",
                            headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})


AdminDep = Depends(require_admin)
Admin = Annotated[None, AdminDep]
