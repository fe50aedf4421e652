"""``python -m cathodeml.cli``: the same as the ``cathodeml`` console script."""

from cathodeml.cli import main

main()
