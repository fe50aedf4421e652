"""cathodeml: predict what a treatment recipe does to a Ni-rich layered cathode.

Importing the package does nothing but define names: no tracking URI is set, no folder is
created and no logging handler is installed.
"""

from cathodeml.data.recipe import Recipe

__all__ = ["Recipe", "__version__"]
__version__ = "0.1.0"
