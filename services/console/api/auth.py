"""Sign-in, sign-out and the front door that sends each user to their own page."""

import secrets

from fastapi import APIRouter, Request
from fastapi.responses import Response

from services.console.api.links import after_sign_in
from services.console.api.web import SESSION_KEY, Ctx, CurrentUser, Form, back_to, render
from services.console.handlers import SignedIn, SignIn, SignOut
from services.console.metrics import SIGN_INS

router = APIRouter()


@router.get("/", include_in_schema=False)
async def home(user: CurrentUser) -> Response:
    return back_to(user.home)


@router.get("/login", include_in_schema=False)
async def login_page(request: Request, ctx: Ctx) -> Response:
    return render(request, ctx, "login.html", username="", error=None)


@router.post("/login", include_in_schema=False)
async def login(request: Request, ctx: Ctx, form: Form) -> Response:
    username = form.get("username", "").strip().lower()
    done = await ctx.accounts.handle(SignIn(username, form.get("password", "")))
    outcome: SignedIn = done.answer
    user = outcome.user
    home = None
    if user is not None:
        from services.console.api.web import HOME

        home = HOME.get(user.role.split(":", 1)[0], "/")
    if user is None or home is None:
        SIGN_INS.labels("refused").inc()
        return render(
            request,
            ctx,
            "login.html",
            status_code=401,
            username=username,
            error=outcome.message,
        )
    SIGN_INS.labels("ok").inc()
    then = after_sign_in(request, home)  # a message's order link the person came by
    # A fresh session (and CSRF token) at sign-in: a token planted before cannot be reused.
    request.session.clear()
    request.session[SESSION_KEY] = outcome.session
    request.session["csrf"] = secrets.token_urlsafe(32)
    return back_to(then)


@router.post("/logout", include_in_schema=False)
async def logout(request: Request, ctx: Ctx, _form: Form) -> Response:
    await ctx.accounts.handle(SignOut(str(request.session.get(SESSION_KEY) or "")))
    request.session.clear()
    return back_to("/login")
