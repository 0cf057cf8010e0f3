"""engine.plotting.overlay: pinned runs drawn beside the current one, muted, without touching either figure."""
import plotly.graph_objects as go

from engine.plotting import PALETTE, PIN_DASHES, muted, overlay, style


def two_series(n: int, xmax: float) -> go.Figure:
    fig = go.Figure([go.Scatter(x=list(range(n)), y=[1.0] * n, name="train"),
                     go.Scatter(x=list(range(n)), y=[2.0] * n, name="test", line=dict(color="#D55E00")),
                     go.Heatmap(z=[[1, 2], [3, 4]])])
    style(fig, "loss")
    fig.update_xaxes(range=[0, xmax])
    return fig


def test_muted_is_a_lighter_tint_of_the_same_hue():
    assert muted("#000000", 0.5) == "#808080"
    assert muted("#0072B2", 0.0) == "#0072b2" and muted("#0072B2", 1.0) == "#ffffff"
    assert muted("#07b", 0.5) == muted("#0077bb", 0.5)
    assert muted("rgba(0, 114, 178, 0.5)", 0.5) == muted("#0072B2", 0.5)
    assert muted("not a colour") == muted(None) == "#a6a6a6"


def test_overlay_adds_muted_dashed_named_traces_and_keeps_the_inputs():
    current, pin1, pin2 = two_series(3, 3), two_series(5, 5), two_series(4, 8)
    before = (current.to_json(), pin1.to_json())
    fig = overlay(current, [(pin1, "η = 0.3, pinned"), (pin2, "batch = 20, pinned")], "this run")
    assert (current.to_json(), pin1.to_json()) == before                     # shared figures: untouched
    names = [t.name for t in fig.data]
    # pinned first (drawn underneath), heatmaps not copied, the current run's traces last and unchanged
    assert names == ["train · η = 0.3, pinned", "test · η = 0.3, pinned",
                     "train · batch = 20, pinned", "test · batch = 20, pinned", "train", "test", None]
    cur_train, cur_test = fig.data[4], fig.data[5]
    assert cur_train.line.color == PALETTE[0] and cur_test.line.color == "#D55E00"   # colours written out
    assert fig.data[0].line.color == muted(PALETTE[0]) and fig.data[1].line.color == muted("#D55E00")
    assert [t.line.dash for t in fig.data[:4]] == [PIN_DASHES[0]] * 2 + [PIN_DASHES[1]] * 2
    assert all(t.showlegend and t.legendgroup for t in fig.data[:4])
    assert list(fig.data[0].x) == [0, 1, 2, 3, 4]                            # the pinned run's own data
    assert tuple(fig.layout.xaxis.range) == (0, 8)                            # fixed ranges widen to cover all
    assert fig.layout.title.text == "loss" and fig.layout.showlegend


def test_overlay_names_an_unnamed_current_trace_and_keeps_fills_in_order():
    current = go.Figure([go.Scatter(y=[1, 2]), go.Scatter(y=[2, 3], fill="tonexty")])
    fig = overlay(current, [(current, "pinned")], "this run")
    assert [t.name for t in fig.data] == ["pinned", "pinned", "this run", "this run"]
    assert fig.data[0].fill is None
    band = go.Figure([go.Scatter(y=[1, 2], fill="tonexty")])          # the first trace fills to the one before
    fig = overlay(band, [(band, "pinned")])
    assert fig.data[0].fill == "tonexty" and fig.data[1].name == "pinned"    # so the pinned traces go after
