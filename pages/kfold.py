"""Not a page: a link to /<this file's name> as a fresh server's first request lands here, and
the app's navigation takes over (see "ENTRY STUBS" in streamlit_app.py)."""
import streamlit_app

streamlit_app.main()
