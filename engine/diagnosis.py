"""What a training run's curves say, in one place for every lesson: it diverged, it is stuck at
chance, it overfits, it is still improving, or it is fine — and the advice that fits the case.

Pure: it reads loss curves (their start first) and a few facts of the run, never a model. Two kinds
of reference tell "learned nothing" from "learned all there is":

- classification and language models: the chance level, the loss of guessing uniformly: ln q for q
  classes, ln |V| for a vocabulary of |V| tokens (perplexity |V|);
- regression (squared loss): the baseline, the loss of always predicting the mean of y (nothing
  learned; for ½(ŷ − y)² it is ½ Var y), and the noise floor, the loss the noise in the data leaves
  even to the true model (σ²/2 for ε ~ N(0, σ²) and ½(ŷ − y)²; 0 for noiseless data). Their
  messages are keyed ``verdict.baseline.<kind>[.<cause>]``; the kinds add 'floor' (the noise floor
  reached) and 'unstable' (it had come down and was thrown back up).

  Not every floor is noise: on a noiseless problem the floor may be the least-squares minimum, the
  best any weights of the model can do (a kernel too small for its target, a line fitted to whatever
  the data is). ``floor_kind='best_fit'`` words the messages that name the floor that way (their key
  gains ``.best_fit``); ``'noise'`` (the default) calls it the noise in the data.

A classification loss far ABOVE chance (more than ``ABOVE_CHANCE`` × ln q and ``ABOVE_CHANCE_NATS``
above it, unless heavy dropout holds the model back) is no "stuck at chance": the model is confidently wrong, a run that blew up without
overflowing (kind 'unstable' against chance, advice: lower η)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from engine.numerics import fmt, still_falling

NEAR_CHANCE = 0.97      # a final loss above 97 % of ln q has learned (almost) nothing
OVERFIT_RISE = 1.10     # held-out loss 10 % above its best while training loss kept falling …
OVERFIT_RISE_NATS = 0.05  # … or 0.05 nat above it (perplexity up 5 %), whichever comes first: a language model's
                          # loss of 4.5 nats rising 10 % is perplexity up 56 %, far past the point where more
                          # epochs stopped helping (a 60,000-character Chinese text, held-out perplexity after
                          # slices of training: best 87.6, then 88.4 (+0.01 nat), 94.8 (+0.08), 98.8 (+0.12))
FLOOR_NEAR = 1.5        # a loss within 1.5× the noise floor has learned what there is to learn (the
                        # training loss of a fitted sample spreads around σ²/2 by sampling alone)
ABOVE_CHANCE = 2.0      # a final loss above twice ln q …
ABOVE_CHANCE_NATS = 1.0  # … and a nat above it is confidently wrong, not "near chance" (heavy dropout lifts
                         # a stuck training loss to about 1.5 × ln q: that stays "stuck", cause 'regularized')
THROWN_BACK = 4.0       # a regression loss 4× as far above the floor as its best was thrown back up
FLOOR_ABS = 1e-6        # … or within a millionth of the baseline of it (a noiseless floor of 0)


@dataclass(frozen=True)
class Verdict:
    kind: str                  # 'diverged' | 'stuck' | 'overfitting' | 'improving' | 'floor' | 'unstable' | 'fine'
    cause: str = ""            # the likely cause, for the advice: 'lr_high', 'lr_low', 'regularized', 'flat',
                               # 'beyond_chance', 'slow'; 'above_floor' (settled, but above the noise floor);
                               # 'beyond_baseline' (held-out worse than predicting the mean); 'no_floor'
    values: dict = field(default_factory=dict, compare=False, hash=False)
    reference: str = "chance"  # what "nothing learned" was measured against: 'chance' (ln q) or 'baseline'
    floor_kind: str = "noise"  # what the regression floor is: 'noise' (in the data) or 'best_fit' (least squares)

    @property
    def key(self) -> str:
        """The string key of the message: ``verdict.<kind>`` or ``verdict.<kind>.<cause>``; against a
        regression baseline ``verdict.baseline.<kind>[.<cause>]`` (divergence has one message for all)."""
        ref = ".baseline" if self.reference == "baseline" and self.kind != "diverged" else ""
        key = f"verdict{ref}.{self.kind}" + (f".{self.cause}" if self.cause else "")
        return f"{key}.best_fit" if self.floor_kind == "best_fit" and key in NAMES_THE_FLOOR else key


#: the messages that say what the floor is: a floor of kind 'best_fit' has its own wording of each
NAMES_THE_FLOOR = frozenset({"verdict.baseline.improving", "verdict.baseline.floor", "verdict.baseline.fine.above_floor"})


def _finite(values: Sequence[float] | None) -> list[float]:
    return [float(v) for v in (values or []) if v is not None and math.isfinite(float(v))]


def _stuck_cause(losses: list[float], lr_position: float | None, regularization: float) -> str:
    """Why a run that never left its reference is stuck: the facts of the run before the shape of
    the curve — heavy dropout also lifts the training loss (it is measured with units dropped),
    which is no sign of a large η. The book's usual dropout of 0.5 (AlexNet's classifier, the MLP's
    second layer) is no cause: only more than that holds a model back this hard."""
    if regularization > 0.5:
        return "regularized"
    if lr_position is not None and lr_position <= 0.33:
        return "lr_low"
    if max(losses) > losses[0] * 1.05 or (lr_position is not None and lr_position >= 0.67):
        return "lr_high"          # the first updates threw the weights into saturation (or up the wall)
    return "flat"


def _against_baseline(losses: list[float], held: list[float], baseline: float, floor: float | None,
                      lr_position: float | None, regularization: float, floor_kind: str = "noise") -> Verdict:
    """The verdict of a regression run: stuck near the baseline (no better than predicting the mean
    of y), overfitting (held-out loss above the baseline, or rising, while the training loss fell),
    still improving, the noise floor reached, thrown back up after it had come down, or settled
    above the floor. ``floor`` None: not known (real data), so neither 'floor' nor 'above_floor'."""
    known = floor is not None
    last, floor = losses[-1], max(0.0, floor or 0.0)
    values = {"loss": fmt(last), "start": fmt(losses[0]), "baseline": fmt(baseline), "floor": fmt(floor)}
    verdict = lambda kind, cause="": Verdict(kind, cause, values, reference="baseline",   # noqa: E731
                                                floor_kind=floor_kind)
    # a loss that is a new low against everything before the last tenth of the curve is still falling;
    # one that jitters around a level is not (minibatch noise on a per-step curve)
    new_low = lambda c: len(c) >= 2 and c[-1] < 0.99 * min(c[:len(c) - max(1, len(c) // 10)])   # noqa: E731
    if len(held) >= 2 and baseline > floor and last < floor + 0.5 * (baseline - floor):
        best = min(held)
        values.update(valid=fmt(held[-1]), best=fmt(best))
        # worse on unseen data than predicting the mean, and no longer getting better there
        if held[-1] > baseline and not new_low(held):
            return verdict("overfitting", "beyond_baseline")
        if (held[-1] - floor > OVERFIT_RISE * (best - floor) and held.index(best) < len(held) - 1
                and last <= min(losses) * 1.02):
            return verdict("overfitting")
    if known and last <= FLOOR_NEAR * floor + FLOOR_ABS * max(baseline, 0.0):
        return verdict("floor")
    cut = len(losses) - max(1, len(losses) // 10)
    falling = len(losses) >= 2 and last < min(losses[:cut])
    if baseline > floor and last >= floor + NEAR_CHANCE * (baseline - floor):
        if falling and last < losses[0] * 0.98:
            return verdict("improving", "slow")
        return verdict("stuck", _stuck_cause(losses, lr_position, regularization))
    best = min(losses)
    if last - floor > THROWN_BACK * (best - floor) and last - best > 0.25 * (baseline - floor):
        values["best"] = fmt(best)
        return verdict("unstable")          # it had come down, a step on a steep wall threw it back up
    if falling:
        return verdict("improving") if known else verdict("improving", "no_floor")
    return verdict("fine", "above_floor") if known else verdict("fine")


def diagnose(train: Sequence[float], valid: Sequence[float] | None = None, *, chance: float | None = None,
             baseline: float | None = None, floor: float | None = None,
             diverged_at: int | None = None, lr_position: float | None = None,
             regularization: float = 0.0, floor_kind: str = "noise") -> Verdict:
    """The verdict on one run.

    ``train``, ``valid``: loss per epoch (or per evaluation), start first; ``chance``: the loss of
    uniform guessing (ln q); for regression instead ``baseline``, the loss of predicting the mean of
    y, and ``floor``, the loss the data's noise leaves (None: not known, as on real data); ``diverged_at``: the step of the
    first inf/NaN, if any;
    ``lr_position``: where η sits in its slider's range, 0 (lowest) to 1 (highest), on the
    slider's scale; ``regularization``: the dropout probability (or another 0–1 measure of how
    hard the model is held back); ``floor_kind``: what ``floor`` is, 'noise' (the loss the data's noise
    leaves) or 'best_fit' (the least-squares minimum, the best any weights of the model can do)."""
    if floor_kind not in ("noise", "best_fit"):
        raise ValueError(f"floor_kind must be 'noise' or 'best_fit', not {floor_kind!r}")
    raw = [float(v) for v in train if v is not None]
    started = next((i for i, v in enumerate(raw) if math.isfinite(v)), len(raw))   # an unknown start is no divergence
    broke = next((i for i in range(started, len(raw)) if not math.isfinite(raw[i])), None)
    if diverged_at is not None or broke is not None:
        return Verdict("diverged", "", {"step": diverged_at if diverged_at is not None else broke})
    losses, held = _finite(train), _finite(valid)
    if not losses:
        return Verdict("fine")
    if baseline is not None and chance is None:
        return _against_baseline(losses, held, float(baseline), None if floor is None else float(floor),
                                 lr_position, regularization, floor_kind)
    last = losses[-1]
    values = {"loss": fmt(last), "start": fmt(losses[0])}
    if chance is not None and chance > 0:
        values.update(chance=fmt(chance, 3), ppl=fmt(math.exp(min(chance, 700)), 4))
    # far above chance: confidently wrong — the loss went up from its start (or η is at the top of its
    # range): the steps are too large, the run blew up without overflowing. A run that started that
    # high (a poor initialisation) and is only coming down is still improving.
    if (chance is not None and chance > 0 and regularization <= 0.5
            and last > max(ABOVE_CHANCE * chance, chance + ABOVE_CHANCE_NATS)):
        if max(losses) > losses[0] * 1.05 or (lr_position is not None and lr_position >= 0.67):
            return Verdict("unstable", "", values)
        if still_falling(losses) and last < losses[0] * 0.98:
            return Verdict("improving", "", values)
    # stuck at chance: the training loss never got clearly below ln q
    if chance is not None and last >= NEAR_CHANCE * chance:
        if still_falling(losses) and last < losses[0] * 0.98:
            return Verdict("improving", "slow", values)
        return Verdict("stuck", _stuck_cause(losses, lr_position, regularization), values)
    # overfitting: the held-out loss rose well above its best while the training loss fell on
    if len(held) >= 2:
        best = min(held)
        values.update(valid=fmt(held[-1]), best=fmt(best), valid_ppl=fmt(math.exp(min(held[-1], 700)), 4))
        if chance is not None and held[-1] > chance and last < chance:
            return Verdict("overfitting", "beyond_chance", values)
        rose = held[-1] - best > min((OVERFIT_RISE - 1) * abs(best), OVERFIT_RISE_NATS)
        ib = held.index(best)
        # the training loss at the held-out best (curves of different lengths: the same fraction of the run)
        at_best = losses[round(ib * (len(losses) - 1) / max(1, len(held) - 1))]
        if rose and ib < len(held) - 1 and last < at_best:       # training went on improving past it
            return Verdict("overfitting", "", values)
    if still_falling(losses):
        return Verdict("improving", "", values)
    return Verdict("fine", "", values)


def lr_position(lr: float, lo: float, hi: float) -> float:
    """Where η sits in [lo, hi] on a log scale: 0 at the lowest, 1 at the highest."""
    if not (lr > 0 and lo > 0 and hi > lo):
        return 0.5
    return min(1.0, max(0.0, math.log(lr / lo) / math.log(hi / lo)))


STRINGS = {
    "verdict.diverged": {
        "en": "**Diverged** at step {step}: the loss became inf/NaN, so the steps grew instead of settling. Lower the learning rate (or clip the gradient).",
        "zh": "**发散**：损失在第 {step} 步变为 inf/NaN，更新越走越远而不是收敛。请降低学习率（或裁剪梯度）。"},
    "verdict.stuck.lr_high": {
        "en": "**Stuck at chance:** the training loss {loss} stays near ln q = {chance} (guessing uniformly, perplexity {ppl}). The first large updates threw the weights where the units saturate or die and no gradient flows back. Lower the learning rate.",
        "zh": "**停在随机猜测水平：** 训练损失 {loss} 始终接近 ln q = {chance}（均匀猜测，困惑度 {ppl}）。最初过大的更新把权重推到了单元饱和或“死亡”的区域，梯度传不回来。请降低学习率。"},
    "verdict.stuck.lr_low": {
        "en": "**Stuck at chance:** the training loss {loss} stays near ln q = {chance} (guessing uniformly, perplexity {ppl}). The learning rate is at the low end of its range: the updates are too small to move the weights in this many steps. Raise the learning rate or train for more epochs.",
        "zh": "**停在随机猜测水平：** 训练损失 {loss} 始终接近 ln q = {chance}（均匀猜测，困惑度 {ppl}）。学习率处于其范围的低端：在这么多步内更新太小，权重几乎没动。请提高学习率或增加训练轮数。"},
    "verdict.stuck.regularized": {
        "en": "**Stuck at chance:** the training loss {loss} stays near ln q = {chance} (guessing uniformly). The model is held back too hard: with this much dropout almost no unit gets through during training. Lower the dropout (or the weight decay).",
        "zh": "**停在随机猜测水平：** 训练损失 {loss} 始终接近 ln q = {chance}（均匀猜测）。模型被约束得太强：这么大的暂退概率下训练时几乎没有单元能通过。请降低暂退概率（或权重衰减）。"},
    "verdict.stuck.flat": {
        "en": "**Stuck at chance:** the training loss {loss} stays flat near ln q = {chance} (guessing uniformly, perplexity {ppl}): the model predicts every answer with about equal probability and has learned nothing yet. Try another learning rate (too large saturates, too small never moves), more epochs, or an easier task.",
        "zh": "**停在随机猜测水平：** 训练损失 {loss} 一直平稳地停在 ln q = {chance} 附近（均匀猜测，困惑度 {ppl}）：模型对每个答案给出几乎相同的概率，还什么都没学到。请换一个学习率（过大会饱和，过小不动）、增加轮数，或换一个更简单的任务。"},
    "verdict.unstable": {
        "en": "**Blew up (without overflowing):** the training loss ended at {loss}, far above ln q = {chance}, the loss of guessing uniformly (it started at {start}). The model is not stuck near chance: it is confidently wrong, because the steps are too large and threw the weights far from any minimum. Lower the learning rate.",
        "zh": "**失控（但未溢出）：** 训练损失最终为 {loss}，远高于 ln q = {chance}，即均匀猜测的损失（起点为 {start}）。模型并不是停在随机猜测水平，而是在自信地犯错：步长太大，把权重甩到了远离任何极小值的地方。请降低学习率。"},
    "verdict.improving.slow": {
        "en": "**Not better than chance yet, but improving:** the training loss fell from {start} to {loss} and is still falling, though it is still near ln q = {chance}. The updates are too small or too few: raise the learning rate or train for more epochs.",
        "zh": "**尚未超过随机猜测，但在进步：** 训练损失从 {start} 降到 {loss} 并仍在下降，但仍接近 ln q = {chance}。更新太小或太少：请提高学习率或增加训练轮数。"},
    "verdict.overfitting.beyond_chance": {
        "en": "**Overfitting:** the training loss {loss} is below chance, but the held-out loss {valid} (perplexity {valid_ppl}) is above ln |V| = {chance} — worse on unseen text than guessing uniformly among the {ppl} tokens. The model has memorised its training text. Use more text, a smaller model, dropout, or fewer epochs.",
        "zh": "**过拟合：** 训练损失 {loss} 低于随机水平，但留出数据上的损失 {valid}（困惑度 {valid_ppl}）高于 ln |V| = {chance}——在没见过的文本上还不如在 {ppl} 个词元中均匀猜测。模型记住了训练文本。请使用更多文本、更小的模型、暂退法，或减少轮数。"},
    "verdict.overfitting": {
        "en": "**Overfitting:** the training loss kept falling (to {loss}) while the held-out loss rose from its best {best} to {valid}. Stop earlier, add data, dropout or weight decay, or use a smaller model.",
        "zh": "**过拟合：** 训练损失继续下降（到 {loss}），而留出数据上的损失从最好的 {best} 升到 {valid}。请提前停止、增加数据、使用暂退法或权重衰减，或换更小的模型。"},
    "verdict.improving": {
        "en": "**Still improving:** the loss was still falling at the last epoch ({loss}); more epochs would lower it further.",
        "zh": "**仍在进步：** 最后一轮损失仍在下降（{loss}）；更多轮数还会继续降低。"},
    "verdict.fine": {
        "en": "**Trained:** the loss settled at {loss}.",
        "zh": "**训练完成：** 损失稳定在 {loss}。"},
    # against a regression baseline (½ Var y: predicting the mean of y) and the noise floor
    "verdict.baseline.stuck.lr_low": {
        "en": "**No better than predicting the mean:** the training loss {loss} stays near (or above) the baseline {baseline}, the loss of always predicting the mean of y (nothing learned). The learning rate is at the low end of its range: the updates are too small to move the weights in this many steps. Raise the learning rate or train for longer.",
        "zh": "**不比预测均值更好：** 训练损失 {loss} 始终接近（或高于）基线 {baseline}，即总是预测 y 的均值时的损失（什么都没学到）。学习率处于其范围的低端：在这么多步内更新太小，权重几乎没动。请提高学习率或训练更久（更多迭代周期）。"},
    "verdict.baseline.stuck.lr_high": {
        "en": "**No better than predicting the mean:** the training loss {loss} stays near (or above) the baseline {baseline}, the loss of always predicting the mean of y (it started at {start}): with this large a learning rate the steps overshoot the minimum instead of settling into it. Lower the learning rate (or clip the gradient).",
        "zh": "**不比预测均值更好：** 训练损失 {loss} 始终接近（或高于）基线 {baseline}，即总是预测 y 的均值时的损失（起点为 {start}）：学习率这么大，每一步都越过最小值而无法停在那里。请降低学习率（或裁剪梯度）。"},
    "verdict.baseline.stuck.flat": {
        "en": "**No better than predicting the mean:** the training loss {loss} stays flat near the baseline {baseline}, the loss of always predicting the mean of y (nothing learned): the updates barely moved the weights. Raise the learning rate or train for longer.",
        "zh": "**不比预测均值更好：** 训练损失 {loss} 一直平稳地停在基线 {baseline} 附近，即总是预测 y 的均值时的损失（什么都没学到）：更新几乎没有移动权重。请提高学习率或训练更久。"},
    "verdict.baseline.stuck.regularized": {
        "en": "**No better than predicting the mean:** the training loss {loss} stays near the baseline {baseline}, the loss of always predicting the mean of y. The model is held back too hard: lower the weight decay (or the dropout).",
        "zh": "**不比预测均值更好：** 训练损失 {loss} 始终接近基线 {baseline}，即总是预测 y 的均值时的损失。模型被约束得太强：请降低权重衰减（或暂退概率）。"},
    "verdict.baseline.improving.slow": {
        "en": "**Not better than predicting the mean yet, but improving:** the training loss fell from {start} to {loss} and is still falling, but it is still near (or above) the baseline {baseline}, the loss of always predicting the mean of y. The updates are too small or too few: raise the learning rate or train for longer.",
        "zh": "**尚未超过预测均值的水平，但在进步：** 训练损失从 {start} 降到 {loss} 并仍在下降，但仍接近（或高于）基线 {baseline}，即总是预测 y 的均值时的损失。更新太小或太少：请提高学习率或训练更久。"},
    "verdict.baseline.improving": {
        "en": "**Still improving:** the training loss {loss} is still falling, above the noise floor {floor} (the loss the noise in the data leaves even to the true model). Training for longer (more epochs or updates, or a larger learning rate) would take it further down.",
        "zh": "**仍在进步：** 训练损失 {loss} 仍在下降，尚高于噪声下限 {floor}（数据中的噪声即使对真实模型也会留下的损失）。训练更久（更多迭代周期或更新次数，或更大的学习率）还会让它继续下降。"},
    "verdict.baseline.floor": {
        "en": "**Reached the noise floor:** the training loss {loss} is at the noise floor {floor}, the loss the noise in the data leaves even to the true model (the baseline, predicting the mean of y, is {baseline}). The remaining loss is the noise in the data: no model can do better, and training for longer would not lower it.",
        "zh": "**达到噪声下限：** 训练损失 {loss} 已到噪声下限 {floor}，即数据中的噪声即使对真实模型也会留下的损失（基线，即预测 y 的均值，为 {baseline}）。剩下的损失就是数据中的噪声：任何模型都无法做得更好，训练更久也不会再降低它。"},
    # the same three when the floor is the least-squares minimum (floor_kind='best_fit'), not noise
    "verdict.baseline.improving.best_fit": {
        "en": "**Still improving:** the training loss {loss} is still falling, above the least-squares minimum {floor}: the best any weights of this model can do on this data. Training for longer (more epochs or updates, or a larger learning rate) would take it further down.",
        "zh": "**仍在进步：** 训练损失 {loss} 仍在下降，尚高于最小二乘的最小值 {floor}：即这个模型的任何权重在这些数据上所能达到的最好结果。训练更久（更多迭代周期或更新次数，或更大的学习率）还会让它继续下降。"},
    "verdict.baseline.floor.best_fit": {
        "en": "**Reached the best fit:** the training loss {loss} is at the least-squares minimum {floor}, the best any weights of this model can do on this data (the baseline, predicting the mean of y, is {baseline}). Training for longer would not lower it; only a model that can express more could.",
        "zh": "**达到最佳拟合：** 训练损失 {loss} 已到最小二乘的最小值 {floor}，即这个模型的任何权重在这些数据上所能达到的最好结果（基线，即预测 y 的均值，为 {baseline}）。训练更久也不会再降低它；只有表达能力更强的模型才能做得更好。"},
    "verdict.baseline.fine.above_floor.best_fit": {
        "en": "**Settled above the best fit:** the training loss stopped falling at {loss}, above the least-squares minimum {floor}, the best any weights of this model can do. The steps jitter around the minimum (a noisy minibatch gradient, or a learning rate large enough to overshoot it) or crawl along a flat valley: lower the learning rate (or use larger minibatches) if the curve jitters, train for longer if it creeps down.",
        "zh": "**停在最佳拟合之上：** 训练损失停在 {loss}，高于最小二乘的最小值 {floor}，即这个模型的任何权重所能达到的最好结果。参数在最小值附近抖动（小批量梯度带有噪声，或学习率大到会越过最小值），或在平坦的谷底缓慢爬行：若曲线抖动，请降低学习率（或增大批量大小）；若曲线仍在缓慢下降，请训练更久。"},
    "verdict.baseline.unstable": {
        "en": "**Unstable:** the training loss came down to {best} but was thrown back up to {loss}: a step that lands where the loss is steep gets a huge gradient and is thrown far away. Lower the learning rate (or clip the gradient to a smaller norm θ).",
        "zh": "**不稳定：** 训练损失曾降到 {best}，却又被甩回到 {loss}：落在损失陡峭处的一步会得到巨大的梯度，被甩到很远的地方。请降低学习率（或把梯度裁剪到更小的范数 θ）。"},
    "verdict.baseline.overfitting.beyond_baseline": {
        "en": "**Overfitting:** the training loss fell to {loss}, far below the baseline {baseline} (always predicting the mean of y), but the held-out loss is {valid}, above it: on unseen data the model does worse than predicting the mean. It has fitted the noise of its few training examples. Use more data, a stronger penalty (a larger weight decay λ), a smaller model, or fewer epochs.",
        "zh": "**过拟合：** 训练损失降到 {loss}，远低于基线 {baseline}（总是预测 y 的均值），但留出数据上的损失为 {valid}，高于基线：在没见过的数据上，模型还不如预测均值。它拟合了少量训练样本中的噪声。请使用更多数据、更强的惩罚（更大的权重衰减 λ）、更小的模型，或减少迭代周期。"},
    "verdict.baseline.overfitting": {
        "en": "**Overfitting:** the training loss kept falling (to {loss}) while the held-out loss rose from its best {best} to {valid}. Stop earlier, add data, use weight decay (a larger λ), or a smaller model.",
        "zh": "**过拟合：** 训练损失继续下降（到 {loss}），而留出数据上的损失从最好的 {best} 升到 {valid}。请提前停止、增加数据、使用权重衰减（更大的 λ），或换更小的模型。"},
    "verdict.baseline.improving.no_floor": {
        "en": "**Still improving:** the training loss {loss} is still falling, well below the baseline {baseline} (always predicting the mean of y). Training for longer would take it further down.",
        "zh": "**仍在进步：** 训练损失 {loss} 仍在下降，已远低于基线 {baseline}（总是预测 y 的均值）。训练更久还会让它继续下降。"},
    "verdict.baseline.fine": {
        "en": "**Trained:** the training loss settled at {loss}, well below the baseline {baseline} (always predicting the mean of y).",
        "zh": "**训练完成：** 训练损失稳定在 {loss}，远低于基线 {baseline}（总是预测 y 的均值）。"},
    "verdict.baseline.fine.above_floor": {
        "en": "**Settled above the noise floor:** the training loss stopped falling at {loss}, above the noise floor {floor}. Each minibatch's gradient is noisy, so at this learning rate the steps keep jittering around the minimum instead of settling in it: lower the learning rate (or use larger minibatches) to get closer.",
        "zh": "**停在噪声下限之上：** 训练损失停在 {loss}，高于噪声下限 {floor}。每个小批量的梯度都带有噪声，在这个学习率下参数会一直在最小值附近抖动而无法停在那里：请降低学习率（或增大批量大小）以更接近它。"},
}
