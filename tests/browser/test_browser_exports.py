"""Downloads of the « Méthode et données » page, read back as a user's spreadsheet would."""
import io
import re

import pandas as pd
import pytest
from st_browser import goto

from fabrique import db
from fabrique.filters import Filters

pytestmark = pytest.mark.browser

URL = "/methode?annees=2019-2024&reg=53"
FILTERS = Filters(2019, 2024, regs=("53",))


def _download(page, fmt: str, what: str | None = None):
    """Click the download button whose label ends with (CSV)/(XLSX) and names `what` (not the import template)."""
    pattern = re.compile((re.escape(what) + ".*" if what else "") + r"\(" + fmt + r"\)", re.I)
    buttons = page.locator('[data-testid="stDownloadButton"] button').filter(has_text=pattern)
    buttons = buttons.filter(has_not_text=re.compile("modèle", re.I))
    assert buttons.count() >= 1, f"no « … ({fmt}) » download button"
    with page.expect_download(timeout=30_000) as dl:
        buttons.first.click()
    return dl.value


def test_csv_download_is_excel_french(page, app_url, demo_db):
    goto(page, app_url + URL)
    download = _download(page, "CSV", "projets")
    assert download.suggested_filename.endswith(".csv")
    raw = open(download.path(), "rb").read()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 BOM missing (Excel would garble accents)"
    text = raw.decode("utf-8-sig")
    header = text.splitlines()[0]
    assert ";" in header and header.count(";") >= 3
    df = pd.read_csv(io.BytesIO(raw), sep=";", encoding="utf-8-sig", decimal=",", dtype=str)
    expected = db.run("method/export_projects", FILTERS.params(), path=demo_db)
    assert len(df) == len(expected)
    # Decimal commas: some value looks like 1,5 and none like 1.5.
    cells = df.stack().astype(str)
    assert cells.str.fullmatch(r"-?\d+,\d+").any(), "no decimal comma in the file"
    assert not cells.str.fullmatch(r"-?\d+\.\d+").any(), "decimal points in the file"
    assert "données fictives" in text.lower()


def test_xlsx_download_carries_its_context(page, app_url, demo_db, tmp_path):
    import openpyxl
    goto(page, app_url + URL)
    download = _download(page, "XLSX")
    assert download.suggested_filename.endswith(".xlsx")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    wb = openpyxl.load_workbook(saved, read_only=True)
    text = "\n".join(str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
                     for c in row if c is not None)
    assert "Bretagne" in text and "2019" in text and "2024" in text, "filter context missing"
    assert re.search(r"\d{2}/\d{2}/\d{4}", text), "no date (data date / export date)"
    assert "Fabrique à initiatives" in text or "Avise" in text, "source missing"
    assert "données fictives" in text.lower()
    expected = db.run("method/export_projects", FILTERS.params(), path=demo_db)
    sheets = {ws.title: ws for ws in wb.worksheets}
    projects = next((ws for name, ws in sheets.items() if "projet" in name.lower()), None)
    assert projects is not None, list(sheets)
    assert sum(1 for _ in projects.iter_rows(min_row=2, values_only=True)) == len(expected)
