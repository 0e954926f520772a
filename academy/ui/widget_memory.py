"""Keep a long session's widget bookkeeping bounded (Streamlit 1.67).

Streamlit drops the *value* of a widget that a run no longer draws, but keeps its *metadata* (its
serialiser, its callback and the callback's arguments) for as long as the session lives. Every quiz attempt
draws widgets with new ids (their keys name the attempt), so a learner who stays in one tab accumulates the
metadata of every widget they ever saw: under the load benchmark's soak, ~30 new objects per learner per
minute and a growing resident size, plus longer and longer full collections (docs/performance.md, "Load").

:func:`forget_stale_widgets` runs at the start of every page (the guard calls it), after Streamlit has
dispatched the callbacks of the interaction: it removes the metadata of widgets that have neither a value
from the browser nor one kept from the last run. Those widgets are not on screen, and a widget drawn again
registers its metadata again. It also drops the stale widgets' entries of the session's key ↔ widget id
map, which Streamlit 1.67 never prunes: dictionaries of strings, invisible to the collector's object
counts, that grew a replica's resident size by ~1 MB a minute under the soak. A widget drawn again maps its
key again. It only touches Streamlit's internals when they look as expected.
"""

from __future__ import annotations

from streamlit.runtime.state.session_state_proxy import get_session_state


def forget_stale_widgets() -> int:
    """Drop the metadata of widgets that are gone; returns how many entries were dropped."""
    try:
        state = get_session_state()._state  # SafeSessionState → SessionState
        widgets = state._new_widget_state
        metadata = widgets.widget_metadata
        alive = set(widgets.states) | set(state._old_state)
        key_to_id = state._key_id_mapper._key_id_mapping
        id_to_key = state._key_id_mapper._id_key_mapping
    except AttributeError:  # another Streamlit version: leave its bookkeeping alone
        return 0
    stale = [widget_id for widget_id in metadata if widget_id not in alive]
    for widget_id in stale:
        metadata.pop(widget_id, None)
    for widget_id in [widget_id for widget_id in id_to_key if widget_id not in alive]:
        key = id_to_key.pop(widget_id)
        if key_to_id.get(key) == widget_id:  # the key may map to a newer widget already
            del key_to_id[key]
    return len(stale)
