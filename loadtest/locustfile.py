"""Locust users that visit the dashboard over Streamlit's websocket protocol, without a browser.

Each user is one visitor (loadtest.protocol.Session): opens one of the four pages, then picks a
région, changes the period, resets the filters or goes to another page, and after each rerun checks
what it was shown (loadtest.checks: the filters it asked for, the key figures against direct SQL, no
error box, and once the database has been replaced, the new data date). Each action is reported to
Locust as a request (type WS, its name, the run time as the client saw it, bytes received) and
written as one JSON line to LOAD_RESULTS for the report (loadtest/run.py).

    locust -f loadtest/locustfile.py --host http://127.0.0.1:8501 --headless -u 10 -r 2 -t 60s

Settings (environment, set by loadtest/run.py):
  LOAD_PROFILE       people (5 to 15 s of thought between actions) or stress (no pause)
  LOAD_OLD_DB        copy of the database served at the start (checks before the swap)
  LOAD_NEW_DB        the database an import installs mid-run (checks after it), optional
  LOAD_SWAP_FILE     written by the driver when the import is over: its content is the epoch time
  LOAD_RESULTS       JSON lines, one per action (appended; one file may serve several processes)
  LOAD_SOURCE_IPS    1: each user connects from its own loopback address (127.x.y.z), as distinct
                     visitors do; a proxy's per-address limits then apply per visitor
  LOAD_ACTION_TIMEOUT seconds before a run counts as an error (120)

Locust spreads users over several processes or machines (--processes, --master/--worker); the checks
need LOAD_OLD_DB / LOAD_NEW_DB readable where the users run.
"""
from __future__ import annotations

import itertools
import json
import os
import random
import threading
import time
from pathlib import Path

from locust import User, between, constant, events, task

from loadtest import checks
from loadtest.protocol import ProtocolError, Session

PROFILE = os.environ.get("LOAD_PROFILE", "stress")
OLD_DB = os.environ.get("LOAD_OLD_DB", "")
NEW_DB = os.environ.get("LOAD_NEW_DB", "")
SWAP_FILE = Path(os.environ.get("LOAD_SWAP_FILE", "/nonexistent"))
RESULTS = os.environ.get("LOAD_RESULTS", "")
SOURCE_IPS = os.environ.get("LOAD_SOURCE_IPS") == "1"
ACTION_TIMEOUT = float(os.environ.get("LOAD_ACTION_TIMEOUT", "120"))

_numbers = itertools.count()
_write_lock = threading.Lock()
_out = open(RESULTS, "a", encoding="utf-8") if RESULTS else None
_swap_time: list[float] = []


def swap_time() -> float | None:
    """When the import replacing the database finished (epoch seconds), or None while it has not."""
    if not _swap_time and SWAP_FILE.exists():
        text = SWAP_FILE.read_text().strip()
        if text:
            _swap_time.append(float(text))
    return _swap_time[0] if _swap_time else None


def source_address(n: int) -> str | None:
    if not SOURCE_IPS:
        return None
    # Second byte from the process id: Locust worker processes each number their users from 0.
    return f"127.{1 + os.getpid() % 200}.{n // 250}.{1 + n % 250}"


def record(row: dict) -> None:
    if _out is not None:
        with _write_lock:
            _out.write(json.dumps(row, ensure_ascii=False) + "\n")
            _out.flush()


class Visitor(User):
    wait_time = between(5, 15) if PROFILE == "people" else constant(0)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.rng = random.Random(f"{os.getpid()}-{self.number}")
        self.session: Session | None = None
        self.asked: dict = {}          # label -> value this visitor last asked for
        self.seen_new_data = False
        self.open()

    def on_stop(self) -> None:
        if self.session is not None:
            self.session.close()

    # ------------------------------------------------------------ actions (one rerun each)

    def open(self) -> None:
        """A new tab on one of the four pages (also after a broken connection, as a reload would)."""
        if self.session is not None:
            self.session.close()
        self.session = Session(self.host.rstrip("/"), source_address=source_address(self.number),
                               timeout=ACTION_TIMEOUT)
        self.asked = {}
        page = self.rng.choice(checks.PAGES)

        def go():
            self.session.connect()
            run = self.session.open("")
            if page != self.session.page_title:
                # The first visit lands on the default page; another page is one click away. Both runs
                # count in the action's time, as a visitor following a link to that page would wait.
                first = run
                run = self.session.goto(page)
                run.seconds += first.seconds
                run.finished[:0] = first.finished
                run.bytes += first.bytes
            return run
        self.act("ouvrir une page", go)

    @task(3)
    def pick_region(self) -> None:
        if self.ready():
            name = self.rng.choice(self.session.widget(checks.REGION).options)
            self.asked[checks.REGION] = [name]
            self.act("choisir une région", lambda: self.session.set(checks.REGION, [name]))

    @task(1)
    def change_period(self) -> None:
        if self.ready():
            w = self.session.widget(checks.PERIOD)
            lo, hi = int(w.proto.min), int(w.proto.max)
            y1 = self.rng.randint(lo, hi)
            y2 = self.rng.randint(y1, hi)
            self.asked[checks.PERIOD] = [y1, y2]
            self.act("changer la période", lambda: self.session.set(checks.PERIOD, [y1, y2]))

    @task(1)
    def reset(self) -> None:
        if self.ready():
            w = self.session.widget(checks.PERIOD)
            # The default period ends with the last complete year (not the slider's end).
            period = (checks.default_period(OLD_DB or NEW_DB) if (OLD_DB or NEW_DB)
                      else [int(w.proto.min), int(w.proto.max)])
            self.asked = {checks.REGION: [], checks.PERIOD: period}
            self.act("réinitialiser les filtres", lambda: self.session.click(checks.RESET))

    @task(2)
    def switch_page(self) -> None:
        if self.ready():
            page = self.rng.choice([p for p in checks.PAGES if p != self.session.page_title])
            self.act("changer de page", lambda: self.session.goto(page))

    # ------------------------------------------------------------ timing, checks, reporting

    def ready(self) -> bool:
        """False after a broken session: the visitor reloads instead of acting."""
        if self.session is None or self.session.last is None or not self.session.connected:
            self.open()
            return False
        return True

    def act(self, name: str, action) -> None:
        started = time.time()
        swapped = swap_time()
        after_swap = swapped is not None and swapped < started
        row = {"t": round(started, 3), "user": f"{os.getpid()}-{self.number}", "action": name,
               "after_swap": after_swap}
        problems: list[str] = []
        run = None
        try:
            run = action()
        except ProtocolError as exc:
            problems.append(f"protocole : {exc}")
            if self.session is not None:
                self.session.close()
        except Exception as exc:  # a bug of the client or a page the client cannot read: an error all the same
            problems.append(f"{type(exc).__name__} : {exc}")
            if self.session is not None:
                self.session.close()
        n_checks = 0
        if run is not None:
            row.update(ms=round(run.seconds * 1000, 1), bytes=run.bytes, runs=len(run.finished),
                       page=self.session.page_title)
            try:
                n_checks, found = self.verify(run, after_swap)
            except Exception as exc:  # a page the checks cannot read is an error of the run, not a crash
                n_checks, found = 0, [f"vérification impossible : {type(exc).__name__} : {exc}"]
            problems += found
        row.update(checks=n_checks, errors=problems, seen_new_data=self.seen_new_data)
        record(row)
        events.request.fire(request_type="WS", name=name, response_time=row.get("ms", 0.0),
                            response_length=row.get("bytes", 0), context={},
                            exception=ProtocolError("; ".join(problems)) if problems else None)

    def verify(self, run, after_swap: bool) -> tuple[int, list[str]]:
        """Checks of one run: (how many were made, what went wrong)."""
        problems = [f"erreur affichée : {e[:200]}" for e in run.errors()]
        if any("locked" in t.lower() for t in run.texts()):
            problems.append("« locked » dans la page")
        if any(f != 0 for f in run.finished[-1:]):
            problems.append(f"exécution terminée avec le statut {run.finished}")
        s = self.session
        try:
            period = [int(v) for v in s.value(checks.PERIOD)]
            regions = list(s.value(checks.REGION))
        except ProtocolError as exc:
            return 0, problems + [str(exc)]
        n = 0
        for label, shown in ((checks.REGION, regions), (checks.PERIOD, period)):
            if label in self.asked:
                n += 1
                if shown != self.asked[label]:
                    problems.append(f"filtre « {label} » : demandé {self.asked[label]}, affiché {shown}")
        # Which database the figures must come from: the new one once the import was over before the
        # action started; either one while it was under way.
        dbs = [NEW_DB] if after_swap and NEW_DB else [p for p in (OLD_DB, NEW_DB) if p]
        date_line = next((t for t in run.texts() if t.startswith(checks.DATA_DATE_PREFIX)), "")
        if NEW_DB:
            n += 1
            new_date = checks.data_date(NEW_DB)
            if date_line.startswith(new_date):
                self.seen_new_data = True
            elif after_swap:
                problems.append(f"après l'importation la page dit « {date_line[:30]} », attendu « {new_date} »")
        if not dbs:
            return n, problems
        codes = tuple(checks.region_codes(dbs[0])[r] for r in regions)
        tiles = run.metrics()
        for check in checks.page_checks(s.page_title):
            n += 1
            wanted = [checks.expected(p, check, period[0], period[1], codes) for p in dbs]
            # A tile's label may end with the period (« Structures du réseau fin 2025 »): matched by its start.
            shown = next((v for k, v in tiles.items() if k == check.label or k.startswith(check.label + " ")), None)
            if shown is None and any(empty for _, empty in wanted):
                continue  # nothing matches the filters: the page shows a notice instead of tiles
            if shown not in [value for value, _ in wanted]:
                problems.append(f"{s.page_title} · {check.label} : affiché {shown!r}, attendu "
                                f"{' ou '.join(repr(v) for v, _ in wanted)} (régions {codes}, {period})")
        return n, problems
