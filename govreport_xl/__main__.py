"""`python -m govreport_xl`, and the `govreport-xl` console script (`run`)."""

import sys


def run() -> None:
    if sys.argv[1:] == ["--version"]:  # said before loading the commands (and openpyxl) for nothing
        from . import __version__

        print(f"govreport-xl {__version__}")
        return
    from .cli import run as run_command

    run_command()


if __name__ == "__main__":
    run()
