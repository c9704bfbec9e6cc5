"""Start the dashboard: `streamlit run app.py` with Streamlit's old pages/ auto-discovery switched off.

Streamlit treats a folder named pages/ beside the entry file as a first-generation multipage app
until app.py has called st.navigation once in the process: the first visitor of /parcours after a
restart would get the page alone, without the frame (filters, banner, partner checks). app.py
declares every page with st.navigation, so the flag is cleared before the server starts.

    python -m fabrique.serve [streamlit options, e.g. --server.port 8501]
"""
from __future__ import annotations

import sys

from streamlit.runtime.pages_manager import PagesManager
from streamlit.web import cli

from .config import ROOT


def main(argv: list[str] | None = None) -> None:
    PagesManager.uses_pages_directory = False
    sys.argv = ["streamlit", "run", str(ROOT / "app.py"), *(sys.argv[1:] if argv is None else argv)]
    cli.main()


if __name__ == "__main__":
    main()
