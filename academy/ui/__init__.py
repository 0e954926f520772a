"""The Streamlit layer: page guard, navigation, session cookie and renderers."""
