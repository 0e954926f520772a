"""The trainer studio's sections (pages/6_studio.py): content health, preview and publication, edit with
versions, upload, exports.

Every section reads one :class:`StudioContext`, built once per run by :func:`studio_context`; the button
callbacks receive it through their ``args``, so they act on the run that drew the button. The Studio works
on the working copy (every module's newest version: its draft when it has one); learners only ever get
what « Publier » published. Destructive actions (restore, discard a draft, drop one's edits, install an
upload) need a ticked confirmation first.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import streamlit as st
from sqlalchemy import Engine

from academy.content import gift, repository, studio, zones
from academy.content.catalog import Catalog, Module, Problem
from quiz import Question

from . import text_editor
from .guard import Viewer
from .quiz_view import question_input, question_stem, stem_text
from .render import render_blocks, render_markdown
from .resources import engine, working_catalog
from .widgets import hours, tcs_panel_caption

_ICONS = {True: ":green[:material/check_circle:]", False: ":red[:material/cancel:]", None: ":material/drag_indicator:"}
_FLASH = "studio_flash"
_UPLOAD_CHECK = "studio_upload_check"


@dataclass(frozen=True)
class StudioContext:
    """What the studio's sections read: the viewer, the working copy's modules, the editable ones and their
    versions in the store (head and published)."""

    viewer: Viewer
    engine: Engine
    root: Path  # where the working copy is materialised (problem lines are shown without it)
    catalog: Catalog
    modules: dict[str, Module]
    editable: list[str]
    refs: dict[str, repository.ModuleRef]

    @property
    def locale(self) -> str:
        """The viewer's locale (`fr` or `en`)."""
        return self.viewer.locale

    def t(self, key: str, **values: object) -> str:
        """The interface string `key` in the viewer's locale."""
        return self.viewer.t(key, **values)

    def label(self, folder: str) -> str:
        """A module's folder and title, flagged when it has problems or an unpublished draft."""
        module = self.modules[folder]
        flag = "" if module.valid else f" · {self.t('studio.invalid')}"
        ref = self.refs.get(folder)
        if ref is not None and ref.has_draft:
            flag += f" · {self.t('studio.draft_flag')}"
        return f"{folder} — {module.title}{flag}"

    def publication(self, folder: str) -> str:
        """A module's publication status: published, draft (of a published module) or never published."""
        ref = self.refs.get(folder)
        if ref is None or not ref.has_draft:
            return self.t("studio.status_published")
        return self.t("studio.status_draft" if ref.published_version_id else "studio.status_unpublished")


def studio_context(viewer: Viewer) -> StudioContext:
    """The studio's context for this run: the working copy and its modules, by folder name."""
    cat = working_catalog()
    modules = {module.folder.name: module for module in cat.all_modules}
    editable = [name for name in modules if studio.is_module_folder_name(name)]
    refs = {ref.folder: ref for ref in repository.modules(engine())}
    return StudioContext(viewer, engine(), cat.root, cat, modules, editable, refs)


def problem_text(problem: Problem, locale: str, root: Path | None = None) -> str:
    """A problem as `python -m academy check` prints it, in `locale`, its file shown from its module folder."""
    return studio.without_server_paths(problem.render(locale), root or working_catalog().root)


def show_problems(problems: Sequence[Problem], locale: str, root: Path | None = None) -> None:
    """Problems as `python -m academy check` prints them, files shown from their module folder."""
    st.code("\n".join(problem_text(problem, locale, root) for problem in problems), language=None,
            wrap_lines=True)


def _flash(kind: str, text: str, problems: Sequence[Problem] = ()) -> None:
    """A message shown at the top of the next run of the page."""
    st.session_state[_FLASH] = {"kind": kind, "text": text, "problems": list(problems)}


def show_flash(locale: str) -> None:
    """The message left by the last button callback, if any."""
    message = st.session_state.pop(_FLASH, None)
    if message is not None:
        draw = {"success": st.success, "error": st.error, "info": st.info}[message["kind"]]
        draw(message["text"], icon=":material/info:" if message["kind"] == "info" else None)
        if message["problems"]:
            show_problems(message["problems"], locale)


def open_link(ctx: StudioContext) -> bool:
    """Open the file a link such as ?module=ID&file=quiz.md (from Item analysis) names in the editor, once.

    True when this run opened it: the page then shows the edit tab first.
    """
    linked = (st.query_params.get("module"), st.query_params.get("file"))
    linked_folder = next((m.folder.name for m in ctx.catalog.all_modules if m.id == linked[0]), None)
    opened_from_link = linked_folder in ctx.editable and st.session_state.get("studio_link") != linked
    if opened_from_link:
        st.session_state["studio_link"] = linked
        st.session_state["edit_module"] = linked_folder
        if linked[1] in studio.module_files(ctx.engine, linked_folder):
            st.session_state[f"edit_file:{linked_folder}"] = linked[1]
    return opened_from_link


# --- content health ----------------------------------------------------------------------------------


def content_health(ctx: StudioContext) -> None:
    """Every module with its status and counts, then every problem of the content folder."""
    t = ctx.t
    health = studio.module_health(ctx.catalog)
    problems = ctx.catalog.problems
    st.caption(t("studio.health_summary", modules=len(health), valid=sum(h.valid for h in health),
                 problems=len(problems)))
    st.dataframe(pd.DataFrame([{
        t("studio.col_folder"): h.folder,
        t("studio.col_title"): h.title,
        t("studio.col_status"): t("studio.valid") if h.valid else t("studio.invalid"),
        t("studio.col_publication"): ctx.publication(h.folder),
        t("studio.col_problems"): h.problems,
        t("studio.col_lessons"): h.lessons,
        t("studio.col_questions"): h.questions,
    } for h in health]), hide_index=True, width="stretch")
    if problems:
        st.error(t("studio.problems_found", n=len(problems)), icon=":material/error:")
        show_problems(problems, ctx.locale, ctx.root)
    else:
        st.success(t("studio.no_problem"), icon=":material/check_circle:")
    warnings = ctx.catalog.warnings
    if warnings:
        st.warning(t("studio.warnings_found", n=len(warnings)), icon=":material/spellcheck:")
        show_problems(warnings, ctx.locale, ctx.root)


# --- preview -----------------------------------------------------------------------------------------


def _module_problems(ctx: StudioContext, module: Module) -> None:
    """A module's problems, when it has any."""
    if module.problems:
        st.warning(ctx.t("studio.module_invalid", n=len(module.problems)), icon=":material/warning:")
        show_problems(module.problems, ctx.locale, ctx.root)
    if module.warnings:
        st.info(ctx.t("studio.module_warnings", n=len(module.warnings)), icon=":material/spellcheck:")
        show_problems(module.warnings, ctx.locale, ctx.root)


def preview_tab(ctx: StudioContext) -> None:
    """A module as learners see it (lessons, quiz widgets), as trainers see its quiz, and its coverage."""
    t = ctx.t
    if not ctx.modules:
        st.info(t("studio.no_module"))
        return
    folder = st.selectbox(t("studio.module"), list(ctx.modules), format_func=ctx.label, key="preview_module",
                          placeholder=t("choose.one"))
    module = ctx.modules[folder]
    publication_panel(ctx, folder)
    _module_problems(ctx, module)
    views = ["lessons", "learner_quiz", "trainer_quiz", "coverage"]
    view = st.radio(t("studio.view"), views, format_func=lambda v: t(f"studio.view_{v}"), horizontal=True,
                    key="preview_view")
    if view == "lessons":
        show_module(ctx, module)
    elif module.quiz is None:
        st.info(t("studio.no_quiz"), icon=":material/quiz:")
    elif view == "learner_quiz":
        show_learner_quiz(ctx, module, preview_id=-1 - list(ctx.modules).index(folder))
    elif view == "trainer_quiz":
        show_trainer_quiz(ctx, module)
    else:
        show_coverage(ctx, module)


def show_module(ctx: StudioContext, module: Module) -> None:
    """The module's overview or one lesson, drawn like pages/2_module.py."""
    t = ctx.t
    sections = ["", *(lesson.id for lesson in module.lessons)]
    titles = {lesson.id: f"{lesson.order}. {lesson.title}" for lesson in module.lessons}
    section = st.selectbox(t("studio.section"), sections, key=f"preview_section:{module.folder.name}",
                           format_func=lambda s: titles.get(s, t("module.overview")), placeholder=t("choose.one"))
    st.title(module.title)
    level = t(f"level.{module.level}") if module.level else "—"
    st.caption(t("module.meta", level=level, minutes=module.duration_minutes, hours=hours(module.credits_hours)))
    if not section:
        st.markdown(module.summary)
        st.subheader(t("module.objectives"))
        st.markdown("\n".join(f"{i}. {objective}" for i, objective in enumerate(module.objectives, 1)))
        render_blocks(module.overview)
        if module.references:
            with st.expander(t("module.references")):
                st.markdown("\n".join(f"- {reference}" for reference in module.references))
        return
    lesson = module.lesson(section)
    index = module.lessons.index(lesson)
    st.caption(t("module.lesson_of", i=index + 1, n=len(module.lessons)))
    st.header(lesson.title)
    render_blocks(lesson.blocks)


def _numbered_questions(ctx: StudioContext, module: Module) -> Iterator[tuple[int, Question]]:
    """The quiz's questions numbered from 1; a case's title and vignette are drawn before its first question."""
    qz = module.quiz
    cases = {case.id: case for case in qz.cases}
    shown_case = None
    for number, question in enumerate(qz.questions, 1):
        if question.case and question.case != shown_case:
            shown_case = question.case
            st.subheader(f"{ctx.t('quiz.case')} : {cases[question.case].title}")
            render_markdown(cases[question.case].vignette, module.folder)
        yield number, question


def show_learner_quiz(ctx: StudioContext, module: Module, preview_id: int) -> None:
    """Every question with the learner's widgets (answers are not recorded)."""
    locale = ctx.viewer.locale
    st.info(ctx.t("studio.learner_preview_note"), icon=":material/visibility:")
    layout = studio.preview_layout(module.quiz)
    for number, question in _numbered_questions(ctx, module):
        with st.container(border=True):
            question_stem(question, number, module.folder, locale)
            tcs_panel_caption(question, module.quiz.settings.panel_source, locale)
            question_input(question, attempt_id=preview_id, order=layout["options"].get(question.id, []),
                           rights=layout["rights"].get(question.id, []), saved=None, locale=locale,
                           save=lambda *_: None, base_dir=module.folder)


def show_trainer_quiz(ctx: StudioContext, module: Module) -> None:
    """Every question with its answer key, option feedback, explanation, points and objective."""
    t = ctx.t
    qz = module.quiz
    settings = qz.settings
    pass_mark = settings.pass_mark if settings.pass_mark is not None else module.pass_mark
    st.caption(t("studio.quiz_settings", n=len(qz.questions), pass_mark=round(pass_mark * 100),
                 draw=settings.draw or len(qz.questions), attempts=settings.max_attempts or "∞"))
    for number, question in _numbered_questions(ctx, module):
        with st.container(border=True):
            st.markdown(f"**{t('quiz.question_n', i=number)} · {question.title}** `{question.id}`")
            st.caption(t("studio.question_meta", type=t(f"studio.type.{question.type}"),
                         points=gift.format_number(question.points), tags=", ".join(question.tags) or "—"))
            objective = question.objective
            if objective is None:
                st.warning(t("studio.no_objective_question"), icon=":material/target:")
            elif objective > len(module.objectives):
                st.error(t("studio.objective_out_of_range", n=objective, count=len(module.objectives)),
                         icon=":material/target:")
            else:
                st.markdown(t("studio.tests_objective", n=objective, text=module.objectives[objective - 1]))
            stem = stem_text(question)
            if stem.strip() and stem.strip() != question.title.strip():
                render_markdown(stem, module.folder)
            if question.type == "zone":
                try:
                    st.image(zones.drawing(question, module.folder, show_zones=True), width="content",
                             caption=t("studio.zone_caption"))
                except ValueError:  # reported by the checker (zone.image_unreadable)
                    st.error(t("attempt.zone_missing"), icon=":material/broken_image:")
            tcs_panel_caption(question, settings.panel_source, ctx.viewer.locale)
            for line in studio.answer_key(question):
                note = f" · *{t(f'studio.note.{line.note}', panel=line.panel)}*" if line.note else ""
                st.markdown(f"{_ICONS[line.correct]} {line.text}{note}")
                if line.feedback.strip():
                    st.caption(t("studio.option_feedback", text=line.feedback.strip()))
            if question.explanation.strip():
                with st.container(border=True):
                    st.caption(t("quiz.explanation"))
                    render_markdown(question.explanation, module.folder)


def show_coverage(ctx: StudioContext, module: Module) -> None:
    """Objectives × questions, and the objectives no question assesses."""
    t = ctx.t
    table = studio.coverage(module, unassigned_label=t("studio.no_objective"))
    uncovered = [name for name, count in table["questions"].items()
                 if count == 0 and name != t("studio.no_objective")]
    shown = table.rename(columns={"questions": t("studio.col_questions"), "points": t("studio.col_points")})
    st.dataframe(shown.map(lambda value: "" if pd.isna(value) else gift.format_number(value)), width="stretch")
    if uncovered:
        st.warning(t("studio.uncovered", names=" ; ".join(uncovered)), icon=":material/target:")
    elif module.objectives:
        st.success(t("studio.all_covered"), icon=":material/check_circle:")


# --- publication -------------------------------------------------------------------------------------


def _version_line(ctx: StudioContext, version: repository.VersionInfo) -> str:
    """« version 12 · Claire Martin · 05/12/2026 14:03 (heure de Paris) · message »."""
    author = version.author or ctx.t("studio.no_author")
    text = ctx.t("studio.version_line", id=version.id, author=author, at=studio.local_time(version.created_at))
    return f"{text} · « {version.message} »" if version.message else text


def _publish_check(ctx: StudioContext, ref: repository.ModuleRef) -> studio.PublishCheck:
    """The draft's check against the published curriculum, kept while neither changes (this session)."""
    key = (ref.folder, ref.head_version_id, repository.current_state(ctx.engine).published_serial)
    cached = st.session_state.get("studio_publish_check")
    if cached is None or cached[0] != key:
        cached = (key, studio.publish_check(ctx.engine, ref.folder))
        st.session_state["studio_publish_check"] = cached
    return cached[1]


def publication_panel(ctx: StudioContext, folder: str) -> None:
    """What learners get of this module, and its draft: the check, « Publier » and « Abandonner le brouillon »."""
    t = ctx.t
    ref = ctx.refs.get(folder)
    if ref is None:
        return
    if not ref.has_draft:
        published = repository.version(ctx.engine, ref.head_version_id)
        st.caption(t("studio.showing_published", version=_version_line(ctx, published)))
        return
    check = _publish_check(ctx, ref)
    with st.container(border=True):
        st.info(t("studio.showing_draft", version=_version_line(ctx, check.draft)), icon=":material/edit_note:")
        if ref.published_version_id is None:
            st.caption(t("studio.never_published"))
        elif check.changed:
            st.caption(t("studio.draft_changes", files=", ".join(check.changed)))
        if check.problems:
            st.error(t("studio.publish_blocked", n=len(check.problems)), icon=":material/block:")
            show_problems(check.problems, ctx.locale, ctx.root)
        publish_col, discard_col = st.columns(2)
        publish_col.button(t("studio.publish"), icon=":material/publish:", type="primary", key="publish",
                           disabled=bool(check.problems), on_click=_publish, args=(ctx, folder, ref.head_version_id))
        confirmed = discard_col.checkbox(t("studio.discard_confirm"), key=f"discard_confirm:{folder}")
        discard_col.button(t("studio.discard"), icon=":material/delete:", key="discard", disabled=not confirmed,
                           on_click=_discard, args=(ctx, folder, ref.head_version_id))


def _publish(ctx: StudioContext, folder: str, version_id: int) -> None:
    """Publish the draft the trainer previewed (button callback)."""
    t = ctx.t
    result = studio.publish(ctx.engine, folder, version_id=version_id, actor_id=ctx.viewer.account.id)
    if result.published:
        _flash("success", t("studio.published", folder=folder, id=version_id))
    elif result.status == studio.INVALID:
        _flash("error", t("studio.publish_blocked", n=len(result.problems)), result.problems)
    elif result.status == studio.CONFLICT:
        _flash("error", t("studio.publish_conflict"))
    else:
        _flash("info", t("studio.already_published"))


def _discard(ctx: StudioContext, folder: str, version_id: int) -> None:
    """Throw the draft away, after its confirmation (button callback)."""
    st.session_state.pop(f"discard_confirm:{folder}", None)
    if studio.discard_draft(ctx.engine, folder, version_id=version_id, actor_id=ctx.viewer.account.id):
        _flash("success", ctx.t("studio.discarded", folder=folder))
    else:
        _flash("error", ctx.t("studio.publish_conflict"))


# --- edit --------------------------------------------------------------------------------------------


def show_edit_preview(ctx: StudioContext, folder: str, filename: str, text: str, check: studio.EditCheck) -> None:
    """The lint result of the edited text, then the file as learners (or, for a quiz, trainers) see it."""
    t = ctx.t
    if check.new_problems:
        st.error(t("studio.check_refused", n=len(check.new_problems)), icon=":material/error:")
        show_problems(check.new_problems, ctx.locale, ctx.root)
    elif check.problems:
        st.warning(t("studio.check_still_invalid", n=len(check.problems)), icon=":material/warning:")
        show_problems(check.problems, ctx.locale, ctx.root)
    else:
        st.success(t("studio.check_ok"), icon=":material/check_circle:")
    with st.container(border=True):
        st.caption(t("studio.preview_of", file=filename))
        if filename == "quiz.md":
            if check.module.quiz is not None:
                show_trainer_quiz(ctx, check.module)
        else:
            live = ctx.modules[folder].folder
            if filename == "module.md":
                st.title(check.module.title)
                st.markdown(check.module.summary)
            render_blocks(studio.preview_blocks(text, live), scope="edit")


def _keys(folder: str, filename: str) -> tuple[str, str, str]:
    """Session keys of the editor's text, of the version it was opened from, and of the text as opened."""
    return f"editor:{folder}:{filename}", f"editor_base:{folder}:{filename}", f"editor_opened:{folder}:{filename}"


def _checked(folder: str, filename: str) -> str:
    """Session key of the last check of the editor's text: (hash of the text checked, its problems)."""
    return f"editor_check:{folder}:{filename}"


def _save(ctx: StudioContext, folder: str, filename: str) -> None:
    """Save the editor's text as a draft (button callback)."""
    t = ctx.t
    text_key, base_key, opened_key = _keys(folder, filename)
    text_editor.sync(text_key)
    text = st.session_state[text_key]
    try:
        result = studio.save_file(ctx.engine, folder, filename, text, base_version=st.session_state[base_key],
                                  actor_id=ctx.viewer.account.id, message=st.session_state.get("edit_message", ""))
    except studio.StudioError as err:
        _flash("error", err.message(ctx.viewer.locale))
        return
    if result.status == studio.SAVED:
        st.session_state[base_key] = result.version.id
        st.session_state[opened_key] = studio.text_hash(text)
        st.session_state["edit_message"] = ""
        st.session_state.pop(_checked(folder, filename), None)
        _flash("success", t("studio.saved", file=filename), result.problems)
    elif result.status == studio.UNCHANGED:
        _flash("info", t("studio.unchanged"))
    elif result.status == studio.CONFLICT:
        _flash("error", t("studio.conflict"))
    else:
        st.session_state[_checked(folder, filename)] = (studio.text_hash(text), result.problems)
        _flash("error", t("studio.save_refused", n=len(result.new_problems)), result.new_problems)


def _load(ctx: StudioContext, folder: str, filename: str) -> None:
    """Put the file as it is in the module's newest version into the editor."""
    text_key, base_key, opened_key = _keys(folder, filename)
    ref = studio.module_ref(ctx.engine, folder)
    text = studio.read_file(ctx.engine, folder, filename, version_id=ref.head_version_id)
    text_editor.replace(text_key, text)
    st.session_state.pop(_checked(folder, filename), None)
    st.session_state[base_key] = ref.head_version_id
    st.session_state[opened_key] = studio.text_hash(text)


def _reload(ctx: StudioContext, folder: str, filename: str) -> None:
    """Drop the edits and load the file as it is now, after its confirmation (button callback)."""
    st.session_state.pop(f"reload_confirm:{folder}:{filename}", None)
    _load(ctx, folder, filename)


def _restore(ctx: StudioContext, folder: str, filename: str, version_id: int, whole: bool) -> None:
    """Make a draft of a kept version (of this file, or of the whole module), after its confirmation."""
    t = ctx.t
    st.session_state.pop("restore_confirm", None)
    _, base_key, _ = _keys(folder, filename)
    try:
        result = studio.restore_version(ctx.engine, folder, version_id, None if whole else filename,
                                        base_version=st.session_state[base_key], actor_id=ctx.viewer.account.id)
    except studio.StudioError as err:
        _flash("error", err.message(ctx.viewer.locale))
        return
    if result.status == studio.SAVED:
        _load(ctx, folder, filename)
        _flash("success", t("studio.restored", id=version_id), result.problems)
    elif result.status == studio.UNCHANGED:
        _flash("info", t("studio.unchanged"))
    elif result.status == studio.CONFLICT:
        _flash("error", t("studio.conflict"))
    else:
        _flash("error", t("studio.restore_refused", n=len(result.new_problems)), result.new_problems)


def edit_tab(ctx: StudioContext) -> None:
    """The editor of one file of a module: check, save as a draft, then the module's versions with a diff and
    restore."""
    t = ctx.t
    if not ctx.editable:
        st.info(t("studio.no_module"))
        return
    folder = st.selectbox(t("studio.module"), ctx.editable, format_func=ctx.label, key="edit_module",
                          placeholder=t("choose.one"))
    files = studio.module_files(ctx.engine, folder)
    filename = st.selectbox(t("studio.file"), files, key=f"edit_file:{folder}", placeholder=t("choose.one"))
    current = studio.read_file(ctx.engine, folder, filename)
    text_key, _, opened_key = _keys(folder, filename)
    if text_key not in st.session_state:
        _load(ctx, folder, filename)
    _module_problems(ctx, ctx.modules[folder])
    if st.session_state[opened_key] != studio.text_hash(current):
        st.warning(t("studio.changed_on_disk"), icon=":material/sync_problem:")
        confirmed = st.checkbox(t("studio.reload_confirm"), key=f"reload_confirm:{folder}:{filename}")
        st.button(t("studio.reload"), icon=":material/refresh:", on_click=_reload, args=(ctx, folder, filename),
                  disabled=not confirmed, key="edit_reload")
    marked = _file_problems(ctx, folder, filename)
    text = text_editor.text_editor(text_key, t("studio.editor", file=filename),
                                   [(p.line, p.severity, p.text(ctx.locale)) for p in marked])
    problem_list = st.container()
    st.text_input(t("studio.message"), key="edit_message", max_chars=studio.MAX_MESSAGE_LENGTH,
                  placeholder=t("studio.message_placeholder"))
    check_col, save_col, _ = st.columns([1, 2, 2])
    checking = check_col.button(t("studio.check"), icon=":material/fact_check:", key="edit_check")
    save_col.button(t("studio.save"), icon=":material/save:", type="primary", key="edit_save", on_click=_save,
                    args=(ctx, folder, filename))
    if checking:
        try:
            check = studio.check_file(ctx.engine, folder, filename, text)
        except studio.StudioError as err:
            st.error(err.message(ctx.viewer.locale), icon=":material/error:")
        else:
            st.session_state[_checked(folder, filename)] = (studio.text_hash(text), (*check.problems, *check.warnings))
            marked = _file_problems(ctx, folder, filename)
            show_edit_preview(ctx, folder, filename, text, check)
    with problem_list:
        _problem_buttons(ctx, text_key, marked)
    versions(ctx, folder, filename, current)


def _file_problems(ctx: StudioContext, folder: str, filename: str) -> list[Problem]:
    """The problems of the edited file: those of its last check while the text is the one checked, else the
    module's as it is stored."""
    text_key = _keys(folder, filename)[0]
    checked = st.session_state.get(_checked(folder, filename))
    if checked is not None and checked[0] == studio.text_hash(st.session_state[text_key]):
        problems = checked[1]
    else:
        problems = (*ctx.modules[folder].problems, *ctx.modules[folder].warnings)
    return [problem for problem in problems if problem.path.endswith(f"/{filename}")]


def _problem_buttons(ctx: StudioContext, text_key: str, problems: list[Problem]) -> None:
    """The edited file's problems, each a button that moves the editor's cursor to its line."""
    if not problems:
        return
    st.caption(ctx.t("studio.problem_list", n=len(problems)))
    for index, problem in enumerate(problems):
        icon = ":material/warning:" if problem.severity == "warning" else ":material/error:"
        label = ctx.t("studio.problem_at_line", line=problem.line, message=problem.text(ctx.locale))
        st.button(label, key=f"goto:{index}", icon=icon, type="tertiary", on_click=text_editor.go_to_line,
                  args=(text_key, problem.line), help=ctx.t("studio.go_to_line_help"))


def _action(ctx: StudioContext, version: repository.VersionInfo) -> str:
    if version.action == "restore" and version.source_version_id:
        return ctx.t("studio.action.restore_of", id=version.source_version_id)
    return ctx.t(f"studio.action.{version.action}")


def versions(ctx: StudioContext, folder: str, filename: str, current: str) -> None:
    """The module's versions (author, Paris time, message, files); one's difference with this file; restore."""
    t = ctx.t
    kept = studio.history(ctx.engine, folder)
    st.subheader(t("studio.versions"))
    st.dataframe(pd.DataFrame([{
        t("studio.col_version"): version.id,
        t("studio.col_version_status"): t(f"studio.version_status.{version.status}"),
        t("studio.col_action"): _action(ctx, version),
        t("studio.col_author"): version.author or t("studio.no_author"),
        t("studio.col_at"): studio.local_time(version.created_at),
        t("studio.col_message"): version.message,
        t("studio.col_files"): ", ".join(version.changed),
    } for version in kept]), hide_index=True, width="stretch")
    head = ctx.refs[folder].head_version_id if folder in ctx.refs else None
    older = [version for version in kept if version.id != head]  # a discarded draft can be restored too
    if not older:
        st.caption(t("studio.no_version"))
        return
    version = st.selectbox(t("studio.version"), older, key=f"version:{folder}:{filename}",
                           format_func=lambda v: _version_line(ctx, v), placeholder=t("choose.one"))
    old = studio.read_version(ctx.engine, folder, version.id, filename)
    if old is None:
        st.caption(t("studio.file_absent", file=filename))
    elif filename.endswith(".md"):
        difference = studio.diff_text(old.decode("utf-8", errors="replace"), current, filename)
        st.code(difference or t("studio.same_as_current"), language="diff")
    scope = st.radio(t("studio.restore_scope"), ["file", "module"], horizontal=True, key="restore_scope",
                     format_func=lambda value: t(f"studio.restore_scope.{value}", file=filename))
    confirmed = st.checkbox(t("studio.restore_confirm", id=version.id), key="restore_confirm")
    st.button(t("studio.restore"), icon=":material/history:", key="restore_version", on_click=_restore,
              disabled=not confirmed, args=(ctx, folder, filename, version.id, scope == "module"))


# --- upload ------------------------------------------------------------------------------------------


def _install(ctx: StudioContext, target: str) -> None:
    """Install the uploaded archive (button callback)."""
    uploaded = st.session_state.get("studio_upload")
    if uploaded is None:
        return
    cached = st.session_state.get(_UPLOAD_CHECK)
    base_version = cached[1].base_version if cached is not None and cached[1] is not None else None
    try:
        result = studio.install_upload(uploaded.getvalue(), ctx.engine, target=target or None,
                                       base_version=base_version, actor_id=ctx.viewer.account.id)
    except studio.StudioError as err:
        _flash("error", err.message(ctx.viewer.locale))
        return
    st.session_state.pop(_UPLOAD_CHECK, None)
    st.session_state.pop("upload_confirm", None)
    if result.installed:
        _flash("success", ctx.t("studio.installed", folder=result.check.folder))
    elif result.status == studio.CONFLICT:
        _flash("error", ctx.t("studio.upload_conflict", folder=result.check.folder))
    elif result.status == studio.UNCHANGED:
        _flash("info", ctx.t("studio.unchanged"))
    else:
        _flash("error", ctx.t("studio.upload_refused"), result.check.problems)


def upload_tab(ctx: StudioContext) -> None:
    """A module's zip archive: its limits, its check (kept while the file and target stay), then install."""
    t = ctx.t
    locale = ctx.viewer.locale
    st.markdown(t("studio.upload_help", size=studio.DEFAULT_LIMITS.archive_bytes // studio.MB,
                  total=studio.DEFAULT_LIMITS.total_bytes // studio.MB, files=studio.DEFAULT_LIMITS.files,
                  types=" ".join(studio.ALLOWED_EXTENSIONS)))
    uploaded = st.file_uploader(t("studio.upload_label"), type=["zip"], key="studio_upload",
                                max_upload_size=2 * studio.DEFAULT_LIMITS.archive_bytes // studio.MB)
    target = st.text_input(t("studio.upload_target"), key="upload_target", help=t("studio.upload_target_help"),
                           max_chars=80).strip()
    if uploaded is None:
        return
    data = uploaded.getvalue()
    signature = (hashlib.sha256(data).hexdigest(), target)
    cached = st.session_state.get(_UPLOAD_CHECK)
    if cached is None or cached[0] != signature:
        try:
            cached = (signature, studio.validate_upload(data, ctx.engine, target or None))
        except studio.StudioError as err:
            cached = (signature, None)
            st.error(err.message(locale), icon=":material/error:")
        st.session_state[_UPLOAD_CHECK] = cached
    check = cached[1]
    if check is not None and check.refusals:
        st.error(t("studio.upload_refused"), icon=":material/block:")
        st.markdown("\n".join(f"- {refusal.message(locale)}" for refusal in check.refusals))
    elif check is not None and check.problems:
        st.error(t("studio.upload_invalid", n=len(check.problems)), icon=":material/error:")
        show_problems(check.problems, ctx.locale, ctx.root)
    elif check is not None:
        key = "studio.upload_replaces" if check.replaces else "studio.upload_new"
        st.success(t(key, folder=check.folder, title=check.title, n=len(check.files)),
                   icon=":material/check_circle:")
        confirmed = st.checkbox(t("studio.upload_confirm", folder=check.folder), key="upload_confirm")
        st.button(t("studio.install"), icon=":material/upload:", type="primary", disabled=not confirmed,
                  on_click=_install, args=(ctx, target), key="upload_install")


# --- exports -----------------------------------------------------------------------------------------


def downloads(ctx: StudioContext) -> None:
    """A module's quiz as GIFT (with the questions GIFT cannot hold) and as CSV, and the module's zip."""
    t = ctx.t
    with_quiz = [name for name, module in ctx.modules.items() if module.quiz is not None]
    if not with_quiz:
        st.info(t("studio.no_module"))
        return
    folder = st.selectbox(t("studio.module"), with_quiz, format_func=ctx.label, key="export_module",
                          placeholder=t("choose.one"))
    module = ctx.modules[folder]
    gift_bytes, skipped = gift.gift_file(module)  # the same bytes as `python -m academy gift`
    st.download_button(t("studio.download_gift"), gift_bytes, file_name=gift.gift_file_name(module),
                       mime="text/plain", icon=":material/download:", on_click="ignore")
    if skipped:
        st.warning(t("studio.gift_skipped", n=len(skipped)), icon=":material/warning:")
        st.dataframe(pd.DataFrame([{t("studio.col_question"): question_id,
                                    t("studio.col_reason"): t(f"studio.gift_skip.{reason}")}
                                   for question_id, reason in skipped]), hide_index=True, width="stretch")
    st.download_button(t("studio.download_items"), gift.quiz_items_csv(module).encode("utf-8-sig"),
                       file_name=f"{module.id}-items.csv", mime="text/csv", icon=":material/download:",
                       on_click="ignore")
    if folder in ctx.editable:
        st.download_button(t("studio.download_zip"), studio.module_zip(ctx.engine, folder), file_name=f"{folder}.zip",
                           mime="application/zip", icon=":material/folder_zip:", on_click="ignore")
