"""The text-and-vocabulary page and the shared corpus picker through AppTest: a real upload
(GBK, refused, Markdown-looking), kept across page switches; a link asking for an upload;
The Time Machine served from a local copy, and offline."""
from __future__ import annotations

import io
import urllib.error
from pathlib import Path

import pytest

import engine.text as T
from pages._ui import _corpus as picker
from tests.app import helpers
from tests.app.helpers import metrics, upload

PAGE = "pages/sequences/text_vocab.py"
OTHER = "pages/basics/linear_regression.py"
CORPUS = "engine.text.corpora.corpus"
TM_PATH = Path(__file__).resolve().parents[2] / "../shared/data/timemachine.txt"
ZH = "今天天气很好，我们去公园散步吧。小猫在花园里玩，孩子们在河边读书。学习深度学习需要耐心。\n" * 10


def problems(at):
    return helpers.problems(at, divergence_too=True)


def open_page(app_at, query=None):
    return helpers.open_page(app_at, PAGE, query)


@pytest.fixture
def no_cached_tm(monkeypatch, tmp_path):
    """A server without The Time Machine in its cache (whatever this machine's data/cache holds)."""
    import engine.datasets.download as download
    monkeypatch.setattr(download, "CACHE_DIR", tmp_path)
    picker._time_machine.clear()
    yield
    picker._time_machine.clear()


def test_defaults_show_the_statistics_and_charts(app_at, no_cached_tm):
    at = open_page(app_at)
    a = T.analyse(T.generate("english", 0), T.Settings())
    m = metrics(at)
    assert m["Tokens"] == f"{a.num_tokens:,}" and m["Vocabulary size len(vocab)"] == f"{len(a.vocab):,}"
    assert m["Share of <unk>"] == "0.0%" and len(at.get("plotly_chart")) == 4
    assert at.query_params["corpus"] == "english"
    assert any("every one of the" in m.value and "<unk> stays unused" in m.value for m in at.markdown)


def test_words_min_freq_and_unk(app_at):
    at = open_page(app_at, {"token": "word", "min_freq": "30"})
    a = T.analyse(T.generate("english", 0), T.Settings(token="word", min_freq=30))
    assert a.unk_share > 0
    assert metrics(at)["Share of <unk>"] == f"{a.unk_share:.1%}"
    assert any("<unk>" in m.value and "min_freq = 30" in m.value for m in at.markdown)


def test_chinese_generated_corpus_words_with_jieba(app_at):
    at = open_page(app_at, {"corpus": "chinese", "token": "word", "lang": "zh"})
    a = T.analyse(T.generate("chinese", 0), T.Settings(token="word"))
    assert metrics(at)["词元数"] == f"{a.num_tokens:,}"


def test_gbk_upload_is_decoded_and_kept_across_pages(app_at):
    at = open_page(app_at)
    at.selectbox(key=CORPUS).set_value("upload").run()
    assert any("Choose a .txt file" in i.value for i in at.info)
    upload(at, "短文.txt", ZH.replace("\n", "\r\n").encode("gbk"))
    info = " ".join(i.value for i in at.info)
    assert "GBK" in info and "CRLF" in info and "Chinese" in info
    chars = f"{len(ZH):,}"
    assert metrics(at)["Characters"] == chars
    at.switch_page(OTHER).run()
    at.switch_page(PAGE).run()                 # the file uploader is gone; the decoded text is kept
    assert not problems(at) and metrics(at)["Characters"] == chars
    assert at.selectbox(key=CORPUS).value == "upload"


def test_refused_upload_keeps_the_page_usable(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert any("cannot be used" in w.value and "not look like text" in w.value for w in at.warning)
    assert at.get("plotly_chart") and metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"
    upload(at, "tiny.txt", b"too short")
    assert any("too short to train on: 8 non-space" in w.value for w in at.warning)


def uploader(at):
    return at.sidebar.get("file_uploader")[0]


def test_kept_upload_is_shown_with_a_remove_button_also_after_a_page_switch(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "mine.txt", ZH.encode("utf-8"))
    assert uploader(at).value is None                # the slot is empty again: the page shows the file
    assert "Another text file" in uploader(at).label
    at.switch_page(OTHER).run()
    at.switch_page(PAGE).run()
    assert any(r"mine\.txt" in i.value for i in at.info)           # (Markdown-escaped name)
    assert metrics(at)["Characters"] == f"{len(ZH):,}"
    at.button(key="_corpus_remove").click().run()
    assert not problems(at)
    assert any("Choose a .txt file" in i.value for i in at.info)
    assert metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"
    assert at.selectbox(key=CORPUS).value == "upload"          # the choice stays; only the file went


def test_refused_upload_is_not_left_in_the_uploader(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    assert uploader(at).value is None
    assert any(r"photo\.txt" in w.value for w in at.warning)     # the message still names it
    at.button(key="_corpus_dismiss").click().run()
    assert not any(r"photo\.txt" in w.value for w in at.warning)
    upload(at, "good.txt", ZH.encode("gb18030"))                # a good file replaces a refused one
    assert not at.warning and metrics(at)["Characters"] == f"{len(ZH):,}"


def test_refused_file_does_not_replace_the_good_one(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "good.txt", ZH.encode("utf-8"))
    upload(at, "empty.txt", b"   \n ")
    assert any(r"empty\.txt" in w.value and r"good\.txt" in w.value for w in at.warning)   # "…uses good.txt"
    assert metrics(at)["Characters"] == f"{len(ZH):,}"                                    # still the good file
    at.button(key="_corpus_dismiss").click().run()
    assert not at.warning and any(r"good\.txt" in i.value for i in at.info)
    assert metrics(at)["Characters"] == f"{len(ZH):,}"


def test_upload_in_chinese_interface(app_at):
    at = open_page(app_at, {"corpus": "upload", "lang": "zh"})
    assert "你的文本文件" in uploader(at).label
    upload(at, "mine.txt", ZH.encode("utf-16"))
    assert "换用另一个文本文件" in uploader(at).label
    assert at.button(key="_corpus_remove").label == "移除此文件"


def test_uploaded_text_is_shown_as_plain_text(app_at):
    hostile = "**bold** <b>tag</b> [link](http://x) <script>alert(1)</script>\n" * 20
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "**x**<b>.txt", hostile.encode())
    assert any("**bold** <b>tag</b>" in t.value for t in at.text)          # st.text: shown verbatim
    assert not any("<b>tag</b>" in m.value or "**bold**" in m.value for m in at.markdown)
    assert any(r"\*\*x\*\*\<b\>" in i.value for i in at.info)           # the file name is escaped


def test_truncated_upload_says_so(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    big = ("It was a bright cold day in April, and the clocks were striking thirteen.\n" * 6000).encode()
    upload(at, "big.txt", big)
    assert any("only its first" in w.value for w in at.warning)
    assert int(metrics(at)["Characters"].replace(",", "")) <= T.DEFAULT_MAX_CHARS


def test_link_asking_for_an_upload_falls_back_with_a_notice(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    assert any("does not name one" in i.value for i in at.info)
    assert metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"


class FakeResponse(io.BytesIO):
    headers = {}

    def __enter__(self):
        return self

    def __exit__(self, *a):
        self.close()


@pytest.fixture
def isolated_tm(monkeypatch, tmp_path):
    import engine.datasets.download as download
    monkeypatch.setattr(download, "CACHE_DIR", tmp_path)
    picker._time_machine.clear()
    yield monkeypatch
    picker._time_machine.clear()


def test_time_machine_downloads_verified(app_at, isolated_tm):
    if not TM_PATH.exists():
        pytest.skip("../shared/data/timemachine.txt is not here")
    isolated_tm.setattr(picker, "TM_OPENER", lambda url, timeout: FakeResponse(TM_PATH.read_bytes()))
    at = open_page(app_at, {"corpus": "time_machine"})
    assert metrics(at)["Tokens"] == "170,580" and metrics(at)["Vocabulary size len(vocab)"] == "28"
    assert not at.warning


def test_time_machine_offline_keeps_the_page_usable(app_at, isolated_tm):
    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    isolated_tm.setattr(picker, "TM_OPENER", offline)
    at = open_page(app_at, {"corpus": "time_machine"})
    assert any("could not be downloaded" in w.value for w in at.warning)
    assert at.get("plotly_chart") and metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"


def test_japanese_upload_is_named_japanese(app_at):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "neko.txt", ("吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。\n" * 30).encode("shift_jis"))
    assert any("Japanese, read like Chinese" in i.value for i in at.info)


def test_zipf_explanation_reports_this_corpus_exponents(app_at):
    """Generated Chinese corpus, characters: α₂ = 1.19 > α₁ = 0.61, so no 'smaller exponents' claim."""
    at = open_page(app_at, {"corpus": "chinese", "token": "char", "lang": "zh"})
    text = " ".join(m.value for m in at.markdown)
    assert "α₂ = 1.19（大于 α₁）" in text and "与书中的规律不同" in text and "d2l 8.3.3 节" in text


# --- uploads that travel with the link (engine/text/store.py) -----------------------------------------

def test_upload_link_names_the_text_and_a_new_session_trains_on_it(app_at):
    from engine.text.store import upload_id
    raw = ZH.encode("gbk")
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "班级.txt", raw)
    uid = upload_id(raw)
    assert at.query_params["corpus"] == [f"upload:{uid}"] or at.query_params["corpus"] == f"upload:{uid}"
    assert any(f"upload:{uid}" in c.value and "anyone who has the link can read it" in c.value for c in at.caption)
    # a classmate: a new session (another process would do the same: the store is a folder)
    mate = open_page(app_at, {"corpus": f"upload:{uid}"})
    assert metrics(mate)["Characters"] == f"{len(ZH):,}"
    assert mate.selectbox(key=CORPUS).value == "upload"
    assert any(uid in i.value and "GBK" in i.value for i in mate.info)
    assert not mate.warning                                   # no "ignored value" notice for the id
    assert mate.query_params["corpus"] in (f"upload:{uid}", [f"upload:{uid}"])


def test_expired_upload_link_says_so_and_uses_the_default_corpus(app_at):
    at = open_page(app_at, {"corpus": "upload:0123456789abcdef"})
    warn = " ".join(w.value for w in at.warning)
    assert "upload:0123456789abcdef" in warn and "no longer keeps" in warn and "Simple English" in warn
    assert metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"
    assert not at.exception
    zh = open_page(app_at, {"corpus": "upload:0123456789abcdef", "lang": "zh"})
    assert any("已不在本服务器上" in w.value for w in zh.warning)


def test_hostile_upload_link_is_ignored_with_a_notice(app_at):
    at = open_page(app_at, {"corpus": "upload:../../etc/passwd"})
    assert any("ignored" in w.value.lower() or "upload:../../etc/passwd" in w.value for w in at.warning)
    assert metrics(at)["Characters"] == f"{len(T.generate('english').text):,}"


def test_without_the_time_machine_the_page_says_why_and_how(app_at, no_cached_tm):
    at = open_page(app_at)
    note = [i.value for i in at.info if "not on this server yet" in i.value]
    assert note and "Simple English (generated)" in note[0] and "data/cache/" in note[0]
    at = open_page(app_at, {"lang": "zh"})
    assert any("还不在本服务器上" in i.value for i in at.info)


def test_the_time_machine_is_the_default_when_cached(app_at, isolated_tm, tmp_path):
    if not TM_PATH.exists():
        pytest.skip("../shared/data/timemachine.txt is not here")
    import shutil
    shutil.copy(TM_PATH, tmp_path / "timemachine.txt")              # the temporary cache of this test
    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    isolated_tm.setattr(picker, "TM_OPENER", offline)                # no download: the cached copy is used
    at = open_page(app_at)
    assert at.query_params["corpus"] == "time_machine"
    assert metrics(at)["Tokens"] == "170,580" and not any("not on this server" in i.value for i in at.info)


def test_long_tail_smoothing_and_partitioning_numbers(app_at, no_cached_tm):
    from tests.charts import chart_figure
    at = open_page(app_at, {"token": "word", "eps": "0", "context_rank": "1"})
    a = T.analyse(T.generate("english", 0), T.Settings(token="word"))
    m = metrics(at)
    assert m["bigrams seen once"] == f"{T.singletons(a.ngram_counts[2])[0]:.1%}"
    assert m["trigrams seen once"] == f"{T.singletons(a.ngram_counts[3])[0]:.1%}"
    assert m["Their probability, smoothed"] == "0.000%"                       # ε = 0: the never-seen get 0
    text = " ".join(x.value for x in at.markdown)
    assert "**probability 0**" in text and "d2l §9.3.1.3" in text
    at.sidebar.slider(key="engine.text.ngram_lm.eps").set_value(10.0).run()
    assert metrics(at)["Their probability, smoothed"] != "0.000%"
    assert at.query_params["eps"] == "10"
    # the minibatch picture: the book's 35 tokens, 2 × 5; sequential rows continue across minibatches
    fig = chart_figure(at.get("plotly_chart")[-1])
    z = fig["data"][0]["z"]                                   # plotly ≥ 6 writes arrays as typed binary
    assert fig["data"][0]["type"] == "heatmap" and (z["shape"] == "4, 35" if isinstance(z, dict) else len(z) == 4)
    code = " ".join(c.value for c in at.code)
    assert "X: [[" in code and "Y: [[" in code
    assert "随机采样" in " ".join(x.value for x in open_page(app_at, {"lang": "zh"}).markdown)


# ---- issue 15: the corpus actually used is named in the main area, and the share box says when ----
# ---- its link cannot carry the upload -------------------------------------------------------------

def used_notices(at):
    return [w.value for w in at.main.warning if w.icon == "📚"]


def test_main_area_names_the_text_trained_on_when_the_choice_is_unavailable(app_at, isolated_tm):
    def offline(url, timeout):
        raise urllib.error.URLError("no network")
    isolated_tm.setattr(picker, "TM_OPENER", offline)
    at = open_page(app_at, {"corpus": "time_machine"})
    (note,) = used_notices(at)
    assert "trained on “Simple English (generated)”" in note and "The Time Machine" in note and "downloaded" in note
    at = open_page(app_at, {"corpus": "upload"})                             # no file yet
    (note,) = used_notices(at)
    assert "Simple English (generated)" in note and "no file is uploaded" in note
    at = open_page(app_at, {"corpus": "upload:0123456789abcdef", "lang": "zh"})   # an upload not on this server
    (note,) = used_notices(at)
    assert "本页是在“简单英文（生成）”上训练的" in note and "不在这台服务器上" in note
    upload(at, "mine.txt", ZH.encode("utf-8"))                             # once a file is in use: no notice
    assert not used_notices(at)
    at = open_page(app_at, {"corpus": "english"})                          # a generated choice: none either
    assert not used_notices(at)


@pytest.mark.parametrize("page", ["pages/sequences/lstm_internals.py", "pages/attention/transformer_corpus.py"])
def test_training_pages_name_the_substitute_corpus(app_at, page, monkeypatch):
    monkeypatch.setenv("DEEPDIVE_MAX_SECONDS", "1")
    at = app_at({"corpus": "upload"})
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no file is uploaded" in v for v in used_notices(at))


def test_share_box_says_when_its_link_cannot_carry_the_upload(app_at, monkeypatch):
    at = open_page(app_at, {"corpus": "upload"})
    upload(at, "kept.txt", ZH.encode("utf-8"))
    assert not [w for w in at.main.warning if w.icon == "🔗"]              # kept in the store: the link carries it
    monkeypatch.setenv("DEEPDIVE_UPLOADS_MB", "0.0001")                    # a store too small for this file
    picker.upload_store.clear()
    try:
        at = open_page(app_at, {"corpus": "upload"})
        upload(at, "big.txt", (ZH * 3).encode("utf-8"))
        (note,) = [w.value for w in at.main.warning if w.icon == "🔗"]
        assert "cannot carry your uploaded text “big\\.txt”" in note and "bytes" in note
        assert "Simple English (generated)" in note
    finally:
        picker.upload_store.clear()
