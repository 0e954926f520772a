"""Coordinators see their own cohorts: managers, the scoping of every coordinator function and page, the migration.

Coordinator A manages « Promo A » (Alice in it), coordinator B manages « Promo B » (Bruno in it), « Sans
responsable » has no manager (Sam in it); Stéphane is in no cohort. B must never see, change, export or
attest A's cohort or Alice; admins see everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from apptest_support import make_account, open_page
from sqlalchemy import Engine, insert, select
from streamlit.testing.v1 import AppTest
from test_certificates import pass_module

from academy.accounts import auth
from academy.analytics import dashboard
from academy.content.catalog import Catalog, Module, load_catalog
from academy.coordination import certificates, cohorts, roster_import
from academy.i18n import t
from academy.interop import exports
from academy.store import db
from academy.store.audit import audit_entries
from academy.store.models import Cohort, CohortManager, User
from academy.ui.resources import PROJECT_ROOT

MODULE = "fondamentaux-ia-sante"
EMAIL_HEADER = t(exports.COLUMN_HEADERS["email"], "fr")  # the preview shows the column labels


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog(PROJECT_ROOT / "content")


@pytest.fixture(scope="module")
def module(catalog: Catalog) -> Module:
    return catalog.module(MODULE)


@dataclass(frozen=True)
class World:
    admin: auth.Account
    a: auth.Account  # coordinator A
    b: auth.Account  # coordinator B
    alice: auth.Account  # in A's cohort
    bruno: auth.Account  # in B's cohort
    sam: auth.Account  # in the unmanaged cohort
    stranger: auth.Account  # in no cohort
    promo_a: int
    promo_b: int
    unmanaged: int


def build_world(engine: Engine, module: Module | None = None) -> World:
    """The two coordinators' cohorts, an unmanaged one; with `module`, every learner passed it and holds its
    attestation, and each cohort has it as its programme."""
    admin = make_account(engine, "admin", "admin@example.org", "Adèle Admin")
    a = make_account(engine, "coordinator", "a@example.org", "Anne Coord")
    b = make_account(engine, "coordinator", "b@example.org", "Basile Coord")
    learners = [make_account(engine, "learner", f"{key}@example.org", name) for key, name in
                (("alice", "Alice Martin"), ("bruno", "Bruno Petit"), ("sam", "Sam Durand"), ("stephane", "Stéphane"))]
    alice, bruno, sam, stranger = learners
    promo_a = cohorts.create_cohort(engine, "Promo A", actor_id=a.id).id
    promo_b = cohorts.create_cohort(engine, "Promo B", actor_id=b.id).id
    unmanaged = cohorts.create_cohort(engine, "Sans responsable", actor_id=None).id
    for cohort_id, learner in ((promo_a, alice), (promo_b, bruno), (unmanaged, sam)):
        cohorts.add_member(engine, cohort_id, email=learner.email, actor_id=None)
    if module is not None:
        for learner in learners:
            pass_module(engine, learner.id, module)
            certificates.issue_certificate(engine, user_id=learner.id, module=module)
        for cohort_id in (promo_a, promo_b, unmanaged):
            cohorts.assign_module(engine, cohort_id, module.id, known_modules={module.id}, actor_id=None)
    return World(admin, a, b, alice, bruno, sam, stranger, promo_a, promo_b, unmanaged)


# --- managers ----------------------------------------------------------------------------------------


def test_the_creator_manages_a_cohort_and_coordinators_list_only_theirs(engine: Engine) -> None:
    w = build_world(engine)
    names = lambda viewer: [c.name for c in cohorts.list_cohorts(engine, viewer=viewer)]  # noqa: E731
    assert names(w.a) == ["Promo A"]
    assert names(w.b) == ["Promo B"]
    assert names(w.admin) == names(None) == ["Promo A", "Promo B", "Sans responsable"]
    assert [m.email for m in cohorts.managers(engine, w.promo_a)] == ["a@example.org"]
    assert cohorts.managers(engine, w.unmanaged) == []
    assert cohorts.can_manage(engine, w.a, w.promo_a) and not cohorts.can_manage(engine, w.b, w.promo_a)
    assert cohorts.can_manage(engine, w.admin, w.unmanaged) and not cohorts.can_manage(engine, w.a, w.unmanaged)
    assert cohorts.get_cohort(engine, w.promo_a, viewer=w.b) is None
    assert cohorts.get_cohort(engine, w.promo_a, viewer=w.a).name == "Promo A"


def test_co_managers_are_added_and_removed_by_managers_and_admins(engine: Engine) -> None:
    w = build_world(engine)
    with pytest.raises(cohorts.CohortError) as refused:
        cohorts.add_manager(engine, w.promo_a, email=w.b.email, viewer=w.b)  # B cannot invite themselves
    assert refused.value.errors == {"cohort": "cohorts.error.not_manager"}
    for email, reason in ((w.alice.email, "not_coordinator"), ("nobody@example.org", "unknown_account")):
        with pytest.raises(cohorts.CohortError) as refused:
            cohorts.add_manager(engine, w.promo_a, email=email, viewer=w.a)
        assert refused.value.errors == {"email": f"cohorts.error.{reason}"}

    manager, added = cohorts.add_manager(engine, w.promo_a, email=" B@Example.org ", viewer=w.a)
    assert (manager.user_id, added) == (w.b.id, True)
    assert cohorts.add_manager(engine, w.promo_a, email=w.b.email, viewer=w.a)[1] is False
    assert [c.name for c in cohorts.list_cohorts(engine, viewer=w.b)] == ["Promo A", "Promo B"]
    [entry] = audit_entries(engine, action="cohort_manager_add")
    assert (entry.actor_id, entry.target, entry.details) == (w.a.id, f"cohort:{w.promo_a}", {"user_id": w.b.id})

    assert cohorts.remove_manager(engine, w.promo_a, w.a.id, viewer=w.b)  # a co-manager may remove the creator
    assert cohorts.list_cohorts(engine, viewer=w.a) == []
    with pytest.raises(cohorts.CohortError) as refused:
        cohorts.remove_manager(engine, w.promo_a, w.b.id, viewer=w.b)
    assert refused.value.errors == {"manager": "cohorts.error.last_manager"}
    with pytest.raises(cohorts.CohortError):
        cohorts.remove_manager(engine, w.promo_b, w.b.id, viewer=w.a)  # A does not manage Promo B
    assert [e.details for e in audit_entries(engine, action="cohort_manager_remove")] == [{"user_id": w.a.id}]

    cohorts.add_manager(engine, w.unmanaged, email=w.a.email, viewer=w.admin)  # admins staff any cohort
    assert [c.name for c in cohorts.list_cohorts(engine, viewer=w.a)] == ["Sans responsable"]


def test_b_cannot_change_a_cohort_of_a(engine: Engine) -> None:
    w = build_world(engine)
    attempts = [
        lambda: cohorts.add_member(engine, w.promo_a, email="new@example.org", name="Nouveau", actor_id=w.b.id,
                                   viewer=w.b),
        lambda: cohorts.remove_member(engine, w.promo_a, w.alice.id, actor_id=w.b.id, viewer=w.b),
        lambda: cohorts.assign_module(engine, w.promo_a, MODULE, known_modules={MODULE}, actor_id=w.b.id, viewer=w.b),
        lambda: cohorts.unassign(engine, w.promo_a, MODULE, actor_id=w.b.id, viewer=w.b),
    ]
    for attempt in attempts:
        with pytest.raises(cohorts.CohortError) as refused:
            attempt()
        assert refused.value.errors == {"cohort": "cohorts.error.not_manager"}
    preview = roster_import.preview_import(b"email;nom;profession\r\nnew@example.org;Nouveau;Interne\r\n", engine)
    with pytest.raises(roster_import.RosterImportError) as refused:
        roster_import.apply_import(preview, engine, w.promo_a, w.b.id, viewer=w.b)
    assert refused.value.key == "cohorts.error.not_manager"
    assert [m.user_id for m in cohorts.members(engine, w.promo_a)] == [w.alice.id]
    assert cohorts.cohort_assignments(engine, w.promo_a) == []
    assert auth.list_accounts(engine, search="new@") == []
    # A, and an admin, may.
    cohorts.assign_module(engine, w.promo_a, MODULE, known_modules={MODULE}, actor_id=w.a.id, viewer=w.a)
    assert cohorts.unassign(engine, w.promo_a, MODULE, actor_id=w.admin.id, viewer=w.admin)


# --- attestations, exports, dashboard ----------------------------------------------------------------


def test_attestations_are_scoped_to_the_coordinators_cohorts(engine: Engine, module: Module) -> None:
    w = build_world(engine, module)
    holders = lambda viewer: sorted(c.user_id for c in certificates.search_certificates(  # noqa: E731
        engine, modules=[module], viewer=viewer))
    assert holders(w.b) == [w.bruno.id]
    assert holders(w.a) == [w.alice.id]
    assert holders(w.admin) == holders(None) == sorted([w.alice.id, w.bruno.id, w.sam.id, w.stranger.id])
    assert certificates.search_certificates(engine, query="Alice", modules=[module], viewer=w.b) == []
    assert [p.id for p in certificates.passed_learners(engine, module.id, viewer=w.b)] == [w.bruno.id]
    assert len(certificates.passed_learners(engine, module.id, viewer=w.admin)) == 4
    assert [p.name for p in certificates.programmes(engine, viewer=w.b)] == ["Promo B"]
    assert [p.name for p in certificates.programmes(engine, viewer=w.admin)] == [
        "Promo A", "Promo B", "Sans responsable"]

    alice_code = certificates.user_certificates(engine, w.alice.id)[0].code
    refusals = [
        lambda: certificates.issue_certificate(engine, user_id=w.alice.id, module=module, actor_id=w.b.id,
                                               reissue=True, viewer=w.b),
        lambda: certificates.issue_certificate(engine, user_id=w.stranger.id, module=module, actor_id=w.b.id,
                                               viewer=w.b),
        lambda: certificates.issue_programme_certificate(engine, user_id=w.alice.id, cohort_id=w.promo_a,
                                                         modules=[module], actor_id=w.b.id, viewer=w.b),
        lambda: certificates.revoke(engine, alice_code, actor_id=w.b.id, reason="Erreur", viewer=w.b),
    ]
    for refusal in refusals:
        with pytest.raises(certificates.CertificateError) as refused:
            refusal()
        assert refused.value.reason == "not_managed"
    assert certificates.verify(engine, alice_code).status == "valid"
    assert audit_entries(engine, action="certificate_revoke") == []
    # Within their own cohorts they issue and revoke; an admin anywhere.
    programme = certificates.issue_programme_certificate(engine, user_id=w.bruno.id, cohort_id=w.promo_b,
                                                         modules=[module], actor_id=w.b.id, viewer=w.b)
    assert certificates.revoke(engine, programme.code, actor_id=w.b.id, reason="Test", viewer=w.b)
    assert certificates.revoke(engine, alice_code, actor_id=w.admin.id, reason="Test", viewer=w.admin)


def test_exports_are_scoped_to_the_coordinators_cohorts(engine: Engine, module: Module, catalog: Catalog) -> None:
    w = build_world(engine, module)

    def exported(viewer: auth.Account | None, cohort: str | None = None, kind: str = "progress") -> set[str]:
        rows = exports.export_rows(engine, catalog, exports.ExportRequest(kind, "csv", cohort, MODULE),
                                   viewer=viewer)
        header = next(rows)
        return {row[header.index("email")] for row in rows}

    assert exports.cohort_names(engine, viewer=w.b) == ["Promo B"]
    assert exports.cohort_names(engine, viewer=w.admin) == ["Promo A", "Promo B", "Sans responsable"]
    for kind in ("progress", "responses", "dpc"):
        assert exported(w.b, kind=kind) == {w.bruno.email}  # « all learners »: those of B's cohorts
        assert exported(w.b, "Promo B", kind) == {w.bruno.email}
    assert exported(w.admin) == exported(None)  # every learner (the test accounts all hold the learner role)
    assert {w.alice.email, w.bruno.email, w.sam.email, w.stranger.email} <= exported(w.admin)
    with pytest.raises(exports.ExportError) as refused:
        exported(w.b, "Promo A")  # refused as if it did not exist
    assert (refused.value.field, refused.value.key) == ("cohort", "exports.error.unknown_cohort")
    statements = list(exports.xapi_statements(engine, catalog, module=MODULE, home="https://x.example", viewer=w.b))
    assert statements and {s["actor"]["account"]["name"] for s in statements} == {str(w.bruno.id)}


def test_the_dashboard_loads_only_a_managed_cohort(engine: Engine) -> None:
    w = build_world(engine)
    flt = dashboard.DashboardFilter(w.promo_a, (MODULE,))
    with pytest.raises(cohorts.CohortError) as refused:
        dashboard.load_dashboard(engine, flt, viewer=w.b)
    assert refused.value.errors == {"cohort": "cohorts.error.not_manager"}
    assert list(dashboard.load_dashboard(engine, flt, viewer=w.a).learners["email"]) == [w.alice.email]
    assert list(dashboard.load_dashboard(engine, flt, viewer=w.admin).learners["email"]) == [w.alice.email]


# --- the migration -----------------------------------------------------------------------------------


def test_migration_makes_each_cohorts_creator_its_manager(database_url: str) -> None:
    engine = db.make_engine(database_url)
    try:
        assert db.upgrade(engine, "0002") == "0002"
        created = db.utcnow() - timedelta(days=30)
        with db.write_connection(engine) as connection:  # Core inserts: the 0002 schema has no managers
            def user(email: str, erased: bool = False) -> int:
                return connection.execute(insert(User).values(
                    email=email, name=email, profession="", password_hash="!", locale="fr", created_at=created,
                    erased_at=created if erased else None)).inserted_primary_key[0]

            def cohort(name: str, creator: int | None) -> int:
                return connection.execute(insert(Cohort).values(
                    name=name, description="", created_at=created, created_by=creator)).inserted_primary_key[0]

            creator, gone = user("creator@example.org"), user("gone@example.org", erased=True)
            kept = cohort("Créée par une personne", creator)
            cohort("Créée par un compte effacé", gone)
            cohort("Créée en ligne de commande", None)
        assert db.upgrade(engine) == db.head_revision()
        with db.read(engine) as session:
            rows = session.execute(select(CohortManager.cohort_id, CohortManager.user_id, CohortManager.added_at,
                                          CohortManager.added_by)).all()
        assert rows == [(kept, creator, created, None)]  # the others: admins only (see the migration's docstring)
    finally:
        engine.dispose()


def test_migration_downgrades_and_upgrades_again(engine: Engine) -> None:
    w = build_world(engine)
    db.upgrade(engine, "0002")
    db.upgrade(engine)
    assert [m.user_id for m in cohorts.managers(engine, w.promo_a)] == [w.a.id]


# --- the pages ---------------------------------------------------------------------------------------


def page_as(account: auth.Account, engine: Engine, path: str) -> AppTest:
    at = open_page(path, auth.create_session(engine, account.id))
    assert not at.exception
    return at


def everything_shown(at: AppTest) -> str:
    """Every text of the page a reader can see, selectbox options included."""
    parts = [str(node.value) for kind in ("markdown", "caption", "success", "info", "warning", "error", "title")
             for node in getattr(at, kind)]
    parts += [option for box in at.selectbox for option in box.options]
    parts += [frame.value.to_csv() for frame in at.dataframe]
    return "\n".join(parts)


def test_cohorts_page_shows_b_only_their_cohort_and_lets_a_add_b_as_co_manager(app_env: Engine) -> None:
    w = build_world(app_env)
    at = page_as(w.b, app_env, "pages/7_cohorts.py")
    assert at.selectbox(key="cohort_id").options == ["Promo B"]
    shown = everything_shown(at)
    assert "Promo A" not in shown and "alice@example.org" not in shown and "Sans responsable" not in shown

    a_page = page_as(w.a, app_env, "pages/7_cohorts.py")
    assert a_page.selectbox(key="cohort_id").options == ["Promo A"]
    assert a_page.tabs[3].dataframe[0].value["Adresse électronique"].tolist() == ["a@example.org"]
    a_page.text_input(key="manager_email").input("alice@example.org")
    next(b for b in a_page.button if b.label == "Ajouter comme responsable").click().run()
    assert [e.value for e in a_page.error] == [
        "Ce compte n’a pas le rôle coordinateur·rice : un·e administrateur·rice peut le lui donner."]
    a_page.text_input(key="manager_email").input("b@example.org")
    next(b for b in a_page.button if b.label == "Ajouter comme responsable").click().run()
    assert not a_page.exception
    assert [s.value for s in a_page.success] == ["Basile Coord est maintenant responsable de la cohorte."]
    at.run()
    assert at.selectbox(key="cohort_id").options == ["Promo A", "Promo B"]

    # B removes themselves from A's cohort again (confirmed): it disappears from B's page.
    at.selectbox(key="cohort_id").set_value(w.promo_a).run()
    at.selectbox(key="remove_manager_choice").set_value(w.b.id).run()
    next(b for b in at.button if b.label == "Retirer ce·tte responsable").click().run()
    assert any("Vous retirer des responsables" in warning.value for warning in at.warning)
    next(b for b in at.button if b.key == "confirm_remove_manager_ok").click().run()
    assert not at.exception
    assert at.selectbox(key="cohort_id").options == ["Promo B"]


def test_a_coordinator_without_cohort_and_an_admin_on_the_cohorts_page(app_env: Engine) -> None:
    w = build_world(app_env)
    newcomer = make_account(app_env, "coordinator", "c@example.org", "Chloé Coord")
    at = page_as(newcomer, app_env, "pages/7_cohorts.py")
    assert "Aucune cohorte pour l’instant : créez la première ci-dessus." in [i.value for i in at.info]
    assert "Promo" not in everything_shown(at) and "Sans responsable" not in everything_shown(at)

    admin = page_as(w.admin, app_env, "pages/7_cohorts.py")
    assert admin.selectbox(key="cohort_id").options == ["Promo A", "Promo B", "Sans responsable"]
    admin.selectbox(key="cohort_id").set_value(w.unmanaged).run()
    assert any("n’a pas de responsable" in i.value for i in admin.info)
    admin.text_input(key="manager_email").input("c@example.org")
    next(b for b in admin.button if b.label == "Ajouter comme responsable").click().run()
    assert [c.name for c in cohorts.list_cohorts(app_env, viewer=newcomer)] == ["Sans responsable"]


def test_dashboard_page_offers_b_only_their_cohort(app_env: Engine) -> None:
    w = build_world(app_env)
    at = page_as(w.b, app_env, "pages/8_dashboard.py")
    assert at.selectbox(key="dashboard_cohort").options == ["Promo B"]
    assert "Promo A" not in everything_shown(at) and "Alice" not in everything_shown(at)
    nobody = page_as(make_account(app_env, "coordinator", "c@example.org", "Chloé"), app_env, "pages/8_dashboard.py")
    assert any("cohorte" in i.value for i in nobody.info) and not nobody.get("selectbox")


def test_exports_page_does_not_let_b_export_a_cohort_of_a(app_env: Engine, module: Module) -> None:
    w = build_world(app_env, module)
    at = page_as(w.b, app_env, "pages/10_exports.py")
    assert at.selectbox(key="export_cohort").options == ["Tous les apprenant·es de mes cohortes", "Promo B"]
    for kind in ("progress", "responses", "dpc"):
        at.segmented_control(key="export_kind").set_value(kind).run()
        assert not at.exception
        assert set(at.dataframe[0].value[EMAIL_HEADER]) == {w.bruno.email}, kind
    admin = page_as(w.admin, app_env, "pages/10_exports.py")
    assert admin.selectbox(key="export_cohort").options == [
        "Tous les apprenant·es", "Promo A", "Promo B", "Sans responsable"]
    admin.selectbox(key="export_cohort").set_value("Promo A").run()
    assert set(admin.dataframe[0].value[EMAIL_HEADER]) == {w.alice.email}


def test_attestations_page_does_not_let_b_find_issue_or_revoke_for_a(app_env: Engine, module: Module) -> None:
    w = build_world(app_env, module)
    at = page_as(w.b, app_env, "pages/11_attestations.py")
    assert at.dataframe[0].value["Titulaire"].tolist() == ["Bruno Petit"]
    at.text_input(key="attest_search").input("Alice").run()
    assert not at.dataframe and "Aucune attestation ne correspond." in [c.value for c in at.caption]
    alice_code = certificates.user_certificates(app_env, w.alice.id)[0].display_code
    at.text_input(key="attest_search").input(alice_code).run()
    assert not at.dataframe  # not even by its code

    at.selectbox(key="issue_module").set_value(module.id).run()
    assert at.selectbox(key="issue_learner").options == ["Bruno Petit · bruno@example.org"]
    at.segmented_control(key="issue_kind").set_value("programme").run()
    assert at.selectbox(key="issue_programme").options == ["Promo B"]
    assert certificates.verify(app_env, alice_code).status == "valid"


def test_pages_for_the_unscoped_admin_list_every_attestation(app_env: Engine, module: Module) -> None:
    w = build_world(app_env, module)
    at = page_as(w.admin, app_env, "pages/11_attestations.py")
    assert sorted(at.dataframe[0].value["Titulaire"]) == ["Alice Martin", "Bruno Petit", "Sam Durand", "Stéphane"]
