"""``python -m formcheck``: the command line."""

from formcheck.app.cli import main

main()
