"""Module: overview, objectives and references, then each lesson with mark-as-read and previous/next."""

import streamlit as st

from academy.accounts.roles import SIGNED_IN
from academy.learning import progress
from academy.ui.guard import page
from academy.ui.render import render_blocks
from academy.ui.resources import catalog, engine
from academy.ui.session import rerun_page_unless_signed_in
from academy.ui.survey_form import module_survey
from academy.ui.timing import track_lesson_time
from academy.ui.widgets import hours, lesson_button, page_title, quiz_link

viewer = page("nav.catalogue", roles=SIGNED_IN)
account = viewer.account
cat = catalog()
module = cat.module(st.query_params.get("module", ""))
if module is None:
    st.warning(viewer.t("module.unknown") if "module" in st.query_params else viewer.t("module.choose"),
               icon=":material/help:")
    st.page_link("pages/1_catalogue.py", label=viewer.t("nav.catalogue"), icon=":material/menu_book:")
    st.stop()

lessons = list(module.lessons)
lesson_ids = [lesson.id for lesson in lessons]


@st.fragment
def module_view() -> None:
    """The module's overview or a lesson, with the lesson list. A fragment: opening another lesson, marking
    one as read or moving a figure's slider reruns this part only, not the page's guard and navigation."""
    if not page_running:  # the fragment's own rerun: the guard did not run, check the session first
        rerun_page_unless_signed_in(account.id)
    lesson_id = st.query_params.get("lesson")
    lesson = lessons[lesson_ids.index(lesson_id)] if lesson_id in lesson_ids else None
    track_lesson_time(account.id, module.id, lesson.id if lesson else None)
    states = progress.lesson_states(engine(), account.id, module.id)

    meta = viewer.t("module.meta", level=viewer.t(f"level.{module.level}"), minutes=module.duration_minutes,
                    hours=hours(module.credits_hours))
    if lesson is None:
        page_title(module.title)
        st.caption(meta)
    else:
        position = viewer.t("module.lesson_of", i=lesson_ids.index(lesson.id) + 1, n=len(lessons))
        st.caption(f"{module.title} · {position}")
        page_title(lesson.title)

    # The text first: on a phone the columns stack, and the lesson list comes after the lesson.
    main_col, nav_col = st.columns([3, 1.3], gap="large")
    with nav_col:
        st.markdown(f"**{viewer.t('module.lessons')}**")
        lesson_button(viewer.t("module.overview"), None, icon=":material/home:", place="nav", current=lesson is None)
        for item in lessons:
            done = states.get(item.id) is not None and states[item.id].completed_at is not None
            mark = ":material/check_circle:" if done else ":material/radio_button_unchecked:"
            lesson_button(f"{item.order}. {item.title}", item.id, icon=mark, place="nav", current=item is lesson)
        read = sum(1 for s in states.values() if s.completed_at is not None)
        st.progress(read / len(lessons) if lessons else 0.0,
                    text=viewer.t("module.progress", done=read, total=len(lessons)))
        if module.quiz is not None:
            quiz_link(module, viewer.t("module.take_quiz"))

    with main_col:
        if lesson is None:
            done = progress.module_progress(engine(), account.id)
            missing = [p for p in module.prerequisites if not (p in done and done[p].passed)]
            if missing:
                names = ", ".join(f"« {cat.module(p).title} »" for p in missing if cat.module(p))
                st.info(viewer.t("module.missing_prerequisites", names=names), icon=":material/route:")
            st.markdown(module.summary)
            st.subheader(viewer.t("module.objectives"))
            st.markdown("\n".join(f"{i}. {objective}" for i, objective in enumerate(module.objectives, 1)))
            render_blocks(module.overview)
            if module.quiz is not None and module.quiz.settings.pretest and progress.pretest_open(
                    engine(), account.id, module.id):
                quiz_link(module, viewer.t("module.take_pretest"), kind="pre")
            if lessons:
                lesson_button(f"{lessons[0].order}. {lessons[0].title}", lessons[0].id, icon=":material/arrow_forward:",
                              place="start")
            if module.references:
                with st.expander(viewer.t("module.references")):
                    st.markdown("\n".join(f"- {reference}" for reference in module.references))
            if module.id in done and done[module.id].passed:
                module_survey(account.id, module.id, viewer.locale)
        else:
            index = lesson_ids.index(lesson.id)
            render_blocks(lesson.blocks)
            st.divider()
            state = states.get(lesson.id)
            if state is not None and state.completed_at is not None:
                st.success(viewer.t("module.read"), icon=":material/check_circle:")
            else:  # a callback: it runs before the rerun that draws the lesson as read (one run, not two)
                st.button(viewer.t("module.mark_read"), type="primary", icon=":material/done:",
                          on_click=progress.mark_lesson_complete, args=(engine(), account.id, module.id, lesson.id))
            prev_col, next_col = st.columns(2)
            if index > 0:
                with prev_col:
                    lesson_button(f"{viewer.t('module.previous')} : {lessons[index - 1].title}", lessons[index - 1].id,
                                  icon=":material/arrow_back:", place="previous")
            with next_col:
                if index + 1 < len(lessons):
                    lesson_button(f"{viewer.t('module.next')} : {lessons[index + 1].title}", lessons[index + 1].id,
                                  icon=":material/arrow_forward:", place="next")
                elif module.quiz is not None:
                    quiz_link(module, viewer.t("module.take_quiz"))


page_running = True  # the page's own run has checked the session: the fragment need not, until it ends
module_view()
page_running = False
