"""Capacity at the protocol level: serve the demo database, run Locust visitors, write a report.

    python -m loadtest.run                        # make load: baseline, then 50 « people » for 5 min
    python -m loadtest.run --sweep 1,5,10,25,50   # make load-stress: no pause, growing session counts
    python -m loadtest.run --sweep 10,25,50 --scale 1,2,4   # make load-scale: behind nginx

One run: build the demo database in a temporary folder (plus the copy that the checks read and the
database an import will install), start the Streamlit replicas (python -m fabrique.serve, each logging
its script runs) and, with more than one replica or --proxy, nginx with deploy/nginx/fabrique.conf in
front; then Locust (loadtest/locustfile.py) as a child process. Meanwhile the driver samples the
replicas' memory every 2 s, the CPU of the replicas, of Locust, of nginx and of everything else on the
machine, and halfway through replaces the database by an import (fabrique.build, as `python -m
fabrique import` does). The report (JSON) keeps the figures that README « Capacité » quotes.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

from loadtest import stack

ROOT = stack.ROOT
ARTIFACTS = ROOT / "artifacts"
NEW_SEED = 7                   # records of the import that replaces the database mid-run
NEW_DATA_DATE = "2026-11-26"   # its data date: the footer of every page after the swap says it
ACTION_TIMEOUT = 120


def percentiles(values: list[float]) -> dict:
    if not values:
        return {"n": 0}
    v = sorted(values)
    pick = lambda q: v[min(len(v) - 1, int(q * len(v)))]  # noqa: E731
    return {"n": len(v), "p50": round(pick(0.5), 3), "p95": round(pick(0.95), 3), "max": round(v[-1], 3),
            "mean": round(statistics.fmean(v), 3)}


def descendants(pid: int) -> list[int]:
    """A process and all its descendants (Locust's worker processes, nginx's workers)."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += children.get(p, [])
    return out


class Sampler:
    """Memory of the replicas every `every` seconds; CPU of each group of processes over the run."""

    def __init__(self, groups: dict[str, list[int]], replicas: list[int], every: float = 2.0):
        self.groups, self.replicas, self.every = groups, replicas, every
        self.memory: list[list] = []
        self.cpu_seen: dict[int, float] = {}
        self.cpu_first: dict[int, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _pids(self) -> dict[str, list[int]]:
        return {name: sorted({d for p in pids for d in descendants(p)}) for name, pids in self.groups.items()}

    def _sample_cpu(self) -> None:
        for pids in self._pids().values():
            for p in pids:
                used = stack.cpu_seconds(p)
                self.cpu_first.setdefault(p, used if self.started_with.get(p) else 0.0)
                self.cpu_seen[p] = max(self.cpu_seen.get(p, 0.0), used)

    def _loop(self) -> None:
        while not self._stop.is_set():
            rss = [round(stack.rss_mb(p), 1) for p in self.replicas]
            self.memory.append([round(time.monotonic() - self.t0, 1), round(sum(rss), 1), rss])
            self._sample_cpu()
            self._stop.wait(self.every)

    def __enter__(self):
        self.t0 = time.monotonic()
        self.machine0 = stack.machine_cpu_seconds()
        # Processes alive before the run count from their current CPU time; new ones from zero.
        self.started_with = {p: True for pids in self._pids().values() for p in pids}
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._sample_cpu()
        self._stop.set()
        self._thread.join()
        self.wall = time.monotonic() - self.t0
        machine = stack.machine_cpu_seconds() - self.machine0
        pids = self._pids()
        cores = {}
        for name, group in pids.items():
            cores[name] = sum(self.cpu_seen.get(p, 0) - self.cpu_first.get(p, 0) for p in group) / self.wall
        # Every process of ours that ever ran, including Locust workers gone before the end.
        ours = sum(v - self.cpu_first.get(p, 0) for p, v in self.cpu_seen.items())
        cores["other"] = max(0.0, machine - ours) / self.wall
        cores["machine"] = machine / self.wall
        self.cores = {k: round(v, 2) for k, v in cores.items()}


def run_locust(base: str, folder: Path, users: int, seconds: float, profile: str, spawn_rate: float,
               results: Path, env_extra: dict[str, str], processes: int = 0) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LOAD_PROFILE": profile, "LOAD_RESULTS": str(results),
           "LOAD_ACTION_TIMEOUT": str(ACTION_TIMEOUT), **env_extra}
    cmd = [sys.executable, "-m", "locust", "-f", str(ROOT / "loadtest" / "locustfile.py"), "--headless",
           "--host", base, "-u", str(users), "-r", str(spawn_rate), "-t", f"{int(seconds)}s",
           "--stop-timeout", str(ACTION_TIMEOUT + 10), "--only-summary", "--loglevel", "WARNING",
           "--csv", str(folder / "locust")]
    if processes:
        cmd += ["--processes", str(processes)]
    log = open(folder / "locust.log", "ab")
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)


def read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def summarise(rows: list[dict], t_from: float | None = None, t_to: float | None = None) -> dict:
    """Actions, checks, errors and client-seen run times.

    With a window [t_from, t_to] (epoch seconds): only the actions that ended in it, and the throughput
    is what ended per second of the window (dividing by the span of the actions instead would count
    the long tail of the last ones, and understate a saturated server)."""
    end = lambda r: r["t"] + r.get("ms", 0) / 1000  # noqa: E731
    if t_from is not None:
        rows = [r for r in rows if t_from <= end(r) <= t_to]
        span = t_to - t_from
    else:
        span = (max(end(r) for r in rows) - min(r["t"] for r in rows)) if rows else 0
    timed = [r for r in rows if "ms" in r]
    errors = [r for r in rows if r["errors"]]
    by_action = {}
    for name in sorted({r["action"] for r in rows}):
        by_action[name] = percentiles([r["ms"] / 1000 for r in timed if r["action"] == name])
    runs = sum(r.get("runs", 0) for r in timed)
    return {
        "actions": len(rows), "checks": sum(r["checks"] for r in rows), "errors": len(errors),
        "error_samples": [{"action": r["action"], "errors": r["errors"][:3], "after_swap": r["after_swap"]}
                          for r in errors[:20]],
        "run_s": percentiles([r["ms"] / 1000 for r in timed]),
        "by_action": by_action,
        "reruns": runs,
        "reruns_per_s": round(runs / span, 2) if span > 0 else 0,
        "kb_per_action": round(statistics.fmean(r["bytes"] for r in timed) / 1024, 1) if timed else 0,
    }


def steady_window(rows: list[dict], users: int, spawn_rate: float, seconds: float, warmup: float):
    """[from, to] in epoch seconds: every user in and past the warm-up, until Locust stops them."""
    if not rows:
        return 0.0, 0.0
    t0 = min(r["t"] for r in rows)  # Locust's first action (it takes a moment to start)
    return t0 + users / spawn_rate + warmup, t0 + seconds


def server_runs(replicas: list[stack.Replica], t_from: float = 0) -> dict:
    runs = [json.loads(line) for r in replicas if r.run_log.exists()
            for line in r.run_log.read_text(encoding="utf-8").splitlines() if line.strip()]
    runs = [r for r in runs if r["t"] >= t_from]
    return {"ms": percentiles([r["ms"] for r in runs]),
            "by_end": {e: sum(r["end"] == e for r in runs) for e in sorted({r["end"] for r in runs})}}


def build_databases(folder: Path) -> tuple[Path, Path, Path]:
    """The served database (demo), the copy the checks read, and the database the import installs."""
    from fabrique import build, demo
    served, old, new = folder / "fabrique.duckdb", folder / "old.duckdb", folder / "new.duckdb"
    build.build(demo.generate(), kind="demo", db_path=served, data_date="2026-10-31", archive=False)
    shutil.copy(served, old)
    build.build(demo.generate(seed=NEW_SEED), kind="demo", db_path=new, data_date=NEW_DATA_DATE, archive=False)
    return served, old, new


def phase(base: str, folder: Path, replicas: list[stack.Replica], nginx_pid: int | None, *, name: str,
          users: int, seconds: float, profile: str, spawn_rate: float, old: Path, new: Path | None,
          served: Path, swap: bool, processes: int = 0, warmup: float = 0.0) -> dict:
    """One Locust run against the running stack; returns its summary (and swaps the database if asked)."""
    sub = folder / name
    sub.mkdir(parents=True, exist_ok=True)
    results, swap_file = sub / "actions.jsonl", sub / "swap_done"
    env = {"LOAD_OLD_DB": str(old), "LOAD_NEW_DB": str(new) if (swap and new) else "",
           "LOAD_SWAP_FILE": str(swap_file), "LOAD_SOURCE_IPS": "1"}
    t_start = time.time()
    proc = run_locust(base, sub, users, seconds, profile, spawn_rate, results, env, processes)
    groups = {"servers": [r.pid for r in replicas], "load_client": [proc.pid]}
    if nginx_pid:
        groups["nginx"] = [nginx_pid]
    swap_info = {}
    with Sampler(groups, [r.pid for r in replicas]) as sampler:
        if swap and new:
            time.sleep(seconds / 2)
            from fabrique import build, demo
            t0 = time.time()
            # The same atomic build the import runs: temporary file, checks, os.replace.
            # Built as a demo set: imported data would close the staff view to these link-less visitors.
            build.build(demo.generate(seed=NEW_SEED), kind="demo", db_path=served, data_date=NEW_DATA_DATE,
                        archive=False)
            swap_file.write_text(f"{time.time():.3f}")
            swap_info = {"started_s": round(t0 - t_start, 1), "build_s": round(time.time() - t0, 1)}
        proc.wait()
    rows = read_rows(results)
    reruns = sum(r.get("runs", 0) for r in rows)
    out = {"phase": name, "profile": profile, "sessions": users, "seconds": seconds, "spawn_rate": spawn_rate,
           **summarise(rows), "steady": summarise(rows, *steady_window(rows, users, spawn_rate, seconds, warmup)),
           "server_runs": server_runs(replicas, t_start), "cpu_cores": sampler.cores,
           "wall_s": round(sampler.wall, 1),
           # What bounds capacity whatever the machine's other load: the replicas' CPU time per rerun.
           "server_cpu_s_per_rerun": round(sampler.cores["servers"] * sampler.wall / reruns, 3) if reruns else None,
           "rss_mb": {"max_total": max((m[1] for m in sampler.memory), default=0),
                      "samples": sampler.memory}}
    if swap and new:
        users_rows: dict[str, dict] = {}
        for r in rows:
            users_rows[r["user"]] = r
        out["swap"] = {**swap_info,
                       "checks_after": sum(r["checks"] for r in rows if r["after_swap"]),
                       "actions_after": sum(r["after_swap"] for r in rows),
                       "sessions": len(users_rows),
                       "sessions_seen_new_data": sum(r["seen_new_data"] for r in users_rows.values())}
    return out


def stack_for(servers: int, proxy: bool, served: Path, folder: Path, stack_ctx: ExitStack):
    reps = stack_ctx.enter_context(stack.replicas(servers, served, folder / f"replicas-{servers}"))
    base, nginx_pid = reps[0].base, None
    if proxy:
        base = stack_ctx.enter_context(stack.nginx([r.base for r in reps], folder / f"nginx-{servers}"))
        nginx_pid = int((folder / f"nginx-{servers}" / "nginx.pid").read_text())
    return reps, base, nginx_pid


def conditions() -> dict:
    load1, load5, _ = os.getloadavg()
    return {"date": dt.datetime.now().isoformat(timespec="seconds"), "cores": os.cpu_count(),
            "load_average_before": [round(load1, 2), round(load5, 2)], "python": sys.version.split()[0]}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--profile", choices=["people", "stress"], default="people")
    ap.add_argument("--sessions", type=int, default=50)
    ap.add_argument("--seconds", type=float, default=300)
    ap.add_argument("--servers", type=int, default=1)
    ap.add_argument("--proxy", action="store_true", help="nginx in front even with one replica")
    ap.add_argument("--baseline-seconds", type=float, default=30, help="single session, no pause (0: none)")
    ap.add_argument("--no-swap", action="store_true")
    ap.add_argument("--sweep", default="", help="session counts, no pause, e.g. 1,5,10,25,50")
    ap.add_argument("--step-seconds", type=float, default=60)
    ap.add_argument("--scale", default="", help="replica counts behind nginx, e.g. 1,2,4 (with --sweep)")
    ap.add_argument("--spawn-rate", type=float, default=0, help="users started per second (default: 1 for "
                                                                  "people, 10 for stress)")
    ap.add_argument("--processes", type=int, default=0, help="Locust worker processes (0: one process)")
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--recompute", type=Path, default=None, help="sweep report to summarise again from its logs")
    args = ap.parse_args(argv)
    if args.recompute:
        recompute(args.recompute)
        return 0

    ARTIFACTS.mkdir(exist_ok=True)
    folder = Path(tempfile.mkdtemp(prefix="fabrique-load-"))
    report: dict = {"conditions": conditions(), "folder": str(folder)}
    print(f"Dossier de travail : {folder}", flush=True)
    served, old, new = build_databases(folder)
    try:
        if args.sweep:
            counts = [int(x) for x in args.sweep.split(",")]
            scales = [int(x) for x in args.scale.split(",")] if args.scale else [args.servers]
            out = args.out or ARTIFACTS / ("load_scale.json" if args.scale else "load_stress.json")
            report.update(kind="sweep", sessions=counts, step_seconds=args.step_seconds, scales={})
            for servers in scales:
                proxy = bool(args.scale) or args.proxy or servers > 1
                with ExitStack() as ctx:
                    reps, base, nginx_pid = stack_for(servers, proxy, served, folder, ctx)
                    steps = []
                    for n in counts:
                        print(f"  {servers} réplica(s){' + nginx' if proxy else ''}, {n} sessions sans pause…",
                              flush=True)
                        rate = args.spawn_rate or 10
                        steps.append(phase(base, folder, reps, nginx_pid, name=f"s{servers}-n{n}", users=n,
                                           seconds=args.step_seconds, profile="stress", spawn_rate=rate,
                                           old=old, new=None, served=served, swap=False, processes=args.processes,
                                           warmup=5))
                        for s in steps[-1:]:
                            st = s["steady"]
                            print(f"    {st['reruns_per_s']} exécutions/s, p50 {st['run_s'].get('p50')} s, "
                                  f"p95 {st['run_s'].get('p95')} s, erreurs {s['errors']}, "
                                  f"CPU {s['cpu_cores']}", flush=True)
                    report["scales"][str(servers)] = {"proxy": proxy, "steps": steps, **sweep_summary(steps)}
        else:
            out = args.out or ARTIFACTS / "load_report.json"
            proxy = args.proxy or args.servers > 1
            report.update(kind="capacity", profile=args.profile, sessions=args.sessions, seconds=args.seconds,
                          servers=args.servers, proxy=proxy)
            with ExitStack() as ctx:
                reps, base, nginx_pid = stack_for(args.servers, proxy, served, folder, ctx)
                if args.baseline_seconds:
                    print(f"Référence : 1 session sans pause pendant {args.baseline_seconds:.0f} s…", flush=True)
                    report["baseline"] = phase(base, folder, reps, nginx_pid, name="baseline", users=1,
                                               seconds=args.baseline_seconds, profile="stress", spawn_rate=1,
                                               old=old, new=None, served=served, swap=False, warmup=5)
                rate = args.spawn_rate or (1 if args.profile == "people" else 10)
                print(f"Charge : {args.sessions} sessions « {args.profile} » pendant {args.seconds:.0f} s, "
                      f"{args.servers} réplica(s){' + nginx' if proxy else ''}…", flush=True)
                main_phase = phase(base, folder, reps, nginx_pid, name="main", users=args.sessions,
                                   seconds=args.seconds, profile=args.profile, spawn_rate=rate, old=old, new=new,
                                   served=served, swap=not args.no_swap, processes=args.processes)
            report.update({k: main_phase[k] for k in ("actions", "checks", "errors", "error_samples", "run_s",
                                                       "by_action", "reruns", "reruns_per_s", "kb_per_action",
                                                       "steady", "server_runs", "cpu_cores", "wall_s",
                                                       "server_cpu_s_per_rerun", "rss_mb")})
            report["swap"] = main_phase.get("swap")
            report["targets"] = targets(report)
    finally:
        report["conditions"]["load_average_after"] = [round(x, 2) for x in os.getloadavg()[:2]]
        # The per-action logs stay for --recompute; the three databases (20 MB) go.
        for db in (served, old, new):
            db.unlink(missing_ok=True)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print_summary(report, out)
    return 0


def recompute(path: Path) -> None:
    """Summaries of a sweep report recomputed from the per-action logs its run kept (report["folder"])."""
    report = json.loads(path.read_text(encoding="utf-8"))
    folder = Path(report["folder"])
    for scale in report["scales"].values():
        for step in scale["steps"]:
            rows = read_rows(folder / step["phase"] / "actions.jsonl")
            step.update(summarise(rows))
            step["steady"] = summarise(rows, *steady_window(rows, step["sessions"], step["spawn_rate"],
                                                            step["seconds"], 5))
        scale.update(sweep_summary(scale["steps"]))
    path.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print_summary(report, path)


def sweep_summary(steps: list[dict]) -> dict:
    """Saturation throughput and the first session count whose p95 passes 2 s."""
    best = max(steps, key=lambda s: s["steady"]["reruns_per_s"])
    over = next((s["sessions"] for s in steps if s["steady"]["run_s"].get("p95", 0) > 2.0), None)
    return {"saturation_reruns_per_s": best["steady"]["reruns_per_s"], "at_sessions": best["sessions"],
            "p95_over_2s_from_sessions": over}


def targets(report: dict) -> dict:
    """The issue's targets, reported (never asserted in make test)."""
    base = report.get("baseline", {}).get("steady", {}).get("run_s", {})
    p95 = report["run_s"].get("p95")
    out = {"errors_zero": report["errors"] == 0}
    if base.get("p50") and p95 is not None:
        out["single_session_run_s"] = base["p50"]
        out["p95_over_single"] = round(p95 / base["p50"], 1)
        out["p95_le_3x_single"] = p95 <= 3 * base["p50"]
    if report.get("swap"):
        s = report["swap"]
        out["every_session_saw_new_data"] = s["sessions_seen_new_data"] == s["sessions"]
    return out


def print_summary(report: dict, out: Path) -> None:
    print(f"\nRapport : {out}")
    if report["kind"] == "capacity":
        r, t = report["run_s"], report["targets"]
        print(f"{report['sessions']} sessions « {report['profile']} », {report['seconds']:.0f} s, "
              f"{report['servers']} réplica(s) : {report['actions']} actions, {report['checks']} vérifications, "
              f"{report['errors']} erreurs ; exécution vue du client p50 {r.get('p50')} s, p95 {r.get('p95')} s, "
              f"max {r.get('max')} s ; {report['reruns_per_s']} exécutions/s ; mémoire max "
              f"{report['rss_mb']['max_total']:.0f} Mo ; CPU {report['cpu_cores']}")
        print(f"Objectifs : {t}")
    else:
        for servers, s in report["scales"].items():
            print(f"{servers} réplica(s) : saturation {s['saturation_reruns_per_s']} exécutions/s "
                  f"(à {s['at_sessions']} sessions) ; p95 > 2 s dès {s['p95_over_2s_from_sessions']} sessions")
            for step in s["steps"]:
                st = step["steady"]
                print(f"  {step['sessions']:>3} sessions : {st['reruns_per_s']} exécutions/s, p50 "
                      f"{st['run_s'].get('p50')} s, p95 {st['run_s'].get('p95')} s, erreurs {step['errors']}, "
                      f"CPU {step['cpu_cores']}")


if __name__ == "__main__":
    sys.exit(main())
