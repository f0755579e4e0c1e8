"""The office server (`govreport-xl serve`): another surface over `govreport_xl.api`, like the
command line. It holds no rule and no cell position: findings, marks, summaries and exports all
come from the API and the writers the command line uses.

Layout: `settings.py` (what the office configures), `app.py` (`create_app`, the one place where
routers are included), one module per group of routes. Importing this package imports nothing
of the web stack; `app.py` does.
"""
