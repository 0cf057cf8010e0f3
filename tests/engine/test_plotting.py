

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
