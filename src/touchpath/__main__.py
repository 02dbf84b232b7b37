"""``python -m touchpath`` runs the CLI."""

from touchpath.cli import main

main()
