"""Server routes beside the Streamlit app (served by ``asgi.py`` through ``st.App``).

- ``GET /healthz``: 200 ``ok`` when the database answers, 503 otherwise (proxies' health checks).
- ``POST /auth/session`` with ``{"ticket": …}``: exchanges a one-time sign-in ticket (issued by the page
  right after sign-in, valid 30 s) for the session token, set as an HttpOnly, SameSite=Lax cookie (Secure
  over HTTPS). Page JavaScript never sees the token.
- ``DELETE /auth/session``: revokes the cookie's session server-side and clears the cookie.
"""

from __future__ import annotations

import json

from sqlalchemy import text
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from academy.accounts import auth
from academy.store import db

from .resources import engine
from .session import COOKIE, COOKIE_MAX_AGE, is_https

MAX_BODY = 1024


def _database_answers() -> bool:
    try:
        with db.read_connection(engine()) as connection:
            connection.execute(text("SELECT 1"))
    except Exception:
        return False
    return True


async def healthz(_request: Request) -> Response:
    """200 when the database answers (and the app could migrate it), else 503."""
    healthy = await run_in_threadpool(_database_answers)
    return PlainTextResponse("ok" if healthy else "database unavailable", status_code=200 if healthy else 503)


def _same_origin(request: Request) -> bool:
    """Refuse cross-site posts: the Origin header, when sent, must name this host."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    host = request.headers.get("x-forwarded-host") or request.headers.get("host", "")
    return origin.split("://", 1)[-1].rstrip("/") == host


async def open_session(request: Request) -> Response:
    """Exchange a sign-in ticket for the HttpOnly session cookie."""
    if not _same_origin(request):
        return JSONResponse({"error": "cross-origin request refused"}, status_code=403)
    body = await request.body()
    try:
        ticket = json.loads(body[:MAX_BODY]).get("ticket", "") if len(body) <= MAX_BODY else ""
    except (ValueError, AttributeError):
        ticket = ""
    token = await run_in_threadpool(auth.redeem_ticket, engine(), str(ticket)) if ticket else None
    if token is None:
        return JSONResponse({"error": "unknown, used or expired ticket"}, status_code=400)
    response = JSONResponse({"ok": True})
    secure = is_https(str(request.url), request.headers.get("x-forwarded-proto"))
    response.set_cookie(COOKIE, token, max_age=COOKIE_MAX_AGE, path="/", httponly=True, samesite="lax",
                        secure=secure)
    response.headers["Cache-Control"] = "no-store"
    return response


async def close_session(request: Request) -> Response:
    """Revoke the cookie's session and clear the cookie."""
    if not _same_origin(request):
        return JSONResponse({"error": "cross-origin request refused"}, status_code=403)
    token = request.cookies.get(COOKIE)
    if token:
        await run_in_threadpool(auth.revoke_session, engine(), token)
    response = JSONResponse({"ok": True})
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="lax")
    return response


ROUTES = [
    Route("/healthz", healthz, methods=["GET", "HEAD"]),
    Route("/auth/session", open_session, methods=["POST"]),
    Route("/auth/session", close_session, methods=["DELETE"]),
]
