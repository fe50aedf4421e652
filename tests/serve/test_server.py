"""The single-process server: SIGTERM first cancels the running heavy computations, then stops."""

import signal

import uvicorn

from cathodeml.models.persistence import load_local_model
from cathodeml.serve.api import create_app
from cathodeml.serve.limits import CancelToken
from cathodeml.serve.server import _Server


def test_sigterm_cancels_heavy_work_before_the_server_stops(tiny_model_dir):
    app = create_app(load_local_model(tiny_model_dir))
    token = CancelToken(600)
    assert app.state.slots.try_acquire(token)
    server = _Server(uvicorn.Config(app, host="127.0.0.1", port=0), app)
    server.handle_exit(signal.SIGTERM, None)
    assert token.expired() and token.reason == "the server is shutting down"
    assert server.should_exit
