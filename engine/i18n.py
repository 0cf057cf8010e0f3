"""Bilingual strings (English / 中文). The app's shared strings live here; each lesson
module keeps its own ``STRINGS`` table beside its code, and its figures use the same
table, so 中文 reaches the charts too."""
from __future__ import annotations

from typing import Mapping

from engine.sections import fill

LANGS = {"en": "English", "zh": "中文"}

Table = Mapping[str, Mapping[str, str]]   # key -> {"en": ..., "zh": ...}

CORE: Table = {
    "app_title": {"en": "DeepDive Lab", "zh": "DeepDive Lab 深度学习实验室"},
    "app_tagline": {"en": "See each idea of deep learning happen: move a slider, a small model retrains, the charts show what changed.",
                    "zh": "亲眼看到深度学习的每个概念：拖动滑块，小模型立即重新训练，图表展示变化。"},
    "home": {"en": "Home", "zh": "首页"},
    "group_basics": {"en": "Basics", "zh": "基础"},
    "group_training": {"en": "Training", "zh": "训练"},
    "group_sequences": {"en": "Sequences", "zh": "序列"},
    "group_attention": {"en": "Attention", "zh": "注意力"},
    "group_vision": {"en": "Vision", "zh": "视觉"},
    "language": {"en": "Language", "zh": "语言"},
    "seed": {"en": "Random seed", "zh": "随机种子"},
    "seed_help": {"en": "Same settings + same seed = same numbers, for everyone who opens the link.",
                  "zh": "相同设置 + 相同种子 = 相同结果，任何人打开链接都一样。"},
    "device": {"en": "Compute device", "zh": "计算设备"},
    "cpu_threads": {"en": "CPU · {n} threads", "zh": "CPU · {n} 个线程"},
    "cpu_thread": {"en": "CPU · 1 thread", "zh": "CPU · 1 个线程"},
    "threads": {"en": "CPU threads per training", "zh": "每次训练的 CPU 线程数"},
    "cpu_threads_undecided": {"en": "CPU · up to {n} threads", "zh": "CPU · 最多 {n} 个线程"},
    "threads_help": {
        "en": "How many CPU threads a larger network (LeNet, the character Transformer, a wide MLP or LSTM) trains "
              "with; a small one always takes one. It is decided at your first such training: every free core when "
              "nobody else is training on this server, one when classmates are. It then stays for your session and "
              "is kept in the link (`threads=`), because some sums are added up in an order that depends on it: the "
              "same settings, seed and thread count give the same numbers.",
        "zh": "较大的网络（LeNet、字符级 Transformer、较宽的 MLP 或 LSTM）训练时使用的 CPU 线程数；小网络始终只用一个。"
              "它在你第一次训练这样的网络时确定：服务器上没有别人在训练时用上所有空闲核心，同学们也在训练时只用一个。"
              "之后在本次会话中保持不变，并写入链接（`threads=`），因为有些求和的顺序取决于线程数："
              "相同的设置、种子和线程数给出相同的结果。"},
    "share": {"en": "Share this experiment", "zh": "分享这个实验"},
    "unknown_lesson": {"en": "This link asks for a lesson named `{name}`, which this app does not have (an old or mistyped link?). Pick a lesson below.",
                       "zh": "此链接要求打开名为 `{name}` 的课程，但本应用中没有（链接过旧或有误？）。请在下方选择课程。"},
    "share_help": {"en": "Every setting of this page is in the link. Copy it with the button at its right.",
                   "zh": "本页所有设置都在链接中。点击右侧按钮复制。"},
    "url_notice": {"en": "Some values in the link were outside their allowed range or unreadable:",
                   "zh": "链接中的部分取值超出范围或无法识别："},
    "url_rounded": {"en": "`{name}` = `{given}` → rounded to {used}, the nearest value it can take",
                    "zh": "`{name}` = `{given}` → 已取最接近的可用值 {used}"},
    "url_clamped": {"en": "`{name}` = `{given}` → clamped to {used}", "zh": "`{name}` = `{given}` → 已限制为 {used}"},
    "url_repeated": {"en": "`{name}` given {count} times → the last, `{given}`, used",
                     "zh": "`{name}` 出现了 {count} 次 → 使用最后一个 `{given}`"},
    "url_ignored": {"en": "`{name}` = `{given}` → not understood, default {used} used",
                    "zh": "`{name}` = `{given}` → 无法识别，使用默认值 {used}"},
    "training": {"en": "Training…", "zh": "训练中…"},
    "stop": {"en": "Stop", "zh": "停止"},
    "stopped": {"en": "Stopped at step {step}. The charts show what was trained so far; change a setting or press Retrain to run again.",
                "zh": "已在第 {step} 步停止。图表显示目前训练的结果；修改设置或点击“重新训练”再次运行。"},
    "stopped_short": {"en": "Stopped: the charts show what was trained until you pressed Stop. Press Retrain to run it in full.",
                      "zh": "已停止：图表显示按下“停止”之前训练的结果。点击“重新训练”完整运行。"},
    "waiting_for_other": {"en": "Someone in your class is training exactly these settings right now; their result will appear here for you too.",
                          "zh": "你的同学正在用完全相同的设置训练，结果出来后也会显示在这里。"},
    "retrain": {"en": "Retrain", "zh": "重新训练"},
    "queued": {"en": "The server is training other students' models ({busy} at a time, one per processor core); yours starts as soon as one finishes ({waiting} waiting).",
               "zh": "服务器正在为其他同学训练模型（每个处理器核心同时训练一个，共 {busy} 个）；有空位时立即开始你的训练（{waiting} 人在等待）。"},
    "budget_units": {"en": "This run reached the work budget ({units} steps) and stopped early, so the shared server stays fast for the class. Lower epochs or data size for a complete run.",
                     "zh": "本次训练达到工作量上限（{units} 步），已提前停止，以保证共享服务器对全班保持流畅。减少轮数或数据量可完整运行。"},
    "budget_units_at": {"en": "This run reached the work budget after {done:,} of the {planned:,} steps its settings ask for, and stopped there, so the shared server stays fast for the class. The charts show those {done:,} steps; lower the epochs or the data size for a complete run.",
                        "zh": "本次训练在设置要求的 {planned:,} 步中完成 {done:,} 步后达到工作量上限，已在此停止，以保证共享服务器对全班保持流畅。图表显示这 {done:,} 步的结果；减少轮数或数据量可完整运行。"},
    "training_capped": {"en": "Training… {done:,}/{total:,} (the work budget ends this run there; the settings ask for {planned:,})",
                        "zh": "训练中… {done:,}/{total:,}（工作量上限使本次训练在此结束；设置要求 {planned:,}）"},
    "budget_seconds": {"en": "This run reached the time limit ({seconds:.0f} s) and stopped early.",
                       "zh": "本次训练达到时间上限（{seconds:.0f} 秒），已提前停止。"},
    "from_cache": {"en": "Result from the shared cache (computed before with exactly these settings).",
                   "zh": "结果来自共享缓存（之前以完全相同的设置计算过）。"},
    "download_csv": {"en": "Download the numbers (CSV)", "zh": "下载数据（CSV）"},
    "code_title": {"en": "The lines that matter (from `engine/`)", "zh": "关键代码（摘自 `engine/`）"},
    "explain": {"en": "Explanation", "zh": "讲解"},
    "settings": {"en": "Settings", "zh": "设置"},
    "open_lesson": {"en": "Open", "zh": "打开"},
    "offline_note": {"en": "Works offline on data it generates itself; real datasets download on demand, verified by checksum, then cached.",
                     "zh": "可离线使用自带/自动生成的数据；真实数据集按需下载，校验后缓存。"},
    "error_title": {"en": "Something went wrong in this lesson", "zh": "本课程出现错误"},
    "error_body": {"en": "Your settings are kept. Try other settings; if it happens again, report it with the link above. Details: {detail}",
                   "zh": "你的设置已保留。请尝试其他设置；若仍出现，请连同上方链接一起反馈。详情：{detail}"},
    # ---- comparing runs (pages/_ui/_compare.py) and the report (pages/_ui/_report.py) ----
    "pin_add": {"en": "Pin this run", "zh": "固定本次运行"},
    "pin_add_help": {"en": "Keeps this run for this lesson: change a setting and the main charts draw both, the pinned one muted. "
                           "Up to {max} pins; they stay while you visit other lessons and travel in the share link.",
                     "zh": "为本课程保留本次运行：修改设置后，主要图表会同时画出两次运行，固定的那次颜色较淡。"
                           "最多固定 {max} 次；访问其他课程时仍会保留，并随分享链接一起传递。"},
    "pin_full": {"en": "{max} runs are pinned: remove one to pin another.", "zh": "已固定 {max} 次运行：请先移除一个再固定新的。"},
    "pin_remove_help": {"en": "Remove this pinned run", "zh": "移除这次固定的运行"},
    "pin_clear": {"en": "Clear all pins", "zh": "清除全部固定"},
    "pinned": {"en": "pinned", "zh": "已固定"},
    "pin_same": {"en": "same settings", "zh": "设置相同"},
    "pin_sep": {"en": ", ", "zh": "，"},
    "pin_vs_first": {"en": "vs the first pin", "zh": "相对第一个固定运行"},
    "pin_table": {"en": "This run beside the pinned runs", "zh": "本次运行与固定运行的对比"},
    "pin_failed": {"en": "A pinned run cannot be computed with these settings ({detail}); it was removed.",
                   "zh": "固定的运行无法用这些设置计算（{detail}），已移除。"},
    "run_current": {"en": "this run", "zh": "本次运行"},
    "col_run": {"en": "run", "zh": "运行"},
    "value_on": {"en": "on", "zh": "开"},
    "value_off": {"en": "off", "zh": "关"},
    "url_pin_ignored": {"en": "`pin` `{given}` → not a setting of this page, or unreadable: left out",
                        "zh": "`pin` `{given}` → 不是本页的设置或无法识别：已忽略"},
    "url_pin_extra": {"en": "`pin` given {count} times → the first 3 used", "zh": "`pin` 出现了 {count} 次 → 只使用前 3 个"},
    "report": {"en": "Download report (HTML)", "zh": "下载报告（HTML）"},
    "report_help": {"en": "One HTML file that opens offline in any browser: the settings (and pins), every chart of the page "
                          "(interactive), the headline numbers, the explanation and the link. For homework or slides.",
                    "zh": "一个可在任何浏览器离线打开的 HTML 文件：设置（及固定的运行）、本页所有图表（可交互）、主要结果、讲解和链接。"
                          "适合作业或课堂幻灯片。"},
    "report_metrics": {"en": "Headline numbers", "zh": "主要结果"},
    "report_charts": {"en": "Charts", "zh": "图表"},
    "report_link": {"en": "Link to this experiment", "zh": "本实验的链接"},
    "report_pins": {"en": "Pinned runs", "zh": "固定的运行"},
    "report_made": {"en": "Made with DeepDive Lab on {date}", "zh": "由 DeepDive Lab 生成于 {date}"},
    "report_value": {"en": "value", "zh": "取值"},
    "report_delta": {"en": "difference from the first pin", "zh": "与第一个固定运行之差"},
    # short names of common settings, for the labels of pinned runs ("η = 0.3, pinned")
    "short.lr": {"en": "η", "zh": "η"},
    "short.batch_size": {"en": "batch", "zh": "批量"},
    "short.num_epochs": {"en": "epochs", "zh": "轮数"},
    "short.num_hiddens": {"en": "hiddens", "zh": "隐藏单元"},
    "short.num_layers": {"en": "layers", "zh": "层数"},
    "short.theta": {"en": "θ", "zh": "θ"},
    "short.weight_decay": {"en": "λ", "zh": "λ"},
    "short.seed": {"en": "seed", "zh": "种子"},
}


class Translator:
    """``tr = Translator('zh', lesson.STRINGS); tr('key', n=3)``.
    Falls back to English, then to the key itself, so a missing string never crashes a page."""

    def __init__(self, lang: str, *tables: Table):
        self.lang = lang if lang in LANGS else "en"
        self.tables = (*tables, CORE)

    def __call__(self, key: str, **fmt) -> str:
        for table in self.tables:
            entry = table.get(key)
            if entry is not None:
                text = fill(entry.get(self.lang) or entry.get("en") or key, self.lang)   # ⟦bptt⟧ → d2l §9.7 / d2l 8.7 节
                return text.format(**fmt) if fmt else text
        return key


def missing(table: Table) -> list[str]:
    """Keys lacking a language (the tests require none)."""
    return [k for k, v in table.items() if any(not v.get(lang) for lang in LANGS)]
