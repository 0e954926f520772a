"""Single sign-on: the local account of an OpenID Connect identity (Streamlit's ``st.login``).

The identity provider (a hospital's Keycloak, a faculty's CAS/OIDC bridge, Pro Santé Connect…) proves who
the person is; roles stay local. The first sign-in links the identity (issuer + subject) to the local
account with the same *verified* e-mail address, or creates a learner; later sign-ins find the link even if
the address changed at the provider.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError

from academy.accounts import auth
from academy.accounts.roles import LEARNER
from academy.store import db
from academy.store.audit import audit
from academy.store.models import ExternalIdentity, User, UserRole

SSO_PASSWORD_HASH = "!sso"  # not an argon2 hash: no password sign-in until one is set
NO_EMAIL, EMAIL_NOT_VERIFIED, ERASED = "no_email", "email_not_verified", "erased"


class IdentityError(ValueError):
    """The provider's identity cannot open a session; ``code`` says why (an interface string key suffix)."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(code)


@dataclass(frozen=True)
class Identity:
    """What the provider says about the person (claims of the ID token)."""

    issuer: str
    subject: str
    email: str
    email_verified: bool
    name: str = ""

    @classmethod
    def from_claims(cls, claims: dict[str, object]) -> Identity:
        """Read ``iss``, ``sub``, ``email``, ``email_verified`` and ``name`` from ID-token claims."""
        verified = claims.get("email_verified")
        return cls(
            issuer=str(claims.get("iss") or ""),
            subject=str(claims.get("sub") or ""),
            email=str(claims.get("email") or ""),
            email_verified=verified is True or str(verified).lower() == "true",
            name=str(claims.get("name") or "").strip(),
        )


def account_for_identity(engine: Engine, identity: Identity, *, now: datetime | None = None) -> auth.Account:
    """The local account of ``identity``: linked before, or by verified e-mail, or a new learner."""
    now = now or db.utcnow()
    if not identity.subject:
        raise IdentityError(NO_EMAIL)
    try:
        return _link(engine, identity, now)
    except IntegrityError:  # a parallel first sign-in linked or created it: read what it wrote
        return _link(engine, identity, now)


def _link(engine: Engine, identity: Identity, now: datetime) -> auth.Account:
    with db.write(engine) as session:
        user = session.scalar(
            select(User).join(ExternalIdentity, ExternalIdentity.user_id == User.id)
            .where(ExternalIdentity.issuer == identity.issuer, ExternalIdentity.subject == identity.subject)
        )
        if user is None:
            if not identity.email:
                raise IdentityError(NO_EMAIL)
            if not identity.email_verified:
                raise IdentityError(EMAIL_NOT_VERIFIED)
            email = auth.normalize_email(identity.email)
            user = session.scalar(select(User).where(User.email == email))
            if user is None:
                # A name with control characters is refused as at sign-up: the address's local part stands in.
                name = " ".join(identity.name.split())[:200]
                name = name if name and not auth.has_control_characters(identity.name) else email.split("@")[0]
                user = User(email=email, name=name, profession="", rpps=None, password_hash=SSO_PASSWORD_HASH,
                            locale="fr", created_at=now, roles=[UserRole(role=LEARNER)])
                session.add(user)
                session.flush()
                audit(session, actor_id=user.id, action="sign_up_sso", target=f"user:{user.id}",
                      details={"issuer": identity.issuer}, at=now)
            session.add(ExternalIdentity(user_id=user.id, issuer=identity.issuer, subject=identity.subject,
                                         linked_at=now))
            audit(session, actor_id=user.id, action="identity_linked", target=f"user:{user.id}",
                  details={"issuer": identity.issuer}, at=now)
        if user.erased_at is not None:
            raise IdentityError(ERASED)
        audit(session, actor_id=user.id, action="sign_in_sso", target=f"user:{user.id}",
              details={"issuer": identity.issuer}, at=now)
        session.flush()
        return auth.account_of(user)
