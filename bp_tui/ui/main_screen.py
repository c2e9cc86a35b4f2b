"""The debugger's screen: the panes, and the keys that look closer without
moving training (select a weight, a sample, more digits, the loss slope's
assembly, gradient checks, watches, breakpoints).

The screen holds the one published ``snapshot`` (a reactive); every pane is
bound to it (``data_bind``) and redraws itself from it alone.  Adding a pane:
yield it in ``compose`` with ``.data_bind(MainScreen.snapshot)`` (see
``snapshot.py``).  Training itself (phases, runs, files) is the app's.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Header, Static

from ..engine.debugger import Watch
from . import classroom, files, hints
from .breakdown_pane import BreakdownPane
from .counters import CountersPane
from .footer import KeysFooter
from .jobs import Done, JobScreen
from .keys import bindings, key_for
from .loss_chart import LossChart
from .picture_row import PictureRow
from .selection import Selection, WeightClicked, change_layer, cycle, move
from .snapshot import Snapshot
from .watch_pane import WatchPane

if TYPE_CHECKING:
    from .app import BpTuiApp

TITLES = {"counters": "Training", "breakdown-box": "Gradient breakdown", "chart": "Loss", "watches": "Watches"}


class MainScreen(Screen[None]):
    BINDINGS = bindings()
    snapshot: var[Snapshot | None] = var(None)
    app: BpTuiApp

    def compose(self) -> ComposeResult:
        """Counters on top, the network beside what it learned, then the breakdown beside the chart."""
        yield Header()
        with Vertical(id="main"):
            yield CountersPane(id="counters").data_bind(MainScreen.snapshot)
            yield PictureRow(id="picture").data_bind(MainScreen.snapshot)
            with Horizontal(id="bottom"):
                with VerticalScroll(id="breakdown-box", can_focus=False):
                    yield BreakdownPane(id="breakdown").data_bind(MainScreen.snapshot)
                with Vertical(id="side"):
                    yield LossChart(id="chart").data_bind(MainScreen.snapshot)
                    yield WatchPane(id="watches").data_bind(MainScreen.snapshot)
        yield Static(Text("Enlarge the terminal: bp-tui needs at least 60×20.", style="bold"), id="too-small")
        yield Static("", id="hint")
        yield KeysFooter(compact=True, show_command_palette=False)  # the app shows it where it has room (fit)

    def on_mount(self) -> None:
        for pane, title in TITLES.items():
            self.query_one(f"#{pane}").border_title = title
        self.app.started()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        """Nothing to look at while training moves (a run, a job): the key pauses it instead.
        (The app's actions, ``app.forward``..., the app checks.)"""
        return None if self.app.controller.running or self.app.busy else True

    # ------------------------------------------------------------ looking
    def _look(self, **changes: Any) -> None:
        self.app.view = replace(self.app.view, **changes)
        self.app.publish()

    def _select(self, selection: Selection) -> None:
        self._look(selection=selection)

    def _network(self) -> tuple[tuple[int, ...], bool]:
        return self.app.scenario.layers, self.app.scenario.bias

    def action_move_row(self, delta: int) -> None:
        self._select(move(self.app.view.selection, *self._network(), d_row=delta))

    def action_move_col(self, delta: int) -> None:
        self._select(move(self.app.view.selection, *self._network(), d_col=delta))

    def action_cycle(self, delta: int) -> None:
        self._select(cycle(self.app.view.selection, *self._network(), delta))

    def action_layer(self, delta: int) -> None:
        self._select(change_layer(self.app.view.selection, *self._network(), delta))

    def on_weight_clicked(self, message: WeightClicked) -> None:
        """A click on either view of the network (drawing or matrices)."""
        self._select(message.selection)

    # ---------------------------------------------------- the picture's views
    def action_matrix(self) -> None:
        matrix = not self.app.view.matrix
        self._look(matrix=matrix)
        row = self.query_one(PictureRow)
        if not matrix and not row.drawn:
            self.app.say("this network is too big to draw here: the matrices show it (a bigger terminal draws it)")
        else:
            t = key_for("matrix")
            self.app.say(f"the network as weight matrices ({t}: drawn)" if matrix else
                         f"the network drawn: nodes and lines ({t}: matrices)")

    def action_node_map(self) -> None:
        sel, depth = self.app.view.selection, len(self.app.scenario.layers) - 1
        node = None if sel.layer == depth or sel.j is None else (sel.layer, sel.j)
        node = None if node == self.app.view.map_node else node
        self.app.say("the map shows the output" if node is None else
                     f"the map shows layer {sel.layer} node {sel.j} ({key_for('node_map')} again: the output)")
        self._look(map_node=node)

    def action_features(self) -> None:
        from .learned_pane import next_features

        inputs = self.app.scenario.layers[0]
        if inputs <= 2:
            self.app.say(f"this network has {inputs} input{'s' if inputs > 1 else ''}: the map shows "
                         f"{'them all' if inputs > 1 else 'the prediction along it'}")
            return
        pair = next_features(self.app.view.map_features, inputs)
        self.app.say(f"the map shows inputs {pair[0]} and {pair[1]}, the others at their mean")
        self._look(map_features=pair)

    def action_description(self) -> None:
        from .description_screen import DescriptionScreen

        self.app.push_screen(DescriptionScreen(self.app.scenario))

    def action_sample(self) -> None:
        indices = self.app.session.current.sample_indices
        if len(indices) == 1:
            self.app.say(f"this batch has one sample (#{indices[0]}): {key_for('sample')} shows the next "
                         "sample of a batch of several")
            return
        sample = (self.app.view.sample + 1) % len(indices)
        self.app.say(f"the diagram shows sample {sample + 1} of {len(indices)} (#{indices[sample]})")
        self._look(sample=sample)

    def action_expand(self) -> None:
        """The loss slope's assembly (or the output step): once the pass that makes it has run."""
        st, sel = self.app.session.state, self.app.view.selection
        if not self.app.view.expanded and st.gradient_batch(sel.layer) is None:
            what = "the output step" if sel.layer == st.depth else f"how layer {sel.layer}'s loss slope was assembled"
            self.app.say(f"nothing to show yet: {what} comes with the backward pass; "
                         f"{hints.first_needed(st, sel.layer)}")
            return
        self._look(expanded=not self.app.view.expanded)

    def action_precision(self) -> None:
        self.app.say("full float64 precision" if not self.app.view.precise else "short numbers")
        self._look(precise=not self.app.view.precise)

    # ------------------------------------------------- checks and watches
    def action_gradcheck(self) -> None:
        app, selection = self.app, self.app.view.selection
        check = app.controller.move(lambda: app.debugger.check_weight(selection))
        if check is not None:
            app.gradcheck = (app.debugger.timeline.position, selection, check)
        app.say(hints.gradient_check(check, selection, app.session.state))
        app.publish()

    def action_gradcheck_all(self) -> None:
        """A job: the session does not move meanwhile (``busy``), and the check reads an immutable view."""
        app = self.app

        def checked(done: Done | None) -> None:
            app.busy = False
            result = done.result if done is not None else None
            if result is not None:
                app.gradcheck = (app.debugger.timeline.position, result.worst.param, result.worst)
                app.view = replace(app.view, selection=result.worst.param)
            if done is not None and not done.cancelled:
                app.say(hints.network_check(result, app.session.state))
            app.publish()

        app.busy = True
        app.push_screen(JobScreen("checking every gradient…", app.debugger.check_network), checked)

    def _toggle_watch(self, watch: Watch) -> None:
        pinned = self.app.controller.move(lambda: self.app.debugger.watches.toggle(watch, self.app.session))
        self.app.say(f"{'watching' if pinned else 'stopped watching'} {watch.name}")
        self.app.publish()

    def action_watch_weight(self) -> None:
        self._toggle_watch(self.app.view.selection)

    def action_watch_node(self) -> None:
        self._toggle_watch(self.app.view.selection.feeds)

    def action_watch_state(self) -> None:
        app = self.app
        watches, pinned = app.controller.move(lambda: app.debugger.toggle_state_watch(app.view.selection))
        names = ", ".join(w.name for w in watches)
        app.say(f"{'watching' if pinned else 'stopped watching'} {names}" if watches
                else f"{app.session.optimizer.name} keeps no state to watch")
        app.publish()


    def action_fork(self) -> None:
        from ..engine.compare import fork
        from .compare_app import CompareScreen
        from .fork_screen import ForkScreen

        app = self.app

        def chosen(change) -> None:
            if not change:
                return
            try:
                comparison = app.controller.move(lambda: fork(app.debugger, *change))
            except ValueError as error:
                app.say(f"cannot fork: {error}")
                return
            app.push_screen(CompareScreen(comparison, lock=app.controller.lock), lambda _: app.publish())

        app.push_screen(ForkScreen(f"from update {app.session.updates_done} of {app.scenario.title}"), chosen)

    # ------------------------------------------------------------ dialogs
    def action_breakpoints(self) -> None:
        from .breakpoints_screen import BreakpointsScreen

        breakpoints = self.app.debugger.breakpoints

        def applied(changed: bool | None) -> None:
            if changed:
                self.app.say("breakpoints: " + "; ".join(label for _, label, on in breakpoints.describe() if on))

        self.app.push_screen(BreakpointsScreen(breakpoints), applied)

    def action_open(self) -> None:
        from .open_screen import OpenScreen

        self.app.push_screen(OpenScreen(), self.app.opened)

    def action_export(self) -> None:
        from .export_screen import ExportScreen

        app = self.app
        job_for = files.jobs_for(app, app.scenario, app.session, app.controller.lock)
        app.push_screen(ExportScreen(files.default_stem(app.scenario), app.session.updates_done, job_for),
                        self._exported)

    def _exported(self, written: files.Written | None) -> None:
        if written is not None and written.weights is not None:
            self.app.opened(files.restarted(self.app.scenario, *written.weights), written.report)
        elif written is not None:
            self.app.say(written.report)

    def action_explain(self) -> None:
        classroom.explain(self.app)

    def action_present(self) -> None:
        classroom.toggle_presenter(self.app)

    def action_help(self) -> None:
        from .help_screen import HelpScreen

        self.app.push_screen(HelpScreen())
