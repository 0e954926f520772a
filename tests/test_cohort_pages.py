"""Cohorts and Dashboard pages in AppTest, and the assigned modules on Home.

Role refusals: tests/security/test_page_access.py.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

from apptest_support import make_account, open_page
from attempt_support import pass_module
from streamlit.testing.v1 import AppTest

from academy.accounts import auth
from academy.coordination import cohorts
from academy.learning import progress
from academy.store import db

COHORTS, DASHBOARD = "pages/7_cohorts.py", "pages/8_dashboard.py"
MODULES = ("fondamentaux-ia-sante", "ia-imagerie-medicale", "ethique-regulation")


def signed_in(engine, role: str = "coordinator") -> tuple[auth.Account, str]:
    account = make_account(engine, role)
    return account, auth.create_session(engine, account.id)


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def plain(text: str) -> str:
    """`text` with its non-breaking spaces (French typography) as plain spaces, to compare."""
    return text.replace("\u00a0", " ")


def roster(count: int, bad: list[str] | None = None) -> bytes:
    rows = [f"interne{n:03d}@chu-exemple.fr;Interne {n:03d};Interne;" for n in range(1, count + 1)]
    return "\r\n".join(["email;nom;profession;rpps", *rows, *(bad or []), ""]).encode("utf-8-sig")


def test_create_a_cohort_and_refuse_a_taken_name(app_env) -> None:
    _, token = signed_in(app_env)
    at = open_page(COHORTS, token)
    assert not at.exception
    assert at.info[0].value == "Aucune cohorte pour l’instant : créez la première ci-dessus."
    at.text_input(key="new_cohort_name").input("DPC Urgences 2026")
    button(at, "Créer la cohorte").click().run()
    assert [c.name for c in cohorts.list_cohorts(app_env)] == ["DPC Urgences 2026"]
    assert "Cohorte « DPC Urgences 2026 » créée." in [s.value for s in at.success]
    at.text_input(key="new_cohort_name").input("dpc urgences 2026")
    button(at, "Créer la cohorte").click().run()
    assert not at.exception
    assert "Une cohorte porte déjà ce nom." in [e.value for e in at.error]
    assert len(cohorts.list_cohorts(app_env)) == 1


def test_add_and_remove_one_member_with_confirmation(app_env) -> None:
    coordinator, token = signed_in(app_env)
    cohort = cohorts.create_cohort(app_env, "Promo IFSI", actor_id=coordinator.id)
    at = open_page(COHORTS, token)
    at.text_input(key="member_email").input("pas-une-adresse")
    button(at, "Ajouter").click().run()
    assert "Adresse électronique invalide." in [e.value for e in at.error]
    assert cohorts.members(app_env, cohort.id) == []

    at.text_input(key="member_email").input("nina.petit@example.org")
    at.text_input(key="member_name").input("Nina Petit")
    at.selectbox(key="member_profession").set_value("infirmier")
    button(at, "Ajouter").click().run()
    assert not at.exception
    assert any("Compte apprenant créé pour nina\\.petit\\@example\\.org" in s.value for s in at.success)  # escaped
    [member] = cohorts.members(app_env, cohort.id)
    assert (member.name, member.profession) == ("Nina Petit", "infirmier")
    assert at.dataframe[0].value.iloc[0].tolist()[:3] == ["Nina Petit", "nina.petit@example.org", "Infirmier·ère"]

    at.selectbox(key="remove_member_choice").set_value(member.user_id).run()
    button(at, "Retirer").click().run()
    assert "Retirer Nina Petit · nina\\.petit\\@example\\.org de la cohorte ?" in at.warning[0].value
    assert len(cohorts.members(app_env, cohort.id)) == 1  # nothing happens before the confirmation
    button(at, "Annuler").click().run()
    assert not at.warning and len(cohorts.members(app_env, cohort.id)) == 1
    button(at, "Retirer").click().run()
    button(at, "Confirmer").click().run()
    assert not at.exception
    assert cohorts.members(app_env, cohort.id) == []
    assert auth.list_accounts(app_env, search="nina")  # the account stays


def test_csv_import_shows_every_bad_row_and_writes_nothing(app_env) -> None:
    coordinator, token = signed_in(app_env)
    cohort = cohorts.create_cohort(app_env, "Internes 2026", actor_id=coordinator.id)
    at = open_page(COHORTS, token)
    bad = ["interne001@chu-exemple.fr;Doublon;Interne;", "sans-arobase;Sans Adresse;Interne;12"]
    at.file_uploader(key="roster_0").upload("promo.csv", roster(3, bad), "text/csv").run()
    assert not at.exception
    assert "3 problème(s)\u00a0: rien n’est importé tant que vous n’avez pas choisi." in at.error[0].value
    problems = at.dataframe[0].value
    assert problems.iloc[:, 0].tolist() == ["5", "6", "6"]
    assert problems.iloc[:, 1].tolist() == ["Adresse en double (déjà ligne 2).", "Adresse électronique invalide.",
                                            "Le numéro RPPS comporte exactement 11 chiffres."]
    assert [b.label for b in at.button if b.label.startswith("Importer")] == [
        "Importer les lignes valides et ignorer les autres (3 importée(s), 2 ignorée(s))"]
    assert cohorts.members(app_env, cohort.id) == []
    assert len(auth.list_accounts(app_env)) == 1


def test_import_the_valid_rows_lists_what_is_skipped_and_cancel_writes_nothing(app_env) -> None:
    coordinator, token = signed_in(app_env)
    cohort = cohorts.create_cohort(app_env, "Promo IFSI", actor_id=coordinator.id)
    at = open_page(COHORTS, token)
    typed = ["IDE", "Infirmière", "infirmier·ère", "MK", "sage-femme", "Dr", "Infirmiere de nuit", "Boulanger"]
    rows = [f"p{n}@example.org;Personne {n};{profession};" for n, profession in enumerate(typed)]
    data = "\r\n".join(["email;nom;profession;rpps", *rows, ""]).encode("utf-8")
    at.file_uploader(key="roster_0").upload("promo.csv", data, "text/csv").run()
    problems = at.dataframe[0].value
    assert problems.iloc[:, 0].tolist() == ["8", "9"]
    assert [plain(text) for text in problems.iloc[:, 3]] == ["Vouliez-vous dire « Infirmier·ère » ?", ""]
    skip = "Importer les lignes valides et ignorer les autres (6 importée(s), 2 ignorée(s))"
    button(at, skip).click().run()
    assert plain(at.warning[0].value) == "2 ligne(s) seront ignorées :"
    listed = plain("\n".join(m.value for m in at.markdown))
    assert "- ligne 8 : Profession inconnue \\: « Infirmiere de nuit »" in listed  # escaped Markdown
    assert "- ligne 9 : Profession inconnue \\: « Boulanger »" in listed
    assert at.dataframe[1].value.iloc[:, 3].tolist() == [
        "Infirmier·ère", "Infirmier·ère", "Infirmier·ère", "Masseur·se-kinésithérapeute", "Sage-femme", "Médecin"]
    button(at, "Annuler").click().run()
    assert cohorts.members(app_env, cohort.id) == [] and len(auth.list_accounts(app_env)) == 1

    button(at, skip).click().run()
    button(at, "Importer 6 apprenant(s) dans « Promo IFSI »").click().run()
    assert not at.exception
    assert any("6 membre(s) ajouté(s)" in s.value and "2 ligne(s) ignorée(s)." in plain(s.value) for s in at.success)
    stored = sorted(m.profession for m in cohorts.members(app_env, cohort.id))
    assert stored == ["infirmier", "infirmier", "infirmier", "kinesitherapeute", "medecin", "sage_femme"]


def assign(at: AppTest, module_id: str, due: date | None) -> None:
    at.selectbox(key="assign_module").set_value(module_id)
    at.date_input(key="assign_due").set_value(due)
    button(at, "Assigner").click().run()


def test_import_200_assign_three_modules_and_watch_the_dashboard_fill(app_env) -> None:
    """The issue's acceptance scenario, end to end through both pages."""
    coordinator, token = signed_in(app_env)
    cohort = cohorts.create_cohort(app_env, "DPC IA 2026", actor_id=coordinator.id)
    at = open_page(COHORTS, token)
    at.file_uploader(key="roster_0").upload("promo.csv", roster(200), "text/csv").run()
    assert "200 apprenant(s) prêt(s) à importer : 200 nouveau(x) compte(s), 0 compte(s) existant(s)." in [
        s.value for s in at.success]
    assert len(at.tabs[1].dataframe[-1].value) == 200  # the import tab's preview
    button(at, "Importer 200 apprenant(s) dans « DPC IA 2026 »").click().run()
    assert not at.exception
    assert any(s.value.startswith("Import terminé : 200 membre(s) ajouté(s)") for s in at.success)
    assert len(cohorts.members(app_env, cohort.id)) == 200

    today = db.utcnow().date()
    assign(at, MODULES[0], today - timedelta(days=1))
    assign(at, MODULES[1], today + timedelta(days=30))
    assign(at, MODULES[2], None)
    assert not at.exception
    assert {(a.module_id, a.due_date) for a in cohorts.cohort_assignments(app_env, cohort.id)} == {
        (MODULES[0], today - timedelta(days=1)), (MODULES[1], today + timedelta(days=30)), (MODULES[2], None)}

    at.switch_page(DASHBOARD).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Apprenants"] == "200"
    assert metrics["Modules validés"] == "0 / 600"
    assert metrics["Retards"] == "200"  # everybody is late on the first module
    assert len(at.get("vega_lite_chart")) >= 2

    learners = [m.user_id for m in cohorts.members(app_env, cohort.id)]
    for user_id in learners[:50]:
        pass_module(app_env, user_id, MODULES[0])
    progress.record_lesson_view(app_env, learners[60], MODULES[1], "une-lecon", seconds=120)
    button(at, "Actualiser").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Modules validés"] == "50 / 600"
    assert metrics["Retards"] == "150"
    assert "150 ligne(s) affichée(s) sur 150, les plus en retard d’abord." in [c.value for c in at.caption]
    charts = at.get("vega_lite_chart")
    assert len(charts) >= 4
    for chart in charts:  # French number and date formats (« 0,05 », « 3 déc. »)
        assert json.loads(chart.proto.spec)["config"]["locale"]["number"]["decimal"] == ","


def test_change_a_due_date_and_unassign_with_confirmation(app_env) -> None:
    coordinator, token = signed_in(app_env)
    cohort = cohorts.create_cohort(app_env, "Faculté M2", actor_id=coordinator.id)
    cohorts.assign_module(app_env, cohort.id, MODULES[1], known_modules=MODULES, actor_id=coordinator.id)
    at = open_page(COHORTS, token)
    at.date_input(key=f"due_{cohort.id}_{MODULES[1]}").set_value(date(2026, 6, 30))
    button(at, "Enregistrer l’échéance").click().run()
    assert cohorts.cohort_assignments(app_env, cohort.id)[0].due_date == date(2026, 6, 30)
    button(at, "Retirer").click().run()
    assert "La progression des apprenants est conservée." in at.warning[0].value
    assert len(cohorts.cohort_assignments(app_env, cohort.id)) == 1
    button(at, "Confirmer").click().run()
    assert not at.exception
    assert cohorts.cohort_assignments(app_env, cohort.id) == []


def test_dashboard_without_cohort_or_members(app_env) -> None:
    coordinator, token = signed_in(app_env, "admin")
    at = open_page(DASHBOARD, token)
    assert not at.exception
    assert at.info[0].value == "Aucune cohorte : créez-en une et ajoutez-y des apprenants."
    cohort = cohorts.create_cohort(app_env, "Vide", actor_id=coordinator.id)
    cohorts.assign_module(app_env, cohort.id, MODULES[0], known_modules=MODULES, actor_id=coordinator.id)
    at.run()
    assert at.info[0].value == "Cette cohorte n’a pas encore de membre."
    at.multiselect(key=f"dashboard_modules_{cohort.id}").set_value([]).run()
    assert at.info[0].value.startswith("Choisissez au moins un module")


def test_home_lists_assigned_modules_with_deadlines(app_env) -> None:
    coordinator = make_account(app_env, "coordinator")
    learner = make_account(app_env, "learner", email="lea@example.org", name="Léa Martin")
    cohort = cohorts.create_cohort(app_env, "DPC Imagerie", actor_id=coordinator.id)
    cohorts.add_member(app_env, cohort.id, email=learner.email, actor_id=coordinator.id)
    today = db.utcnow().date()
    for module_id, due in zip(MODULES, (today - timedelta(days=3), today + timedelta(days=2), None), strict=True):
        cohorts.assign_module(app_env, cohort.id, module_id, due_date=due, known_modules=MODULES,
                              actor_id=coordinator.id)
    pass_module(app_env, learner.id, MODULES[2])
    at = open_page("app.py", auth.create_session(app_env, learner.id))
    assert not at.exception
    assert "Modules assignés" in [h.value for h in at.subheader]
    badges = [m.value for m in at.markdown if "-badge[" in m.value]
    assert badges == [":red-badge[:material/event: En retard]", ":orange-badge[:material/event: Échéance proche]",
                      ":green-badge[:material/event: Terminé]"]
    captions = [c.value for c in at.caption]
    assert f"Échéance : {(today - timedelta(days=3)).strftime('%d/%m/%Y')} · DPC Imagerie" in captions
    assert "Sans échéance · DPC Imagerie" in captions
