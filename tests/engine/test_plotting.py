

def test_divergence_label_goes_where_there_is_room():
    """Left of the line, unless the line is in the first third of the x range (a run that broke at
    step 2 pushed its label into the y axis: found in a new-user pass)."""
    import plotly.graph_objects as go

    from engine.plotting import mark_divergence

    early = go.Figure(go.Scatter(x=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y=list(range(11))))
    mark_divergence(early, 1.0, "NaN at step 2")
    late = go.Figure(go.Scatter(x=list(range(11)), y=list(range(11))))
    mark_divergence(late, 9.0, "NaN at step 900")
    ranged = go.Figure(go.Scatter(x=[1], y=[1])).update_xaxes(range=[0.5, 10.5])
    mark_divergence(ranged, 1.0, "NaN")
    sides = [f.layout.annotations[0].xanchor for f in (early, late, ranged)]
    assert sides == ["left", "right", "left"]       # xanchor left = the text starts at the line, to its right


def test_log_axes_are_labelled_at_powers_of_ten_only():
    import plotly.graph_objects as go
    from engine.plotting import finish, style
    fig = style(go.Figure(go.Scatter(x=[1, 2, 3], y=[3e-4, 1.0, 2e3])), "t", "x", "y")
    fig.update_yaxes(type="log")
    finish(fig)
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.exponentformat == "power"
    wide = style(go.Figure(go.Scatter(x=[1, 2], y=[1e-5, 1e20])), "t")
    wide.update_yaxes(type="log")
    assert finish(wide).layout.yaxis.dtick >= 4          # at most ~6 labels over 25 decades
    narrow = style(go.Figure(go.Scatter(x=[1, 2], y=[0.3, 0.7])), "t")
    narrow.update_yaxes(type="log")
    assert finish(narrow).layout.yaxis.dtick is None     # plotly's full-number labels within a decade


def test_titles_wrap_and_subtitles_split_and_clear_panel_titles():
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots
    from engine.plotting import finish, style, width, wrap
    long = "Weights α = softmax (each row sums to 1) over the keys of each query"
    assert all(width(line) <= 48 for line in wrap(long).split("<br>")) and wrap(long).replace("<br>", " ") == long
    zh = "随机堆叠的线性层，以及其权重折叠成的单个仿射变换再加上一些更多的文字"
    assert all(width(line) <= 48 for line in wrap(zh).split("<br>")) and wrap(zh).replace("<br>", "") == zh
    fig = style(go.Figure(), "Main<br><sup>drag the slider</sup>")
    assert fig.layout.title.text == "Main" and fig.layout.title.subtitle.text == "drag the slider"
    panels = finish(style(make_subplots(rows=1, cols=2, subplot_titles=["a<br>b", "c"]), "Both"))
    assert panels.layout.title.pad.b > 12 + 2 * 16          # lifted over the two-line panel title


def test_every_figure_keeps_the_templates_legend_placement():
    """Legends in paper coordinates below the plot (y=-0.22 …) under a container-placed template
    were drawn outside the figure: no builder may move the legend itself."""
    import pathlib
    import re
    root = pathlib.Path(__file__).resolve().parents[2] / "engine"
    offenders = [str(p.relative_to(root)) for p in root.rglob("*.py")
                 if p.name != "plotting.py" and re.search(r"legend\s*=\s*dict\(|legend_y\s*=", p.read_text())]
    assert not offenders, offenders


def test_a_log_axis_within_a_decade_writes_its_numbers_out():
    """A loss between 0.25 and 0.51 on a log axis: plotly's own labels can be its bare 'D2' digits ('2',
    '5'); round values written in full instead (found on the minibatch-SGD page by the layout check)."""
    import plotly.graph_objects as go

    from engine.plotting import finish
    fig = finish(go.Figure(go.Scatter(x=[1, 2, 3], y=[0.51, 0.3, 0.249])).update_yaxes(type="log"))
    assert list(fig.layout.yaxis.tickvals) == [0.3, 0.4, 0.5]
    assert list(fig.layout.yaxis.ticktext) == ["0.3", "0.4", "0.5"]
    wide = finish(go.Figure(go.Scatter(x=[1, 2], y=[1e-3, 10])).update_yaxes(type="log"))
    assert wide.layout.yaxis.tickvals is None and wide.layout.yaxis.dtick == 1


def test_a_log_axis_of_one_value_is_labelled_at_powers_of_ten():
    """One value on a log axis (x, or a secondary y): plotly's autorange shows a decade either side of
    it and labels the minor ticks with bare digits (10, 2, 5, 100, 2, 5); decades instead."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from engine.plotting import finish
    x_one = finish(go.Figure(go.Scatter(x=[100, 100, 100], y=[3, 2, 1])).update_xaxes(type="log"))
    assert x_one.layout.xaxis.dtick == 1 and x_one.layout.xaxis.exponentformat == "power"
    assert x_one.layout.yaxis.dtick is None                  # a linear axis is left alone
    panels = make_subplots(rows=1, cols=2)
    panels.add_trace(go.Scatter(x=[1, 2], y=[0.4, 0.3]), row=1, col=1)
    panels.add_trace(go.Scatter(x=[1, 2], y=[0.05, 0.05]), row=1, col=2)
    finish(panels.update_yaxes(type="log"))
    assert panels.layout.yaxis2.dtick == 1 and panels.layout.yaxis2.exponentformat == "power"
    assert panels.layout.yaxis.dtick is None and list(panels.layout.yaxis.tickvals) == [0.3, 0.35, 0.4]


def test_a_label_on_the_plots_top_edge_lifts_the_title():
    """``add_vline(annotation_position="top")`` puts its label on the plot's top edge (y = 1 of the y
    domain), where the title sits: the title goes above it, as above panel titles. A label on the top
    of a lower panel, or inside the plot, leaves the title where it is."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from engine.plotting import finish, style
    top = style(go.Figure(go.Scatter(x=[0, 10], y=[1, 2])), "Title")
    top.add_vline(x=0, annotation_text="chosen", annotation_position="top")
    assert finish(top).layout.title.pad.b > 12 + 16
    inside = style(go.Figure(go.Scatter(x=[0, 10], y=[1, 2])), "Title")
    inside.add_vline(x=0, annotation_text="chosen", annotation_position="top right")
    assert finish(inside).layout.title.pad.b is None
    lower = style(make_subplots(rows=2, cols=1), "Title")
    lower.add_trace(go.Scatter(x=[0, 1], y=[0, 1]), row=2, col=1)
    lower.add_vline(x=0.5, annotation_text="here", annotation_position="top", row=2, col=1)
    assert finish(lower).layout.title.pad.b is None


def test_a_title_of_several_lines_always_pushes_the_top_margin():
    """plotly lifts the extra lines of a bottom-anchored title above the plot only when the title
    pushes the top margin; under a roomier margin set by a builder they hung down over the plot."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    from engine.plotting import finish, style
    long = "With and without dropout: training (solid) and test (dotted)"
    fig = finish(style(make_subplots(rows=1, cols=2, subplot_titles=("loss", "accuracy")), long).update_layout(margin_t=90))
    assert "<br>" in fig.layout.title.text
    assert fig.layout.margin.t <= 16 + fig.layout.title.pad.b
    short = finish(style(go.Figure(), "Short").update_layout(margin_t=90))
    assert short.layout.margin.t == 90                       # one line: placed right under any margin


def test_a_line_far_from_the_data_counts_in_the_log_axis_range():
    """``add_hline`` widens plotly's autorange as a trace does: losses of 8 to 30 over a noise floor of
    10⁻⁴ span five decades, not the third of one the traces alone span (their round labels 9, 10, 20,
    30 were crammed into the top of the axis, over each other)."""
    import plotly.graph_objects as go

    from engine.plotting import finish
    fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[30, 12, 8.5])).update_yaxes(type="log")
    fig.add_hline(y=1e-4)
    finish(fig)
    assert fig.layout.yaxis.dtick == 1 and fig.layout.yaxis.tickvals is None
    alone = finish(go.Figure(go.Scatter(x=[1, 2, 3], y=[30, 12, 8.5])).update_yaxes(type="log"))
    assert alone.layout.yaxis.dtick is None and alone.layout.yaxis.tickvals is not None
