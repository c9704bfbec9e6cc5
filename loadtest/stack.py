"""What a load or proxy test serves: Streamlit replicas on free local ports, and nginx in front of them.

nginx runs as a child process in the foreground (`daemon off`) with a main configuration written to a
temporary folder; that configuration includes the repository's deploy/nginx/fabrique.conf unchanged,
plus the two files it expects beside it (fabrique/listen.conf, fabrique/upstreams.conf) with this
run's ports. Everything listens on 127.0.0.1 and stops with the context manager.
"""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SITE_CONF = ROOT / "deploy" / "nginx" / "fabrique.conf"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Replica:
    base: str
    proc: subprocess.Popen
    log: Path
    run_log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid


def wait_healthy(base: str, proc: subprocess.Popen, log: Path, timeout: float = 90) -> None:
    """Until the server at `base` answers its health check; its log in the error if it stops or never does."""
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit stopped (code {proc.returncode}):\n{log.read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(base + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"streamlit not healthy after {timeout:.0f} s:\n{log.read_text(errors='replace')}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a server, killed if it has not stopped within 15 s."""
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def replicas(n: int, db: Path, folder: Path, env: dict[str, str] | None = None, args: list[str] = ()):
    """`n` Streamlit servers (python -m fabrique.serve, as `make run`) on `db`; yields [Replica].

    Each logs its script runs to its own FABRIQUE_RUN_LOG (fabrique/runlog.py)."""
    folder.mkdir(parents=True, exist_ok=True)
    started: list[Replica] = []
    try:
        for i in range(n):
            port = free_port()
            log, run_log = folder / f"streamlit-{i}.log", folder / f"runs-{i}.jsonl"
            full_env = {**os.environ, "FABRIQUE_DB": str(db), "PYTHONUNBUFFERED": "1",
                        "FABRIQUE_RUN_LOG": str(run_log), **(env or {})}
            with open(log, "wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-m", "fabrique.serve", "--server.port", str(port),
                     "--server.address", "127.0.0.1", "--server.headless", "true",
                     "--server.fileWatcherType", "none", *args],
                    cwd=ROOT, env=full_env, stdout=out, stderr=subprocess.STDOUT)
            started.append(Replica(f"http://127.0.0.1:{port}", proc, log, run_log))
        for r in started:
            wait_healthy(r.base, r.proc, r.log)
        yield started
    finally:
        for r in started:
            stop(r.proc)


def nginx_binary() -> str | None:
    return shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)


MAIN_CONF = """\
# Written by loadtest/stack.py for one test run: foreground nginx in a temporary folder.
daemon off;
master_process on;
worker_processes {workers};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
{user}
events {{ worker_connections 8192; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/tmp/body;
    proxy_temp_path {folder}/tmp/proxy;
    fastcgi_temp_path {folder}/tmp/fastcgi;
    uwsgi_temp_path {folder}/tmp/uwsgi;
    scgi_temp_path {folder}/tmp/scgi;
    include {site};
}}
"""


@contextlib.contextmanager
def nginx(upstreams: list[str], folder: Path, workers: int = 1):
    """nginx with deploy/nginx/fabrique.conf in front of `upstreams` (base URLs); yields its base URL."""
    binary = nginx_binary()
    if binary is None:
        raise FileNotFoundError("nginx is not installed (apt-get install -y nginx)")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tmp").mkdir(exist_ok=True)
    (folder / "fabrique").mkdir(exist_ok=True)
    port = free_port()
    (folder / "fabrique" / "listen.conf").write_text(f"listen 127.0.0.1:{port};\nserver_name localhost;\n")
    (folder / "fabrique" / "upstreams.conf").write_text(
        "".join(f"server {u.split('://', 1)[1]};\n" for u in upstreams))
    # Run as root (CI, this machine), workers would switch to `nobody` and lose the temporary folder.
    user = "user root;" if os.geteuid() == 0 else ""
    (folder / "nginx.conf").write_text(MAIN_CONF.format(folder=folder, user=user, site=SITE_CONF, workers=workers))
    proc = subprocess.Popen([binary, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-e", str(folder / "error.log")],
                            stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "wb"))
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            if proc.poll() is not None:
                errors = "\n".join(p.read_text(errors="replace") for p in (folder / "stderr.log", folder / "error.log")
                                   if p.exists())
                raise RuntimeError(f"nginx stopped (code {proc.returncode}):\n{errors}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("nginx does not listen after 20 s")
                time.sleep(0.1)
        yield base
    finally:
        if proc.poll() is None:
            proc.terminate()  # SIGTERM: fast shutdown of the master and its workers
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process, in seconds (0 once it is gone). Its children are not
    included: callers sample them on their own."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu_seconds() -> float:
    """CPU time used by the whole machine (all processes, all cores) since boot, in seconds."""
    fields = Path("/proc/stat").read_text().splitlines()[0].split()[1:]
    busy = sum(int(v) for i, v in enumerate(fields) if i not in (3, 4, 8, 9))  # not idle, iowait, guest (in user)
    return busy / os.sysconf("SC_CLK_TCK")
