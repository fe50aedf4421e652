"""cathodeml: predict what a treatment recipe does to a Ni-rich layered cathode.

Importing the package does nothing but define names: no tracking URI is set, no folder is
created and no logging handler is installed.
"""

__version__ = "0.1.0"  # first: modules below the facade read it while the facade is still importing

from cathodeml.data.recipe import Recipe  # noqa: E402

__all__ = ["Recipe", "__version__", "load_model"]


def load_model(uri=None, *, tracking_uri=None):
    """Load a trained model for notebooks: ``cathodeml.load_model("models:/cathodeml/3").predict(df)``.

    ``uri`` is a directory written by ``cathodeml train --out``, an MLflow URI, or ``None`` for the
    latest registered version in the default local store.
    """
    from cathodeml.tracking.registry import load_model as _load

    return _load(uri, tracking_uri=tracking_uri)
