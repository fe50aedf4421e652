"""Figures without global state: a matplotlib Figure, no pyplot registry, PNG on save."""

import struct

from matplotlib import _pylab_helpers
from matplotlib.figure import Figure

from cathodeml.plotting import new_figure, save_figure


def png_size(path) -> tuple[int, int]:
    """(width, height) in pixels from a PNG's header."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_a_figure_outside_pyplot(tmp_path):
    managers = _pylab_helpers.Gcf.get_num_fig_managers()
    fig = new_figure((4.0, 3.0), dpi=100)
    fig.subplots().plot([0, 1], [1, 0])
    assert isinstance(fig, Figure)
    assert _pylab_helpers.Gcf.get_num_fig_managers() == managers  # not registered with pyplot
    path = save_figure(fig, tmp_path / "a" / "b" / "line.png")
    assert path == tmp_path / "a" / "b" / "line.png"
    assert png_size(path) == (400, 300)
