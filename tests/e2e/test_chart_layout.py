"""Every page's charts, as the browser draws them, at the default settings and at both ends of every
slider (and in 中文): each legend lies inside its figure, no title is cut, no axis title overlaps its
tick labels, no tick label is cut. Checked on the DOM boxes of Plotly's SVG, so what is checked is
what the student sees; screenshots of every page go to ``test-results/chart-layout/`` for a person
to look at.

The extreme links are made the way a student could make them: the page's own share link, with every
setting it carries set to ``1e308`` (clamped to each field's maximum) or ``-1e308`` (its minimum).

Cheap enough for CI on 2 cores: the layout needs the charts, not trained models, so the pages are
served by a server of this module whose runs stop after ``WALL_S`` seconds (``DEEPDIVE_MAX_SECONDS``,
honoured by ``pages/_ui/_run.py``; a capped run draws what it trained and says so), and one tab
visits every link.
"""
from __future__ import annotations

import re

from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.e2e.conftest import HAVE_CHROMIUM, SKIP_REASON
from tests.e2e.server import StreamlitServer
from tests.e2e.test_browser import CHART, LESSONS, open_app, query, stem

pytestmark = [pytest.mark.e2e, pytest.mark.skipif(not HAVE_CHROMIUM, reason=SKIP_REASON)]

WALL_S = "2"        # seconds a run may train on this module's server
SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "chart-layout"

# For every drawn Plotly figure: the boxes (viewport px) of the figure, legend, titles, tick labels.
# Plotly names axis titles `xtitle`, `x2title`, `ytitle`, ... and the tick groups `xtick`, `x2tick`, ...
LAYOUT_JS = r"""() => {
  const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  const visible = el => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0
                          && (el.textContent || '').trim() !== '' || el.classList.contains('legend'); };
  return [...document.querySelectorAll('%CHART% .js-plotly-plot')].map((plot, i) => {
    const fig = plot.querySelector('.svg-container');
    const one = sel => [...plot.querySelectorAll(sel)].filter(visible).map(el => ({
      cls: el.getAttribute('class'), text: (el.textContent || '').slice(0, 60), box: box(el)}));
    const axes = {};
    for (const t of plot.querySelectorAll('text[class$="title"]')) {
      const m = /^([xy]\d*)title$/.exec(t.getAttribute('class') || '');
      if (!m || !visible(t)) continue;
      const ticks = [...plot.querySelectorAll(`g.${m[1]}tick text`)].filter(visible).map(e => ({text: e.textContent, box: box(e)}));
      axes[m[1]] = {title: {text: t.textContent.slice(0, 60), box: box(t)}, ticks};
    }
    return {i, fig: box(fig), legends: one('.legend'), titles: one('.gtitle, .gtitle-subtitle'), axes,
            annotations: one('.annotation-text-g text'),
            colorbars: one('.cbtitle text, .colorbar .cbaxis text')};
  });
}""".replace("%CHART%", CHART)

MAIN_HEIGHT_JS = """() => { const m = document.querySelector('[data-testid="stMain"]');
  return m ? Math.ceil(m.scrollHeight) : 0; }"""
TOL = 1.5          # px: anti-aliasing and sub-pixel text boxes


def inside(inner, outer) -> bool:
    return (inner[0] >= outer[0] - TOL and inner[1] >= outer[1] - TOL
            and inner[2] <= outer[2] + TOL and inner[3] <= outer[3] + TOL)


def overlap(a, b) -> bool:
    return min(a[2], b[2]) - max(a[0], b[0]) > TOL and min(a[3], b[3]) - max(a[1], b[1]) > TOL


def layout_problems(charts: list[dict]) -> list[str]:
    out = []
    for c in charts:
        fig = c["fig"]
        for lg in c["legends"]:
            if not inside(lg["box"], fig):
                out.append(f"chart {c['i']}: legend {lg['box']} outside the figure {fig}")
        for t in c["titles"]:
            if not inside(t["box"], fig):
                out.append(f"chart {c['i']}: title {t['text']!r} cut ({t['box']} vs {fig})")
            for other in c["legends"] + c.get("annotations", []):
                if overlap(t["box"], other["box"]):
                    out.append(f"chart {c['i']}: {other['text'] or 'the legend'!r} covers the title {t['text']!r}")
        for name, ax in c["axes"].items():
            if not inside(ax["title"]["box"], fig):
                out.append(f"chart {c['i']}: {name} axis title {ax['title']['text']!r} cut")
            for tick in ax["ticks"]:
                if overlap(ax["title"]["box"], tick["box"]):
                    out.append(f"chart {c['i']}: {name} axis title {ax['title']['text']!r} overlaps tick {tick['text']!r}")
                    break
            for lg in c["legends"]:
                if overlap(ax["title"]["box"], lg["box"]):
                    out.append(f"chart {c['i']}: the legend covers the {name} axis title {ax['title']['text']!r}")
            # plotly writes 10⁻⁴ as "10", a zero-width space, then the exponent
            texts = [t["text"] for t in ax["ticks"]]
            if any(t.startswith("10\u200b") for t in texts) and any(re.fullmatch(r"[2-9]", t) for t in texts):
                out.append(f"chart {c['i']}: {name} log axis labels minor ticks with bare digits {texts}")
            for tick in ax["ticks"]:
                if not inside(tick["box"], fig):
                    out.append(f"chart {c['i']}: {name} tick label {tick['text']!r} cut")
                    break
        for a in c.get("annotations", []):
            if not inside(a["box"], fig):
                out.append(f"chart {c['i']}: note {a['text']!r} cut")
        for cb in c["colorbars"]:
            if not inside(cb["box"], fig):
                out.append(f"chart {c['i']}: colour bar label {cb['text']!r} cut")
    return out


def check(page, name: str) -> list[str]:
    page.wait_for_timeout(300)                 # Plotly's second layout pass (automargin) settles
    charts = page.evaluate(LAYOUT_JS)
    SHOTS.mkdir(parents=True, exist_ok=True)
    # Streamlit scrolls its main block, not the page: a tall viewport shows the whole page at once
    tall = page.evaluate(MAIN_HEIGHT_JS)
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(12_000, max(size["height"], tall))})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)
    assert charts, f"{name}: no chart drawn"
    return [f"{name}: {p}" for p in layout_problems(charts)]


@pytest.fixture(scope="module")
def layout_server(browser):
    """One server for the module, its runs capped at ``WALL_S`` seconds of training."""
    with StreamlitServer(env={"DEEPDIVE_MAX_SECONDS": WALL_S}) as s:
        yield s


@pytest.fixture(scope="module")
def layout_page(context):
    """One tab for every link of the module (each visit is still a session of its own)."""
    tab = context.new_page()
    yield tab
    tab.close()


@pytest.mark.parametrize("lesson", LESSONS, ids=stem)
def test_charts_fit_at_default_and_extreme_settings(layout_server, layout_page, lesson):
    server, page = layout_server, layout_page
    name = stem(lesson)
    open_app(page, f"{server.url}/?lesson={name}")
    problems = check(page, f"{name}-default")
    keys = [k for k in query(page) if k not in ("lang", "seed", "lesson")]
    for end, value, lang in (("max", "1e308", "zh"), ("min", "-1e308", "en")):
        link = urlencode({"lesson": name, "lang": lang, **{k: value for k in keys}})
        open_app(page, f"{server.url}/?{link}")
        problems += check(page, f"{name}-{end}-{lang}")
    assert not problems, "\n".join(problems)
