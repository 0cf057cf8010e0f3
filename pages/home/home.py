"""Home: every lesson of streamlit_app.LESSONS with its one-line summary."""
from pages._ui import home
from streamlit_app import LESSONS

home.render(LESSONS)
