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
