"""The dashboard as an ASGI app: the Streamlit app plus the routes that set and clear the
sign-in cookie (:mod:`dashboard.access.sessions`). ``riskgraph dashboard`` serves this file
(``streamlit run dashboard/server.py``); ``dashboard/app.py`` stays the page router.

``POST /_riskgraph/session`` takes a one-time ticket as its body and answers with the
session cookie (``HttpOnly; SameSite=Strict``, ``Secure`` over HTTPS);
``POST /_riskgraph/signout`` revokes the session and clears the cookie. ``GET /<page>``
answers a page's address with the app's document and where the app is rooted
(:mod:`dashboard.page_document`).
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from streamlit.starlette import App

from dashboard.access.sessions import COOKIE, SESSION_TTL, SESSIONS
from dashboard.page_document import page_routes

__all__ = ["app"]

_MAX_TICKET = 256


async def _session(request: Request) -> Response:
    body = await request.body()
    ticket = body[:_MAX_TICKET].decode("ascii", "replace").strip()
    token = SESSIONS.redeem(ticket) if ticket else None
    if token is None:
        return Response("no such ticket", status_code=403, media_type="text/plain")
    response = Response(status_code=204)
    response.set_cookie(
        COOKIE,
        token,
        max_age=int(SESSION_TTL.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.headers["Cache-Control"] = "no-store"
    return response


async def _signout(request: Request) -> Response:
    SESSIONS.revoke(request.cookies.get(COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
    return response


app = App(
    Path(__file__).resolve().parent / "app.py",
    routes=[
        Route("/_riskgraph/session", _session, methods=["POST"]),
        Route("/_riskgraph/signout", _signout, methods=["POST"]),
        *page_routes(),
    ],
)
