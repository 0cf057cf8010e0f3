"""What a chart says, decoded: Plotly serializes a figure with ``orjson`` when it is installed and with
the standard ``json`` otherwise, which writes non-ASCII text as ``\\uXXXX`` escapes. Tests look for text
(Chinese titles, "f′(x)") in the decoded figure, never in the bytes of one encoding."""
from __future__ import annotations

import json


def chart_text(chart) -> str:
    """The figure of an AppTest ``plotly_chart`` element (or its raw JSON spec) as JSON text with every
    character written as itself, so ``"训练损失" in chart_text(c)`` holds whichever serializer made it."""
    spec = chart if isinstance(chart, str) else chart.proto.spec
    return json.dumps(json.loads(spec), ensure_ascii=False)


def chart_figure(chart) -> dict:
    """The decoded figure (``data``, ``layout``, ``frames``) of an AppTest ``plotly_chart`` element."""
    return json.loads(chart if isinstance(chart, str) else chart.proto.spec)


def fits(text, share: float, font_size: float = 16) -> bool:
    """Every line of ``text`` fits across a chart drawn in ``share`` of the page's width: a display
    column is half a Chinese character, about half the font size wide, and the chart keeps 16 px of
    margins (``engine.plotting.columns``); a line of up to 8 columns (a word, '像素 (1,') is never broken
    further, however narrow the panel."""
    from engine.plotting import PAGE_WIDTH, width
    return all(width(line) <= 8 or width(line) * font_size / 2 <= share * PAGE_WIDTH - 16
               for line in str(text).split("<br>"))


def overflowing_titles(figure: dict, share: float) -> list[str]:
    """The chart's title and its panel titles (``make_subplots``) that are wider than the chart, or
    than their panel, when the chart is drawn in ``share`` of the page's width (plotly never wraps)."""
    layout = figure.get("layout", {})
    out = []
    title = (layout.get("title") or {}).get("text")
    if title and not fits(title, share, ((layout.get("title") or {}).get("font") or {}).get("size", 16)):
        out.append(title)
    domains = [tuple(v["domain"]) for k, v in layout.items() if k.startswith("xaxis") and "domain" in v]
    for ann in layout.get("annotations", []):
        if ann.get("yanchor") == "bottom" and ann.get("xanchor") == "center" and not ann.get("textangle") \
                and ann.get("xref") == "paper" and "x" in ann:
            panel = min((hi - lo for lo, hi in domains if lo - 1e-9 <= ann["x"] <= hi + 1e-9), default=1.0)
            if not fits(ann.get("text", ""), share * panel, (ann.get("font") or {}).get("size", 16)):
                out.append(ann.get("text", ""))
    return out


def charts_with_share(node, share: float = 1.0) -> list:
    """(chart, share) for every Plotly chart of an AppTest page (``at.main``): ``share`` is the part of
    the page's width the chart is drawn in, the product of the weights of the columns it sits in."""
    from streamlit.testing.v1.element_tree import Column
    out = []
    for child in getattr(node, "children", {}).values():
        if getattr(child, "type", None) == "plotly_chart":
            out.append((child, share))
        else:
            out += charts_with_share(child, share * child.weight if isinstance(child, Column) else share)
    return out
