"""Home: every lesson of streamlit_app.LESSONS with its one-line summary."""
from pages._ui import _home as home
from streamlit_app import LESSONS

home.render(LESSONS)
