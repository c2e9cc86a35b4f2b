"""The gradient breakdown pane: the selected weight's gradient as the slides' product.

    node value feeding in  x  loss slope at the node fed  x  activation slope there

one row per sample of the batch, then their mean (the gradient), then the
update the optimizer makes (SGD: ``w - learning_rate x gradient = new w``).  For a hidden node it can
expand to show how its loss slope was assembled from the next layer.  All
numbers come from the engine's ``breakdown`` queries; this pane only lays
them out.
"""

from __future__ import annotations

import time
from typing import cast

from rich.console import Group, JustifyMethod
from rich.measure import Measurement
from rich.segment import Segment
from rich.styled import Styled
from rich.table import Table
from rich.text import Text
from textual.reactive import var
from textual.strip import Strip
from textual.widget import Widget

from ..engine.breakdown import loss_slope_assembly, weight_breakdown
from ..engine.gradcheck import AGREES, AT_KINK
from ..engine.optimizers import Term
from ..engine.output_step import output_step
from ..engine.state import FORWARD, BatchView, SessionState
from .description_screen import reflow
from .fmt import number, term
from .keys import key_for
from .output_text import render_output_step
from .pace import FULL, PACES
from .selection import Selection
from .snapshot import Snapshot

MAX_ROWS = 8  # samples (or next-layer nodes) listed before "... n more"
# A full-speed run's breakdown is drawn again at most this often: its tables cost more than half
# of a redraw's time on the UI thread (time the training worker loses to the GIL), and numbers
# changing four times a second cannot be read anyway.  Paced runs and stops draw every snapshot.
FULL_SPEED_SECONDS = 1.0


def weight_name(sel: Selection) -> str:
    return sel.describe()


class BreakdownPane(Widget, can_focus=False):
    """Shows the breakdown of the snapshot's selection, rendered once per snapshot.

    A Static would render the tables three times a key (to measure, to count
    lines, to draw) and ask for a new layout of the whole screen each time;
    this pane renders once, serves the rows (``render_line``), and asks for a
    layout only when its size changed.
    """

    DEFAULT_CSS = "BreakdownPane { height: auto; }"

    snapshot: var[Snapshot | None] = var(None)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._content: Group | None = None
        self._strips: list[Strip] = []
        self._width = 0
        self._drawn_at = -FULL_SPEED_SECONDS  # time.monotonic() of the last snapshot drawn

    def watch_snapshot(self, snapshot: Snapshot | None) -> None:
        if snapshot is None:
            return
        now = time.monotonic()
        if (snapshot.running and snapshot.pace == PACES[FULL].name
                and now - self._drawn_at < FULL_SPEED_SECONDS and self._content is not None):
            return
        self._drawn_at = now
        self._content = render_breakdown(snapshot)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        """Render the content as wide as the box (wider when a table needs it: the box scrolls)."""
        box = self.parent
        room = box.scrollable_content_region.width if isinstance(box, Widget) else self.size.width
        if self._content is None or room <= 0:
            return
        console, options = self.app.console, self.app.console_options.update(highlight=False)
        width = max(room, Measurement.get(console, options.update_width(1000), self._content).minimum)
        lines = Segment.split_and_crop_lines(console.render(Styled(self._content, self.rich_style),
                                                            options.update_width(width)),
                                             width, include_new_lines=False, pad=False)
        strips = [Strip(line) for line in lines]
        resized = (len(strips), width) != (len(self._strips), self._width)
        self._strips, self._width = strips, width
        self.refresh(layout=resized)

    def get_content_width(self, container, viewport) -> int:
        return max(self._width, 1)

    def get_content_height(self, container, viewport, width) -> int:
        return max(len(self._strips), 1)

    def render_line(self, y: int) -> Strip:
        return self._strips[y] if y < len(self._strips) else Strip.blank(self.size.width, self.rich_style)


def render_breakdown(snapshot: Snapshot) -> Group:
    state, sel, digits, check = snapshot.state, snapshot.selection, snapshot.digits, snapshot.check
    cur = state.current
    parts: list = [Text(weight_name(sel), style="bold")]
    batch, note = _which_batch(state, sel)
    if note:
        parts.append(Text(note, style="italic yellow"))
    if check is not None:
        parts.append(_check_line(check, digits))
    if batch is None:
        intro = snapshot.scenario.description if snapshot.scenario is not None else ""
        if intro.strip():  # the scenario's own words, until the first gradient is there to show
            parts.append(Text("\n" + reflow(intro) + "\n", style="italic"))
        parts.append(_what_comes(sel, state.optimizer))
        return Group(*parts)
    if batch is not cur:
        parts.append(Text(f"last update: epoch {batch.epoch}, batch {batch.batch}", style="dim"))
    bd = weight_breakdown(batch, sel, state.activations[sel.layer], state.optimizer)
    parts.append(_factor_table(bd, digits))
    parts.extend(_notes(bd, state.activations[sel.layer]))
    # Applied once the weights moved: a batch before the current one, or the
    # current one when training is finished (its update is the last one done).
    parts.append(_update_lines(bd, digits, applied=batch.weights_after is not None))
    if snapshot.view.expanded and sel.layer == state.depth:
        step = output_step(batch, state.loss, snapshot.sample)
        if step is not None and sel.j is not None:
            parts.extend(render_output_step(step, sel.j, digits, batch.loss_slopes[sel.layer] is not None))
    elif snapshot.view.expanded:
        parts.extend(_assembly(batch, sel, snapshot.sample, digits))
    elif sel.layer < state.depth:
        parts.append(Text(f"press {key_for('expand')} to see how this loss slope was assembled from the next layer",
                          style="dim"))
    else:
        parts.append(Text(f"press {key_for('expand')} for the output step: prediction − target = error, the loss, "
                          "its slope", style="dim"))
    return Group(*parts)


def _which_batch(state: SessionState, sel: Selection) -> tuple[BatchView | None, str]:
    """The batch the engine says is on screen (``gradient_batch``), and a hint when it is not the current one."""
    cur, nxt = state.current, state.next_phase
    batch = state.gradient_batch(sel.layer)
    if batch is cur:
        return cur, ""
    if nxt is None:
        hint = f"training is finished ({key_for('reset')} resets)"
    elif nxt.kind == FORWARD:
        hint = f"press {key_for('forward')} to run the forward pass ({nxt.describe(state.depth)} next)"
    else:
        hint = (f"press {key_for('backward')} to run the backward pass to layer {sel.layer} "
                f"({nxt.describe(state.depth)} next)")
    return batch, hint


def _factor_table(bd, digits: int | None) -> Table:
    table = Table(box=None, pad_edge=False, padding=(0, 1), collapse_padding=True, show_edge=False, header_style="bold")
    feeding = "bias\ninput" if bd.is_bias else "node\nvalue"
    for name, justify in (("\nsample", "right"), (feeding, "right"), ("", "center"), ("loss\nslope", "right"),
                          ("", "center"), ("activation\nslope", "right"), ("", "center"), ("\nproduct", "right")):
        table.add_column(name, justify=cast(JustifyMethod, justify), no_wrap=True)
    n = len(bd.sample_indices)
    shown = range(n) if n <= MAX_ROWS else list(range(MAX_ROWS - 2)) + [n - 1]
    for k in shown:
        if n > MAX_ROWS and k == n - 1:
            table.add_row("…", f"{n - MAX_ROWS + 1} more", "", "", "", "", "", "", style="dim")
        table.add_row(f"#{bd.sample_indices[k]}", number(bd.node_value[k], digits), "×",
                      term(bd.loss_slope[k], digits), "×", term(bd.activation_slope[k], digits),
                      "=", number(bd.product[k], digits))
    table.add_row(Text("mean", style="bold"), "", "", "", "", Text("= gradient", style="bold"), "=",
                  Text(number(bd.mean, digits), style="bold"))
    return table


def _notes(bd, activation: str) -> list[Text]:
    notes = []
    if bd.at_zero.any():
        slope = "0" if activation == "relu" else "0.01"
        notes.append(Text(f"{activation} at exactly 0: slope taken as {slope} (its negative side, as PyTorch)",
                          style="yellow"))
    if bd.slopes_combined:
        notes.append(Text("softmax + cross-entropy: loss and activation slopes taken together, "
                          "loss slope = p − t, activation slope = 1", style="yellow"))
    return notes


def _update_lines(bd, digits: int | None, applied: bool) -> Text:
    """The optimizer's arithmetic for this entry: each line as a formula, then with its numbers."""
    text = Text()
    lines = bd.update.equations
    for k, line in enumerate(lines):
        text.append(f"{'update: ' if k == 0 else '        '}{line.formula}\n", style="dim")
        head = "".join(_shown(piece, k > 0 and not str(line.pieces[k - 1]).endswith("("), digits)
                       for k, piece in enumerate(line.pieces))
        result = number(line.result.value, digits)
        text.append(f"        {head} = ")
        last = k == len(lines) - 1
        text.append(result, style="bold green" if last else "bold")
        if last:
            text.append("  ")  # a segment of its own: SVG renderers that drop a text's leading spaces keep it
            text.append("(applied)" if applied else f"(after {key_for('update')})", style="dim")
        else:
            text.append("\n")
    return text


def _shown(piece: Term | str, after_operator: bool, digits: int | None) -> str:
    """One piece of an update line with its number: a negative one after an operator in brackets
    (``1 − 0.01 × (-6)``), not at the start nor just inside a bracket."""
    if not isinstance(piece, Term):
        return piece
    return term(piece.value, digits) if after_operator else number(piece.value, digits)


def _assembly(batch: BatchView, sel: Selection, sample: int, digits: int | None) -> list:
    assert sel.j is not None  # a selection is one weight or bias
    asm = loss_slope_assembly(batch, sel.layer, sel.j)
    if asm is None:
        return [Text("the output layer's loss slope comes straight from the loss", style="dim")]
    s = min(sample, len(batch.sample_indices) - 1)
    head = Text(f"loss slope at layer {sel.layer} node {sel.j}, sample #{batch.sample_indices[s]}: "
                f"go back one layer, sum over layer {sel.layer + 1}'s nodes k", style="bold")
    table = Table(box=None, pad_edge=False, padding=(0, 1), collapse_padding=True, show_edge=False, header_style="bold")
    for name in ("k", "loss slope", "", "act. slope", "", f"w {sel.j}→k", "", "product"):
        table.add_column(name, justify="right", no_wrap=True)
    width = asm.weight.shape[0]
    for k in range(min(width, MAX_ROWS)):
        table.add_row(str(k), number(asm.next_loss_slope[s, k], digits), "×",
                      term(asm.next_activation_slope[s, k], digits), "×", term(asm.weight[k], digits),
                      "=", number(asm.product[s, k], digits))
    if width > MAX_ROWS:
        table.add_row("…", f"{width - MAX_ROWS} more", "", "", "", "", "", "", style="dim")
    table.add_row(Text("sum", style="bold"), "", "", "", "", "", "=",
                  Text(number(asm.loss_slope[s], digits), style="bold"))
    return [head, table]


def _check_line(check, digits: int | None) -> Text:
    """The gradient check beside backprop: the chain rule, verified by nudging the weight."""
    ok = check.verdict == AGREES
    text = Text("gradient check: ", style="bold")
    text.append(f"backprop {number(check.backprop, digits)}  vs  slope of the batch loss "
                f"(central differences, h={check.step:.1g}) {number(check.finite_difference, digits)}: ")
    text.append(f"relative error {check.error_text} ", style="bold green" if ok else "bold red")
    mark = "✓" if ok else ("~" if check.verdict == AT_KINK else "✗")
    text.append(f"{mark} {check.verdict}", style="green" if ok else ("yellow" if check.verdict == AT_KINK else "red"))
    if check.kink:
        text.append("  (a ReLU crossed 0 within the nudge: the slope is not defined there)", style="yellow")
    return text


def _what_comes(sel: Selection, optimizer) -> Text:
    """Before the first backward pass: what this pane will show, in the slides' words."""
    fed = "1 (a bias has no node feeding it)" if sel.is_bias else f"the value of layer {sel.layer - 1} node {sel.i}"
    text = Text("\nOnce the backward pass reaches layer ", style="dim")
    text.append(f"{sel.layer}, this weight's gradient appears here as the product of\n", style="dim")
    text.append(f"  1. the node value feeding into it: {fed},\n")
    text.append(f"  2. the slope of the loss w.r.t. the node it feeds into (layer {sel.layer} node {sel.j}),\n")
    text.append("  3. the slope of the activation at that node,\n")
    text.append(f"per sample of the batch, then their mean; then the update: {optimizer.formula(sel)}.",
                style="dim")
    return text
