"""The page guard: every page of the app starts with one call to `page()`."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from academy.accounts import auth
from academy.accounts.auth import Account
from academy.accounts.roles import ADMINS, COORDINATORS, SIGNED_IN, TRAINERS, allowed
from academy.i18n import DEFAULT_LOCALE, LOCALES, t

from .resources import engine
from .session import current_account, end_session, write_pending_cookie
from .text import escape_markdown
from .widget_memory import forget_stale_widgets

HOME = "app.py"
_GO_HOME = "go_home_after_sign_out"
# No English widget chrome; phone reading (≤ 640 px wide): titles in two lines at most, less space above.
_STYLE = """<style>
/* « Press Enter to apply » is English; Enter and leaving the field both save anyway. */
[data-testid="InputInstructions"] { display: none; }
/* The file uploader's « 200MB per file • CSV » is English (and the widget's limit, not ours): pages state the
   accepted types and size in a French caption under it. Its « Upload » button is relabelled below. */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button[kind="secondary"] [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzone"] button[kind="secondary"] > div > span::after { content: "UPLOAD_LABEL"; }
/* The date inputs' empty segments read « dd / mm / yyyy » whatever the language: our own hints drawn over them. */
[data-testid="stDateInput"] [data-placeholder="true"][data-type] { -webkit-text-fill-color: transparent;
  position: relative; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type]::after { -webkit-text-fill-color: currentcolor;
  position: absolute; left: 0; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="day"]::after { content: "DAY_HINT"; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="month"]::after { content: "MONTH_HINT"; }
[data-testid="stDateInput"] [data-placeholder="true"][data-type="year"]::after { content: "YEAR_HINT"; }
@media (max-width: 640px) {
  h1 { font-size: 1.55rem !important; line-height: 1.25 !important; padding-top: 0.5rem !important; }
  .st-key-page-title-m h1 { font-size: 1.35rem !important; }
  .st-key-page-title-l h1 { font-size: 1.2rem !important; }
  .st-key-page-title-xl h1 { font-size: 1.1rem !important; letter-spacing: -0.01em; }
  h1 [data-testid="stHeaderActionElements"] { display: none; }
  h2 { font-size: 1.3rem !important; }
  h3 { font-size: 1.15rem !important; }
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem !important; }
}
</style>"""


@dataclass(frozen=True)
class NavItem:
    path: str
    label_key: str
    icon: str
    roles: frozenset[str] | None  # None: shown to everyone, signed in or not


NAVIGATION: tuple[NavItem, ...] = (
    NavItem(HOME, "nav.home", ":material/home:", None),
    NavItem("pages/1_catalogue.py", "nav.catalogue", ":material/menu_book:", SIGNED_IN),
    NavItem("pages/16_glossary.py", "nav.glossary", ":material/dictionary:", SIGNED_IN),
    NavItem("pages/4_progress.py", "nav.progress", ":material/insights:", SIGNED_IN),
    NavItem("pages/5_review.py", "nav.review", ":material/replay:", SIGNED_IN),
    NavItem("pages/15_profile.py", "nav.profile", ":material/account_circle:", SIGNED_IN),
    NavItem("pages/6_studio.py", "nav.studio", ":material/edit_note:", TRAINERS),
    NavItem("pages/13_item_analysis.py", "nav.item_analysis", ":material/analytics:", TRAINERS),
    NavItem("pages/7_cohorts.py", "nav.cohorts", ":material/groups:", COORDINATORS),
    NavItem("pages/8_dashboard.py", "nav.dashboard", ":material/monitoring:", COORDINATORS),
    NavItem("pages/10_exports.py", "nav.exports", ":material/download:", COORDINATORS),
    NavItem("pages/11_attestations.py", "nav.attestations", ":material/workspace_premium:", COORDINATORS),
    NavItem("pages/12_verify.py", "nav.verify", ":material/verified:", None),
    NavItem("pages/9_admin.py", "nav.admin", ":material/admin_panel_settings:", ADMINS),
    NavItem("pages/17_audit.py", "nav.audit", ":material/history:", ADMINS),
)


@dataclass(frozen=True)
class Viewer:
    """Who is looking at the page, in which locale."""

    account: Account | None
    locale: str

    def t(self, key: str, **values: object) -> str:
        """The interface string `key` in the viewer's locale."""
        return t(key, self.locale, **values)


def page(title_key: str, *, roles: frozenset[str] | None, layout: str = "wide") -> Viewer:
    """Set up a page: config, signed-in account, navigation; stop with a message if `roles` refuse it.

    `roles=None` makes the page public. Returns the viewer (its account is set when `roles` is not None).
    """
    forget_stale_widgets()
    locale = st.session_state.get("locale", DEFAULT_LOCALE)
    st.set_page_config(page_title=f"{t(title_key, locale)} · {t('app.name', locale)}", layout=layout,
                       page_icon=":material/school:")
    if st.session_state.pop(_GO_HOME, False):
        st.switch_page(HOME)  # just signed out: the home page, not a page that now asks to sign in
    account = current_account()
    write_pending_cookie()  # after: a single sign-on in current_account() opens a session too
    locale = st.session_state.get("locale", locale)
    viewer = Viewer(account, locale if locale in LOCALES else DEFAULT_LOCALE)
    style = _STYLE.replace("UPLOAD_LABEL", viewer.t("upload.button"))  # in the account's language, once known
    for hint in ("DAY_HINT", "MONTH_HINT", "YEAR_HINT"):
        style = style.replace(hint, viewer.t(f"date.hint.{hint.removesuffix('_HINT').lower()}"))
    st.html(style)
    _sidebar(viewer)
    if roles is not None:
        if account is None:
            st.info(viewer.t("guard.sign_in_required"), icon=":material/lock:")
            st.page_link(HOME, label=viewer.t("guard.go_home"), icon=":material/login:")
            st.stop()
        if not allowed(account.roles, roles):
            st.error(viewer.t("guard.forbidden"), icon=":material/block:")
            st.page_link(HOME, label=viewer.t("guard.go_home"), icon=":material/home:")
            st.stop()
    return viewer


def _set_locale(account_id: int | None) -> None:
    """The language switch: this session at once, and the signed-in account's next sign-ins."""
    locale = st.session_state["locale_switch"]
    st.session_state["locale"] = locale
    if account_id is not None:
        auth.set_locale(engine(), account_id, locale)


def _sign_out() -> None:
    end_session()
    st.session_state["flash"] = "auth.signed_out"
    st.session_state[_GO_HOME] = True


def _sidebar(viewer: Viewer) -> None:
    roles = viewer.account.roles if viewer.account else frozenset()
    with st.sidebar:
        st.markdown(f"### {viewer.t('app.name')}")
        for item in NAVIGATION:
            visible = item.roles is None or (viewer.account is not None and allowed(roles, item.roles))
            if visible:
                st.page_link(item.path, label=viewer.t(item.label_key), icon=item.icon)
        st.divider()
        if st.session_state.get("locale_switch") != viewer.locale:  # e.g. a sign-in brought the account's language
            st.session_state["locale_switch"] = viewer.locale
        st.segmented_control(
            viewer.t("nav.language"), LOCALES, key="locale_switch",
            format_func=lambda code: {"fr": "Français", "en": "English"}[code], on_change=_set_locale,
            args=(viewer.account.id if viewer.account else None,), required=True,
        )
        if viewer.account is not None:
            st.caption(viewer.t("nav.signed_in_as", name=escape_markdown(viewer.account.name)))
            st.button(viewer.t("nav.sign_out"), icon=":material/logout:", on_click=_sign_out,
                      key="sign_out")
