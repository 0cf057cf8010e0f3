"""The two Transformer pages through AppTest: the toy model learns its default task, typed inputs
are validated (unknown symbols, wrong length, Markdown-looking text) without an exception; the
corpus model generates text from a prompt, reads unknown characters as <unk>, works on an upload."""
from __future__ import annotations

import engine.transformer as TF
from engine.transformer import char_lm as C
from engine.transformer import toy
from tests.app.helpers import metrics, open_page, problems

TOY = "pages/attention/transformer_toy.py"
LM = "pages/attention/transformer_corpus.py"


def table(at):
    return at.dataframe[0].value


def test_toy_defaults_learn_reverse_and_show_attention(app_at):
    at = open_page(app_at, TOY)
    m = metrics(at)
    assert int(m["Exact match (fresh sequences)"].rstrip("%")) >= 90
    assert m["Parameters"] == f"{toy.run(toy.Settings(num_epochs=1, num_examples=200)).num_params:,}"
    assert len(at.get("plotly_chart")) == 5          # curves, attention, block, P, columns of P
    assert not at.warning and at.success             # the seed's example is reversed right
    row = table(at).iloc[0]
    assert row["right answer"] == row["input"][::-1]
    assert at.query_params["task"] == "reverse" and at.query_params["pos_encoding"] == "1"


def test_toy_typed_inputs_are_validated(app_at):
    at = open_page(app_at, TOY)
    example = table(at).iloc[0]["input"]
    box = at.text_input[0]
    box.set_value("ab<b>*").run()                    # symbols outside a–e, Markdown/HTML-looking
    assert not problems(at) and "never saw" in at.warning[0].value
    assert any(c.value == "< > *" for c in at.code)  # listed as plain text
    assert table(at).iloc[0]["input"] == example     # the seed's example is shown instead
    at.text_input[0].set_value("abc").run()
    assert "exactly k = 5" in at.warning[0].value and not problems(at)
    at.text_input[0].set_value("  A b C d E ").run()
    assert not at.warning and not problems(at)
    row = table(at).iloc[0]
    assert row["input"] == "abcde" and row["right answer"] == "edcba"
    at.text_input[0].set_value("").run()
    assert "Type 5 symbols" in at.warning[0].value


def test_toy_chinese_and_a_hostile_link(app_at):
    at = open_page(app_at, TOY, {"lang": "zh", "task": "<script>", "seq_len": "-1e308", "num_heads": "3"})
    assert "链接" in at.warning[0].value and at.title[0].value == TF.STRINGS["title"]["zh"]
    assert at.query_params["seq_len"] == "2" and at.query_params["num_heads"] == "2"
    assert at.query_params["task"] == "reverse"
    assert len(table(at).iloc[0, 0]) == 2


def test_corpus_page_generates_from_a_prompt(app_at):
    at = open_page(app_at, LM)
    m = metrics(at)
    assert float(m["Perplexity (held out)"]) < 10 and int(m["Vocabulary (characters)"]) > 20
    assert at.query_params["corpus"] == "english"
    prompt = at.text_input[0].value
    generated = next(c.value for c in at.code if c.value.startswith(prompt))
    assert len(generated) == len(prompt) + C.Sampling().num_preds
    assert len(at.get("plotly_chart")) == 4          # perplexity, the prompt's attention, block, P
    at.text_input[0].set_value("the **cat** ☃ sat 猫").run()
    assert not problems(at) and "<unk>" in at.warning[0].value
    assert any(c.value == "* ☃ 猫" for c in at.code)           # the generated text has no "*" either
    assert any(c.value.startswith("the **cat** ☃ sat 猫") for c in at.code)
    at.text_input[0].set_value("").run()
    assert not problems(at) and at.info and len(at.get("plotly_chart")) == 3       # no attention to show


def test_corpus_page_sampling_does_not_retrain(app_at):
    at = open_page(app_at, LM)
    before = metrics(at)
    at.sidebar.slider(key=f"{C.__name__}.sampling.temperature").set_value(0.0).run()
    assert not problems(at) and metrics(at)["Perplexity (training)"] == before["Perplexity (training)"]
    assert at.query_params["temperature"] == "0"


def test_corpus_page_on_an_upload_in_gbk(app_at):
    text = "今天天气很好，我们去公园散步吧。小猫在花园里玩，孩子们在河边读书。学习深度学习需要耐心。\n" * 20
    at = open_page(app_at, LM, {"corpus": "upload", "max_tokens": "2000", "num_epochs": "2"})
    at.sidebar.get("file_uploader")[0].set_value(("笔记.txt", text.encode("gbk"), "text/plain")).run()
    assert not problems(at), problems(at)
    assert int(metrics(at)["Vocabulary (characters)"]) < 40      # the characters of the text, not bytes
    at.text_input[0].set_value("今天天气").run()
    assert not problems(at) and not at.warning
    assert any(c.value.startswith("今天天气") for c in at.code)


def test_strings_reach_the_charts():
    from engine.i18n import Translator
    tr = Translator("zh", TF.STRINGS)
    fig = TF.fig_block_diagram(tr, 2, 4)
    assert "掩蔽多头自注意力（h = 4）" in [a.text for a in fig.layout.annotations]


def test_typed_inputs_live_in_the_link(app_at):
    """Like the settings, what the student typed is in the URL, so a shared link shows the same."""
    at = open_page(app_at, TOY, {"input": "edcba"})
    assert at.text_input[0].value == "edcba" and table(at).iloc[0]["input"] == "edcba"
    at.text_input[0].set_value("aabbc").run()
    assert at.query_params["input"] == "aabbc"
    at = open_page(app_at, LM, {"prompt": "the time **x**"})
    assert at.text_input[0].value == "the time **x**" and at.query_params["prompt"] == "the time **x**"
    assert any(c.value.startswith("the time **x**") for c in at.code)


def test_encoder_decoder_mode_translates_dates_with_three_kinds_of_attention(app_at):
    from tests.charts import chart_text
    at = open_page(app_at, TOY, {"architecture": "encoder_decoder", "date": "the fifth of june two thousand and seven"})
    m = metrics(at)
    assert int(m["Exact match (held-out dates)"].rstrip("%")) >= 85
    titles = " ".join(chart_text(c) for c in at.get("plotly_chart"))
    for t in ("Encoder self-attention", "Decoder self-attention, masked", "Encoder–decoder (cross) attention",
              "The encoder–decoder Transformer"):
        assert t in titles, t
    row = table(at).iloc[0]
    assert row["right answer"] == "2007-06-05"
    assert any("padded with <pad>" in c.value for c in at.caption)
    assert at.query_params["architecture"] == "encoder_decoder" and "num_train" in at.query_params
    # a typo is named, never an exception; 中文 names the three attentions
    at.text_input(key="transformer_toy_date").set_value("the fifth of junee 2007").run()
    assert not problems(at) and at.warning
    at.sidebar.selectbox(key="lang").set_value("zh").run()
    assert not problems(at)
    titles = " ".join(chart_text(c) for c in at.get("plotly_chart"))
    assert "编码器自注意力" in titles and "编码器-解码器注意力" in titles and "掩蔽" in titles
    at.sidebar.radio(key="engine.transformer.encdec.architecture").set_value("decoder_only").run()
    assert not problems(at) and int(metrics(at)["完全匹配（新序列）"].rstrip("%")) >= 90
