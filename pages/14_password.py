"""Public page of the links mailed (or shown) for invitations and resets: choose a password; without a link, ask
for one (« Mot de passe oublié ? »)."""

from academy.ui.guard import page
from academy.ui.password_forms import password_page

viewer = page("nav.password", roles=None, layout="centered")
password_page(viewer.locale)
