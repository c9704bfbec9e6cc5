"""Load and rebuild: concurrent browser sessions change filters while an import replaces the database.

Every session checks the figure it is shown against a direct DuckDB query; after the swap each
session must show the new data on its next rerun, with no error and no "database locked". Server
memory is sampled throughout. Reduced size in `make test`; `make load` runs 20 sessions for 60 s
(LOAD_SESSIONS, LOAD_SECONDS).
"""
from __future__ import annotations

import asyncio
import json
import os
import random
import threading
import time
from pathlib import Path

import pytest
from playwright.async_api import async_playwright

from fabrique import build, db, demo, fmt
from fabrique.filters import Filters
from st_browser import READY, streamlit_server

pytestmark = pytest.mark.browser

SESSIONS = int(os.environ.get("LOAD_SESSIONS", "4"))
SECONDS = float(os.environ.get("LOAD_SECONDS", "30"))
HARD_STOP = 90  # seconds past SECONDS: a session still waiting for its post-swap check then fails
REGIONS = {"53": "Bretagne", "32": "Hauts-de-France", "76": "Occitanie", "28": "Normandie", "11": "Île-de-France"}
NEW_SEED = 7
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
CHIP = '[data-testid="stMultiSelectTagsContainer"] [data-tag]'  # a selected option of a multiselect
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def expected_creations(path: Path, year_min: int, year_max: int) -> dict[str, str]:
    """The « Créations » tile for each région, as the page formats it, from a direct query."""
    out = {}
    for reg in REGIONS:
        kpis = db.run("overview/kpis", Filters(year_min, year_max, regs=(reg,)).params(), path=path)
        out[reg] = fmt.number(int(kpis.set_index("period").loc["current", "creations_n"]))
    return out


def server_pid(port: int) -> int | None:
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"--server.port" in cmd and str(port).encode() in cmd:
                return int(proc.name)
    return None


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def creations_tile(page) -> str:
    tile = page.locator('[data-testid="stMetric"]').filter(has_text="Créations").first
    return (await tile.locator('[data-testid="stMetricValue"]').inner_text()).strip()


async def settle(page) -> None:
    """Wait until a rerun started by the last action has finished (the app root reports its state)."""
    await asyncio.sleep(0.3)
    await page.wait_for_selector(READY, timeout=60_000)


async def choose_region(page, name: str) -> None:
    """Reset the filters, then pick exactly one région in the sidebar list, as a user would."""
    box = page.locator('[data-testid="stSidebar"] [data-testid="stMultiSelect"]').filter(has_text="Région")
    # The reset's rerun must be over and drawn (no chip left) before the next pick, or the browser
    # would send the old selection plus the new one. A first click can be swallowed by the closing
    # drop-down list of the previous pick (seen under load): click again, as a user would.
    for attempt in range(3):
        await page.get_by_role("button", name="Réinitialiser les filtres").click()
        try:
            await box.locator(CHIP).first.wait_for(state="detached", timeout=15_000)
            break
        except Exception:
            if attempt == 2:
                raise
    await settle(page)
    await box.locator("input").click()
    await box.locator("input").fill(name)
    await page.get_by_role("option", name=name, exact=True).click()
    await page.keyboard.press("Escape")
    await settle(page)


async def session(n: int, browser, base: str, state: dict, stop_at: float) -> None:
    rng = random.Random(n)
    context = await browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-FR")
    page = await context.new_page()
    console = []
    page.on("console", lambda m: console.append(f"{m.type}: {m.text[:200]}") if m.type in ("error", "warning") else None)
    page.on("websocket", lambda ws: ws.on("close", lambda _: console.append("websocket closed")))
    await page.goto(base + "/")
    await page.wait_for_selector(READY, timeout=60_000)
    seen_after_swap = False
    while time.monotonic() < stop_at or (not seen_after_swap and time.monotonic() < stop_at + HARD_STOP):
        reg = rng.choice(list(REGIONS))
        started = time.monotonic()
        swap_done_before = state["swap_done"] is not None and state["swap_done"] < started
        try:
            await choose_region(page, REGIONS[reg])
            wanted = {state["new"][reg]} if swap_done_before else {state["old"][reg], state["new"][reg]}
            shown = None
            deadline = time.monotonic() + 45
            while time.monotonic() < deadline:
                await page.wait_for_selector(READY, timeout=45_000)
                shown = await creations_tile(page)
                if shown in wanted:
                    break
                await asyncio.sleep(0.3)
            body = await page.locator('[data-testid="stMain"]').inner_text()
            problems = await page.locator('[data-testid="stException"]').count()
            if shown not in wanted or problems or "locked" in body.lower():
                chips = await page.locator(f'[data-testid="stSidebar"] {CHIP}').all_inner_texts()
                state["errors"].append({"session": n, "region": reg, "shown": shown, "wanted": sorted(wanted),
                                        "exceptions": problems, "after_swap": swap_done_before,
                                        "selected": chips, "url": page.url})
            else:
                state["checked"] += 1
                state["checked_after_swap"] += swap_done_before
                if swap_done_before and not seen_after_swap:
                    seen_after_swap = True
                    state["sessions_seen_after_swap"] += 1
                state["durations"].append(round(time.monotonic() - started, 2))
        except Exception as exc:  # a timeout or a vanished element is an error of the run, not of the test
            shot = ARTIFACTS / f"load_error_session{n}.png"
            await page.screenshot(path=str(shot), full_page=True)
            state["errors"].append({"session": n, "region": reg, "error": repr(exc)[:300], "screenshot": shot.name,
                                    "console": [c for c in console if "Infinite extent" not in c][-8:]})
    await context.close()


async def run_load(base: str, db_path: Path, new_db: Path, pid: int | None, report: Path) -> dict:
    years = db.run("frame/year_range", path=db_path).iloc[0]
    y1, y2 = int(years["year_min"]), int(years["year_max"])
    state = {"old": expected_creations(db_path, y1, y2), "new": expected_creations(new_db, y1, y2),
             "swap_done": None, "errors": [], "checked": 0, "checked_after_swap": 0, "memory": [],
             "durations": [], "sessions_seen_after_swap": 0}
    assert state["old"] != state["new"], "the replacement data must differ to see the swap"
    start = time.monotonic()
    stop_at = start + SECONDS

    async def sample_memory():
        while pid and not state.get("finished"):
            state["memory"].append((round(time.monotonic() - start, 1), round(rss_mb(pid), 1)))
            await asyncio.sleep(2)

    async def swap():
        await asyncio.sleep(SECONDS / 2)
        # An import replacing the served database: the same atomic build the CLI runs (temporary
        # file, checks, os.replace), with the records whose figures `new_db` holds.
        await asyncio.to_thread(build.build, demo.generate(seed=NEW_SEED), kind="import", db_path=db_path,
                                data_date="2026-11-26", archive=False)
        state["swap_done"] = time.monotonic()

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        async def sessions():
            await asyncio.gather(*(session(i, browser, base, state, stop_at) for i in range(SESSIONS)))
            state["finished"] = True

        await asyncio.gather(sample_memory(), swap(), sessions())
        await browser.close()
    result = {k: state[k] for k in ("checked", "checked_after_swap", "errors", "memory", "durations",
                                    "sessions_seen_after_swap")}
    result.update(sessions=SESSIONS, seconds=SECONDS)
    report.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return result


def test_concurrent_sessions_survive_a_database_swap(tmp_path_factory):
    if not Path("/usr/bin/chromium").exists():
        if os.environ.get("CI") == "true":
            pytest.fail("Debian's chromium is missing (apt-get install -y chromium)")
        pytest.skip("Debian's chromium is not installed on this machine")
    folder = tmp_path_factory.mktemp("load")
    served, replacement = folder / "fabrique.duckdb", folder / "replacement.duckdb"
    build.build(demo.generate(), kind="demo", db_path=served, data_date="2026-10-31", archive=False)
    build.build(demo.generate(seed=NEW_SEED), kind="import", db_path=replacement, data_date="2026-11-26",
                archive=False)
    artefacts = ARTIFACTS
    artefacts.mkdir(exist_ok=True)
    with streamlit_server(served, folder / "streamlit.log") as base:
        pid = server_pid(int(base.rsplit(":", 1)[1]))
        # Own thread: the session's sync Playwright (other browser tests) must not see this event loop.
        box = {}
        worker = threading.Thread(target=lambda: box.update(
            result=asyncio.run(run_load(base, served, replacement, pid, artefacts / "load_report.json"))))
        worker.start()
        worker.join()
        result = box["result"]
    mem = [m for _, m in result["memory"]]
    print(f"\nCharge : {SESSIONS} sessions, {SECONDS:.0f} s, {result['checked']} vérifications "
          f"({result['checked_after_swap']} après le remplacement), erreurs : {len(result['errors'])}, "
          f"mémoire du serveur {min(mem, default=0):.0f}-{max(mem, default=0):.0f} Mo")
    assert result["errors"] == []
    assert result["checked"] >= SESSIONS
    assert result["sessions_seen_after_swap"] == SESSIONS, "every session shows the new data after the swap"
