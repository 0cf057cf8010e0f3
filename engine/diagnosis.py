"""What a training run's curves say, in one place for every lesson: it diverged, it is stuck at
chance, it overfits, it is still improving, or it is fine — and the advice that fits the case.

Pure: it reads loss curves (their start first) and a few facts of the run, never a model. The
chance level is the loss of guessing uniformly: ln q for q classes, ln |V| for a vocabulary of |V|
tokens (perplexity |V|)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Sequence

from engine.numerics import fmt, still_falling

NEAR_CHANCE = 0.97      # a final loss above 97 % of ln q has learned (almost) nothing
OVERFIT_RISE = 1.10     # held-out loss 10 % above its best while training loss kept falling


@dataclass(frozen=True)
class Verdict:
    kind: str                  # 'diverged' | 'stuck' | 'overfitting' | 'improving' | 'fine'
    cause: str = ""            # the likely cause, for the advice: 'lr_high', 'lr_low', 'regularized', 'flat', 'beyond_chance'
    values: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def key(self) -> str:
        """The string key of the message: ``verdict.<kind>`` or ``verdict.<kind>.<cause>``."""
        return f"verdict.{self.kind}" + (f".{self.cause}" if self.cause else "")


def _finite(values: Sequence[float] | None) -> list[float]:
    return [float(v) for v in (values or []) if v is not None and math.isfinite(float(v))]


def diagnose(train: Sequence[float], valid: Sequence[float] | None = None, *, chance: float | None = None,
             diverged_at: int | None = None, lr_position: float | None = None,
             regularization: float = 0.0) -> Verdict:
    """The verdict on one run.

    ``train``, ``valid``: loss per epoch (or per evaluation), start first; ``chance``: the loss of
    uniform guessing (ln q); ``diverged_at``: the step of the first inf/NaN, if any;
    ``lr_position``: where η sits in its slider's range, 0 (lowest) to 1 (highest), on the
    slider's scale; ``regularization``: the dropout probability (or another 0–1 measure of how
    hard the model is held back)."""
    raw = [float(v) for v in train if v is not None]
    started = next((i for i, v in enumerate(raw) if math.isfinite(v)), len(raw))   # an unknown start is no divergence
    broke = next((i for i in range(started, len(raw)) if not math.isfinite(raw[i])), None)
    if diverged_at is not None or broke is not None:
        return Verdict("diverged", "", {"step": diverged_at if diverged_at is not None else broke})
    losses, held = _finite(train), _finite(valid)
    if not losses:
        return Verdict("fine")
    last = losses[-1]
    values = {"loss": fmt(last), "start": fmt(losses[0])}
    if chance is not None and chance > 0:
        values.update(chance=fmt(chance, 3), ppl=fmt(math.exp(min(chance, 700)), 4))
    # stuck at chance: the training loss never got clearly below ln q
    if chance is not None and last >= NEAR_CHANCE * chance:
        if still_falling(losses) and last < losses[0] * 0.98:
            return Verdict("improving", "slow", values)
        # the facts of the run before the shape of the curve: heavy dropout also lifts the training
        # loss (it is measured with units dropped), which is no sign of a large η
        if regularization >= 0.5:
            cause = "regularized"
        elif lr_position is not None and lr_position <= 0.33:
            cause = "lr_low"
        elif max(losses) > losses[0] * 1.05 or (lr_position is not None and lr_position >= 0.67):
            cause = "lr_high"          # the first updates threw the weights into saturation
        else:
            cause = "flat"
        return Verdict("stuck", cause, values)
    # overfitting: the held-out loss rose well above its best while the training loss fell on
    if len(held) >= 2:
        best = min(held)
        values.update(valid=fmt(held[-1]), best=fmt(best), valid_ppl=fmt(math.exp(min(held[-1], 700)), 4))
        if chance is not None and held[-1] > chance and last < chance:
            return Verdict("overfitting", "beyond_chance", values)
        if held[-1] > OVERFIT_RISE * best and held.index(best) < len(held) - 1 and last <= min(losses) * 1.02:
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
}
