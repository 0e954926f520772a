"""Public page of the unsubscribe link of due-date reminder mails: stop (or resume) the reminders in one click."""

from academy.ui.guard import page
from academy.ui.password_forms import unsubscribe_page

viewer = page("nav.unsubscribe", roles=None, layout="centered")
unsubscribe_page(viewer.locale)
