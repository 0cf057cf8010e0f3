"""The lesson's report: one self-contained HTML file that opens offline in any browser — title, date,
settings (and pins), the headline numbers, every chart of the page (interactive Plotly, plotly.js
inlined once), the explanation and the link, in the page's language.

Everything that is text is escaped (``html.escape``): an uploaded file's text can reach a chart or an
explanation, and it must stay text. Plotly writes each figure as JSON with ``<`` escaped. No
Streamlit here: ``render(spec)`` is a pure function of what ``_summary.finish`` collected, and runs
only when the student clicks the download button (Streamlit's deferred download)."""
from __future__ import annotations

import datetime as dt
import html
import re
from functools import lru_cache

import pandas as pd
import plotly.io as pio
from plotly.offline import get_plotlyjs

_CSS = """
body { font-family: Inter, 'Noto Sans CJK SC', 'Microsoft YaHei', system-ui, sans-serif; margin: 2rem auto;
       max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { margin-bottom: 0.2rem; } .summary { color: #555; margin-top: 0; } .made { color: #777; font-size: 0.9rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; } td, th { border: 1px solid #ddd; padding: 0.25rem 0.6rem; text-align: left; }
th { background: #f4f4f4; } .delta { color: #555; font-size: 0.9rem; } .chart { margin: 1rem 0; }
.explain p { margin: 0.5rem 0; } code { background: #f4f4f4; padding: 0 0.2rem; } a { word-break: break-all; }
"""


@lru_cache(maxsize=1)
def _plotly_js() -> str:
    return get_plotlyjs()


def markdown_text(text: str) -> str:
    """The explanation's Markdown, escaped first, then a small safe subset: paragraphs, '- ' lists,
    **bold**, *italic*, `code` (formulas stay as written, $…$)."""
    out = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [html.escape(line) for line in block.splitlines()]
        inline = lambda s: re.sub(r"`([^`]+)`", r"<code>\1</code>",
                                  re.sub(r"(?<!\*)\*(?!\s)([^*]+?)\*(?!\*)", r"<i>\1</i>",
                                         re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", s)))
        if lines and all(re.match(r"\s*[-*] ", ln) for ln in lines):
            items = (inline(re.sub(r"^\s*[-*] ", "", ln)) for ln in lines)
            out.append("<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>")
        else:
            out.append("<p>" + "<br>".join(inline(ln) for ln in lines) + "</p>")
    return "\n".join(out)


def _rows(pairs, head: tuple[str, str] | None = None) -> str:
    e = html.escape
    top = f"<tr><th>{e(head[0])}</th><th>{e(head[1])}</th></tr>" if head else ""
    return "<table>" + top + "".join(f"<tr><td>{e(str(a))}</td><td>{e(str(b))}</td></tr>" for a, b in pairs) + "</table>"


def render(spec: dict, now: dt.datetime | None = None) -> str:
    e = html.escape
    s = spec["strings"]
    date = (now or dt.datetime.now()).strftime("%Y-%m-%d %H:%M")
    parts = [f"<h1>{e(spec['title'])}</h1>"]
    if spec.get("summary"):
        parts.append(f"<p class='summary'>{e(spec['summary'])}</p>")
    parts.append(f"<p class='made'>{e(spec['made'].replace('{date}', date))}</p>")
    parts.append(f"<h2>{e(s['report_link'])}</h2><p><a href=\"{e(spec['link'], quote=True)}\">{e(spec['link'])}</a></p>")
    parts.append(f"<h2>{e(s['settings'])}</h2>" + _rows(spec["settings"]))
    if spec.get("pins"):
        parts.append(f"<h2>{e(s['report_pins'])}</h2><ul>" + "".join(f"<li>{e(p)}</li>" for p in spec["pins"]) + "</ul>")
    if spec.get("metrics"):
        rows = "".join(f"<tr><td>{e(label)}</td><td>{e(text)}" + (f" <span class='delta'>({e(delta)})</span>" if delta else "")
                       + "</td></tr>" for label, text, delta in spec["metrics"])
        note = f"<p class='delta'>({e(s['report_delta'])})</p>" if any(d for _, _, d in spec["metrics"]) else ""
        parts.append(f"<h2>{e(s['report_metrics'])}</h2><table>{rows}</table>{note}")
    table = spec.get("table")
    if isinstance(table, pd.DataFrame) and not table.empty:
        parts.append(f"<h2>{e(s['pin_table'])}</h2>" + table.to_html(index=False, escape=True, na_rep="—", border=0))
    if spec.get("figures"):
        parts.append(f"<h2>{e(s['report_charts'])}</h2>")
        for fig in spec["figures"]:
            div = pio.to_html(fig, full_html=False, include_plotlyjs=False, include_mathjax=False,
                              config={"displaylogo": False, "responsive": True}, default_width="100%")
            parts.append(f"<div class='chart'>{div}</div>")
    if spec.get("texts"):
        parts.append(f"<h2>{e(s['explain'])}</h2><div class='explain'>"
                     + "\n".join(markdown_text(t) for t in spec["texts"]) + "</div>")
    lang = "zh-CN" if spec.get("lang") == "zh" else "en"
    return (f"<!DOCTYPE html>\n<html lang='{lang}'><head><meta charset='utf-8'>"
            f"<meta name='viewport' content='width=device-width, initial-scale=1'><title>{e(spec['title'])}</title>"
            f"<style>{_CSS}</style><script type='text/javascript'>{_plotly_js()}</script></head>\n<body>\n"
            + "\n".join(parts) + "\n</body></html>\n")
