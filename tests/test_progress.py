"""The progress hooks: a long library call reports its steps to whatever the caller plugs in."""

from cathodeml.progress import Progress


class Recorder(Progress):
    """A caller's own hooks (what a notebook would pass)."""

    def __init__(self):
        self.events = []

    def start(self, total, description):
        self.events.append(("start", total, description))

    def advance(self):
        self.events.append(("advance",))

    def stop(self):
        self.events.append(("stop",))


def test_the_default_hooks_do_nothing_and_accept_the_protocol():
    p = Progress()
    assert p.start(3, "x") is None and p.advance() is None and p.stop() is None


def test_explaining_reports_one_step_per_output(model, tmp_path):
    from cathodeml.data.recipe import Recipe, recipes_to_frame
    from cathodeml.explain.report import write_explanation

    rec = Recorder()
    frame = recipes_to_frame([Recipe(cathode="NCM811", v_min=2.8, v_max=4.3, cycles=100)])
    write_explanation(model, frame, tmp_path / "ex", waterfalls=1, progress=rec)
    n = 4 + len(model.targets) * 2  # attributions, counterfactuals, tables, global plot; beeswarm + 1 waterfall each
    assert rec.events[0] == ("start", n, "explaining 1 recipes") and rec.events[-1] == ("stop",)
    assert rec.events.count(("advance",)) == n
