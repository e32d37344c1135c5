"""``python -m sovkg`` runs the command line."""

from sovkg.cli.main import main

main()
