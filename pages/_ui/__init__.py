"""The UI side shared by every page (Streamlit only; no maths here).

- ``state``: language, seed, device, and bounded settings ↔ widgets ↔ URL.
- ``run``: the shared, bounded result cache, live progress, Stop, and the work budget.
- ``warm``: the lessons' default runs computed once at start-up.
- ``memo``: one shared object per distinct call (figures, cheap computations that feed them).
- ``layout``: page header, share link, notices, CSV downloads, code from ``engine/``.
- ``compare``: pins (compare runs on the page and in the link); ``summary``: headline metrics, the
  comparison table, the report.
"""
from pages._ui._layout import LESSON_PARAM, budget_notice, code_from_engine, csv_download, explanation, header, plot, share_link, show_error, table, verdict
from pages._ui._compare import compared
from pages._ui._summary import Metric, metrics
from pages._ui._memo import shared_call
from pages._ui._run import run_cached, shared_cache
from pages._ui._warm import start_warmup
from pages._ui._state import action_button, apply_settings, begin_run, init_language, current_device, current_lang, current_seed, settings_form, sidebar, translator, url_flush, url_notices_done

__all__ = [
    "LESSON_PARAM", "budget_notice", "code_from_engine", "csv_download", "explanation", "header", "plot", "share_link", "show_error",
    "table", "verdict", "Metric", "compared", "metrics",
    "run_cached", "shared_cache", "shared_call", "start_warmup",
    "action_button", "apply_settings", "begin_run", "init_language", "current_device", "current_lang", "current_seed", "settings_form", "sidebar", "translator", "url_flush", "url_notices_done",
]
