"""The Exports page in AppTest: preview and download of every export (XLSX for every kind, the CSV for French
Excel), filters, audit on download, refusals."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from apptest_support import open_page, texts, token_for
from sqlalchemy import Engine
from streamlit.testing.v1 import AppTest
from test_exports import COHORT, INJECTION, Dataset, build_dataset

from academy.accounts import auth
from academy.coordination import cohorts
from academy.i18n import t
from academy.interop import exports
from academy.store.audit import audit_entries

PAGE = "pages/10_exports.py"


@pytest.fixture
def data(app_env: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Dataset:
    content = tmp_path / "content"
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(content))
    data = build_dataset(app_env, content)
    # The page's coordinator manages the data set's cohort and another one with the other two learners: their
    # cohorts hold every learner (a coordinator exports only the cohorts they manage, tests/test_cohort_managers.py).
    [cohort] = cohorts.list_cohorts(app_env)
    cohorts.add_manager(app_env, cohort.id, email="coord@example.org", viewer=None)
    others = cohorts.create_cohort(app_env, "Suivi 2025", actor_id=data.coordinator)
    for email in ("evil@example.org", "idle@example.org"):
        cohorts.add_member(app_env, others.id, email=email, actor_id=data.coordinator)
    return data


def coordinator_page(engine: Engine, data: Dataset) -> AppTest:
    at = open_page(PAGE, auth.create_session(engine, data.coordinator))
    assert not at.exception
    return at


def preview(at: AppTest) -> list[dict[str, object]]:
    """The preview's rows, keyed by column code (the page shows French labels: « Statut » for ``status``)."""
    assert len(at.dataframe) == 1
    frame = at.dataframe[0].value
    codes = {t(key): code for code, key in exports.COLUMN_HEADERS.items()}
    assert set(frame.columns) <= set(codes)
    return frame.rename(columns=codes).to_dict("records")


def test_a_coordinator_previews_and_downloads_every_export(app_env: Engine, data: Dataset) -> None:
    at = coordinator_page(app_env, data)
    assert at.title[0].value == "Exports des données de formation"
    downloads = []
    for kind, formats in (("progress", ["csv", "xlsx"]), ("responses", ["csv", "xlsx"]),
                          ("xapi", ["jsonl", "csv", "xlsx"]), ("dpc", ["csv", "xlsx"])):
        at.segmented_control(key="export_kind").set_value(kind).run()
        assert t(f"exports.about.{kind}") in texts(at, "markdown")
        assert at.selectbox(key=f"export_format_{kind}").options == [fmt.upper() for fmt in formats]
        for fmt in formats:
            at.selectbox(key=f"export_format_{kind}").set_value(fmt).run()
            assert not at.exception
            rows = preview(at)
            assert rows, f"{kind}/{fmt}: empty preview"
            button = at.download_button(key="export_download")
            assert button.label.startswith(f"Télécharger {kind}-") and button.label.endswith(f".{fmt}")
            button.click().run()
            assert not at.exception
            downloads.append((kind, fmt))
    entries = audit_entries(app_env, action="export")
    assert sorted((e.details["kind"], e.details["fmt"]) for e in entries) == sorted(downloads)
    assert {(e.actor_id, e.details["via"]) for e in entries} == {(data.coordinator, "page")}
    assert "Export inscrit au journal d’audit." in [toast.value for toast in at.toast]


def test_the_csv_for_french_excel_is_a_choice(app_env: Engine, data: Dataset) -> None:
    at = coordinator_page(app_env, data)
    dialect = at.radio(key="export_dialect")
    assert dialect.options == [t("exports.dialect.standard"), t("exports.dialect.excel-fr")]
    assert t("exports.csv_note.standard") in texts(at, "caption")
    dialect.set_value("excel-fr").run()
    assert not at.exception
    assert t("exports.csv_note.excel-fr") in texts(at, "caption")
    button = at.download_button(key="export_download")
    assert button.label.startswith("Télécharger progress-excel-fr-") and button.label.endswith(".csv")
    assert at.code[0].value.endswith("--dialect excel-fr")
    button.click().run()
    (entry,) = audit_entries(app_env, action="export")
    assert (entry.details["fmt"], entry.details["dialect"]) == ("csv", "excel-fr")
    at.selectbox(key="export_format_progress").set_value("xlsx").run()
    assert len(at.radio) == 0  # the dialect is a CSV choice
    assert t("exports.xlsx_note") in texts(at, "caption")


def test_preview_values_and_filters(app_env: Engine, data: Dataset) -> None:
    at = coordinator_page(app_env, data)
    rows = preview(at)
    lea, evil, idle = str(data.lea), str(data.evil), str(data.idle)  # the preview is text for people
    assert [(r["user_id"], r["module_id"], r["status"]) for r in rows] == [
        (lea, "bases-ia", "Réussi"), (lea, "ethique-ia", "Réussi"),
        (evil, "bases-ia", "En cours"), (evil, "ethique-ia", "Non commencé"),
        (idle, "bases-ia", "Non commencé"), (idle, "ethique-ia", "Non commencé"),
    ]
    assert not any(value in ("None", "nan", "NaT") for row in rows for value in row.values())
    assert rows[4]["completed_at"] == ""  # nothing yet: an empty cell
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[0]["started_at"])  # 10/01/2025 09:50
    assert rows[2]["name"] == INJECTION  # shown as text here; neutralised in the files
    at.selectbox(key="export_cohort").set_value(COHORT).run()
    at.selectbox(key="export_module").set_value("ethique-ia").run()
    assert [(r["user_id"], r["module_id"], r["recorded_score_pct"]) for r in preview(at)] == [
        (str(data.lea), "ethique-ia", "12,5")
    ]
    command = at.code[0].value
    assert command == ("python -m academy export progress --format csv --output "
                       f"{at.download_button(key='export_download').label.removeprefix('Télécharger ')} "
                       "--cohort 'Internes 2025' --module ethique-ia")


def test_pseudonymised_preview_hides_identities(app_env: Engine, data: Dataset) -> None:
    at = coordinator_page(app_env, data)
    at.segmented_control(key="export_kind").set_value("responses").run()
    at.toggle(key="export_pseudonymize").set_value(True).run()
    rows = preview(at)
    assert set(rows[0]) >= {"pseudonym", "profession", "question_id"}
    assert not {"user_id", "name", "email", "rpps"} & set(rows[0])
    assert all(str(r["pseudonym"]).startswith("P-") for r in rows)
    assert "pseudonymized" in at.download_button(key="export_download").label


def test_no_data_says_so(app_env: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ACADEMY_CONTENT_DIR", str(tmp_path / "empty"))
    at = open_page(PAGE, token_for(app_env, "coordinator"))
    assert not at.exception
    assert t("exports.empty") in texts(at, "info")
    assert len(at.dataframe) == 0


@pytest.mark.parametrize("role", ["learner", "trainer"])
def test_other_roles_are_refused(app_env: Engine, role: str) -> None:
    at = open_page(PAGE, token_for(app_env, role))
    assert t("guard.forbidden") in texts(at, "error")
    assert len(at.download_button) == 0 and len(at.dataframe) == 0
