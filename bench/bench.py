#!/usr/bin/env python3
"""The rasbroker benchmark (scripts/bench.sh runs it; docs/benchmarks.md explains it).

Runs every figure of issue 10 against the built binaries, each against a baseline measured
in the same run, prints a table and writes it as Markdown with the machine, the date and
the command. Goals are checked here (met / not met), never by the test suite.

It only uses stable interfaces: the protocol on the socket, the `rasbroker` client, the
dev host's command line and configuration, the simulator's scenario format, and the
broker's log line "reaper: ENTRY ID is gone after N poll(s)" (polls per teardown).
"""
import argparse
import datetime
import json
import os
import platform
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time

import bench_wine

PROFILES = {
    # seconds per ping run, paired repetitions, clients of the concurrent run
    "full": dict(ping_s=2.0, ping_reps=3, many=64,
                 teardowns=[(100, 3), (1000, 3), (3000, 3), (10000, 2)], hangup_samples=7,  # (ms, paired runs)
                 reaper_lengths=[100, 1000, 10000], reaper_per_length=20,
                 idle_links=[0, 100, 10000], idle_s=10.0, idle_settle_s=11.0,
                 scale_links=[1000, 10000], scale_reps=10, delay_window_s=4.0, delay_hangups=20,
                 journal_args=[]),
    "quick": dict(ping_s=1.0, ping_reps=1, many=64,
                  teardowns=[(100, 1), (1000, 1), (3000, 1), (10000, 1)], hangup_samples=5,
                  reaper_lengths=[100, 1000, 10000], reaper_per_length=5,
                  idle_links=[0, 100, 10000], idle_s=3.0, idle_settle_s=1.0,
                  scale_links=[1000, 10000], scale_reps=3, delay_window_s=2.0, delay_hangups=10,
                  journal_args=["2", "4"]),
    # The ctest smoke test: every program runs, every figure yields its rows; no timing.
    "smoke": dict(ping_s=0.3, ping_reps=1, many=4,
                  teardowns=[(100, 1)], hangup_samples=2,
                  reaper_lengths=[100], reaper_per_length=2,
                  idle_links=[0, 10], idle_s=0.5, idle_settle_s=0.2,
                  scale_links=[10, 100], scale_reps=1, delay_window_s=0.4, delay_hangups=2,
                  journal_args=["0.05", "50"]),
}

# Generous limits, so that 64 bench clients of one user are admitted; everything else is
# the product's default (reaper, logging at info: the request audit is part of the cost).
CONFIG = {"max_clients": 200, "max_clients_per_user": 200, "on_stop": "leave",
          "authorization": {"hangup_adopted": "anyone"}}


class Row:
    """One line of the result table."""

    def __init__(self, figure, measure, value, baseline="", ratio="", goal="", met=None):
        self.figure, self.measure, self.value = figure, measure, value
        self.baseline, self.ratio, self.goal, self.met = baseline, ratio, goal, met

    def met_text(self):
        return "" if self.met is None else ("met" if self.met else "**not met**")


def ms(seconds):
    return f"{seconds * 1000:.1f} ms"


def median(values):
    return statistics.median(values) if values else float("nan")


def p99(values):
    if not values:
        return float("nan")
    s = sorted(values)
    return s[min(len(s) - 1, int(round(0.99 * (len(s) - 1))))]


def pinned(cpu):
    """preexec_fn that pins a child (and every thread it starts) to one core."""
    return (lambda: os.sched_setaffinity(0, {cpu})) if cpu is not None else None


class Conn:
    """A raw protocol connection (one JSON line per request)."""

    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)
        self.file = self.sock.makefile("rb")
        self.next_id = 0

    def call_raw(self, method, params=None):
        """Sends a request; returns (seconds until the whole answer line arrived, line)."""
        self.next_id += 1
        msg = {"jsonrpc": "2.0", "id": self.next_id, "method": method}
        if params is not None:
            msg["params"] = params
        t0 = time.perf_counter()
        self.sock.sendall((json.dumps(msg) + "\n").encode())
        while True:
            line = self.file.readline()
            if not line:
                raise RuntimeError(f"{method}: the service closed the connection")
            if b'"id":null' in line or b'"id":%d' % self.next_id in line:
                return time.perf_counter() - t0, line

    def call(self, method, params=None):
        answer = json.loads(self.call_raw(method, params)[1])
        if "error" in answer:
            raise RuntimeError(f"{method} {params}: {answer['error']}")
        return answer["result"]

    def close(self):
        self.sock.close()


class Watcher(threading.Thread):
    """A `subscribe` client: the wall-clock time each connection id was seen `gone`."""

    def __init__(self, path):
        super().__init__(daemon=True)
        self.conn = Conn(path)
        self.conn.call("subscribe")
        self.gone = {}

    def run(self):
        try:
            for line in self.conn.file:
                now = time.time()
                if b'"gone"' not in line:
                    continue
                c = json.loads(line).get("params", {}).get("connection", {})
                if c.get("state") == "gone":
                    self.gone.setdefault(c["id"], now)
        except (OSError, ValueError):
            pass

    def stop(self):
        self.conn.sock.shutdown(socket.SHUT_RDWR)
        self.conn.close()


class Daemon:
    """rasbrokerd on its own socket against a scenario; records its startup time."""

    def __init__(self, bench, name, scenario, cpu=None):
        self.dir = tempfile.mkdtemp(prefix=f"{name}-", dir=bench.work)
        self.sock = os.path.join(self.dir, "s")
        scen, cfg = os.path.join(self.dir, "scenario.json"), os.path.join(self.dir, "config.json")
        with open(scen, "w") as f:
            json.dump(scenario, f)
        with open(cfg, "w") as f:
            json.dump(CONFIG, f)
        self.log_path = os.path.join(self.dir, "daemon.log")
        log = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen([bench.bin("rasbrokerd"), "--simulate", scen, "--listen", self.sock,
                                      "--config", cfg], stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                                     preexec_fn=pinned(cpu))
        log.close()
        # Listening = a ping answered; polled every 1 ms.
        deadline = t0 + 120
        while True:
            try:
                c = Conn(self.sock)
                c.call("ping")
                c.close()
                break
            except (OSError, RuntimeError):
                if self.proc.poll() is not None or time.perf_counter() > deadline:
                    raise RuntimeError(f"rasbrokerd never listened: {self.log()[-2000:]}")
                time.sleep(0.001)
        self.startup_s = time.perf_counter() - t0

    def log(self):
        with open(self.log_path, encoding="utf-8", errors="replace") as f:
            return f.read()

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def entries(names, connect_ms=10, teardown_ms=100):
    return [{"name": n, "connect_ms": connect_ms, "teardown_ms": teardown_ms} for n in names]


def proc_counters(pid):
    """(CPU seconds, context switches over every thread) of a process, from /proc."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    switches = 0
    for task in os.listdir(f"/proc/{pid}/task"):
        try:
            with open(f"/proc/{pid}/task/{task}/status") as f:
                for line in f:
                    if line.startswith(("voluntary_ctxt_switches", "nonvoluntary_ctxt_switches")):
                        switches += int(line.split()[1])
        except OSError:
            pass
    return cpu, switches


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def parse_ping(text):
    line = [ln for ln in text.splitlines() if ln.startswith("clients=")][-1]
    return {k: float(v) for k, v in (kv.split("=") for kv in line.split())}


class Bench:
    def __init__(self, args):
        self.args = args
        self.p = PROFILES[args.profile]
        self.rows = []
        self.notes = []
        self.failures = []  # figures that could not run (the smoke test's failure)
        self.list_times = {}  # connections -> median `list` time (figure 5's linearity)
        self.work = tempfile.mkdtemp(prefix="rasbroker-bench-")
        self.pin = (os.cpu_count() or 1) >= 2 and args.profile != "smoke"

    def bin(self, name):
        for sub in ("bench", "service/host/linux", "client"):
            path = os.path.join(self.args.bin_dir, sub, name)
            if os.path.exists(path):
                return path
        raise SystemExit(f"bench: {name} not built in {self.args.bin_dir}")

    def add(self, *a, **k):
        row = Row(*a, **k)
        self.rows.append(row)
        print(f"  {row.figure:<4} {row.measure:<58} {row.value:>16} {row.baseline:>16} {row.ratio:>8} "
              f"{row.met_text()}", flush=True)

    def ping(self, endpoint, clients, cpu=None):
        out = subprocess.run([self.bin("ping_bench"), endpoint, str(clients), str(self.p["ping_s"])],
                             capture_output=True, text=True, check=True, preexec_fn=pinned(cpu))
        return parse_ping(out.stdout)

    # ---------------------------------------------------------------- figure 1
    def figure1_native(self):
        print("figure 1: ping vs raw echo, Unix socket", flush=True)
        scenario = {"entries": entries(["Office VPN"])}
        results = {}
        many = self.p["many"]
        # 1 client pinned (server core 0, client core 1); 64 unpinned; and, for context, 64 with
        # each server held to one core (clients on the other): the echo's thread per client
        # uses both cores, the broker's one service thread one.
        runs = [((0, 1), 1, 1), ((None, None), many, many)]
        if self.pin:
            runs.append(((0, 1), many, "equal"))
        for pin, clients, key in runs:
            srv_cpu, cli_cpu = pin if self.pin else (None, None)
            echo_sock = os.path.join(self.work, f"echo-{pin[0]}-{key}.sock")
            echo = subprocess.Popen([self.bin("line_echo"), echo_sock], preexec_fn=pinned(srv_cpu))
            daemon = Daemon(self, "ping", scenario, cpu=srv_cpu)
            try:
                while not os.path.exists(echo_sock):
                    time.sleep(0.01)
                for _ in range(self.p["ping_reps"]):  # paired: echo then broker, each repetition
                    for what, ep in (("echo", echo_sock), ("broker", daemon.sock)):
                        results.setdefault((what, key), []).append(self.ping(ep, clients, cli_cpu))
            finally:
                daemon.stop()
                echo.kill()
                echo.wait()
        self.ping_rows("1", "Unix socket", results, pinned_note=" (pinned)" if self.pin else "")
        if self.pin:
            b = median([r["throughput"] for r in results[("broker", "equal")]])
            e = median([r["throughput"] for r in results[("echo", "equal")]])
            self.add("1", f"Unix socket: throughput, {many} clients, each server on one core", f"{b:.0f} req/s",
                     f"echo {e:.0f} req/s", f"{100 * b / e:.0f} %")

    def ping_rows(self, fig, transport, results, pinned_note=""):
        many = self.p["many"]

        def med(what, clients, key):
            return median([r[key] for r in results[(what, clients)]])

        for clients, note in ((1, pinned_note), (many, "")):
            for key, label in (("p50_us", "p50"), ("p99_us", "p99")):
                b, e = med("broker", clients, key), med("echo", clients, key)
                goal, met = "", None
                if clients == 1 and key == "p50_us":
                    goal, met = "<= 1.3x echo", b <= 1.3 * e
                self.add(fig, f"{transport}: ping {label}, {clients} client(s){note}", f"{b:.0f} us",
                         f"echo {e:.0f} us", f"{b / e:.2f}x", goal, met)
        b, e = med("broker", many, "throughput"), med("echo", many, "throughput")
        self.add(fig, f"{transport}: throughput, {many} clients", f"{b:.0f} req/s", f"echo {e:.0f} req/s",
                 f"{100 * b / e:.0f} %", ">= 60 % of echo", b >= 0.6 * e)

    # ---------------------------------------------------------------- figure 2
    def client(self, sock, *argv):
        env = dict(os.environ, RASBROKER_ENDPOINT=sock)
        t0 = time.perf_counter()
        out = subprocess.run([self.bin("rasbroker"), *argv], env=env, capture_output=True, text=True)
        return time.perf_counter() - t0, out

    def wait_gone(self, conn, entry):
        while True:
            answer = json.loads(conn.call_raw("get", {"entry": entry})[1])
            if "error" in answer:
                return
            time.sleep(0.01)

    def figure2(self):
        print("figure 2: client wall time of `rasbroker hangup` vs a client that waits for the teardown",
              flush=True)
        # Per length: `quick` entries hung up one after the other by `rasbroker hangup` (one
        # teardown's wait gives that many samples), and one entry hung up and waited for.
        quick_n = self.p["hangup_samples"]
        scenario = {"entries": [{"name": f"T{t}-{i}", "connect_ms": 10, "teardown_ms": t}
                                for t, _ in self.p["teardowns"] for i in range(quick_n + 1)]}
        daemon = Daemon(self, "hangup", scenario)
        conn = Conn(daemon.sock)
        hangup = {}
        try:
            for teardown, reps in self.p["teardowns"]:
                quick, waiting = [], []
                names = [f"T{teardown}-{i}" for i in range(quick_n)]
                waited = f"T{teardown}-{quick_n}"
                for _ in range(reps):  # paired: the quick hang-ups, then the client that waits
                    for argv, into, group in (((), quick, names), (("--wait",), waiting, [waited])):
                        for entry in group:
                            self.client(daemon.sock, "dial", entry, "--wait")
                        for entry in group:
                            took, out = self.client(daemon.sock, "hangup", entry, *argv)
                            if out.returncode != 0:
                                raise RuntimeError(f"rasbroker hangup {entry}: {out.stderr}")
                            into.append(took)
                        for entry in group:
                            self.wait_gone(conn, entry)
                q, w = median(quick), median(waiting)
                hangup[teardown] = q
                goal, met = "", None
                if teardown == 3000:
                    goal, met = ">= 50x", w / q >= 50
                self.add("2", f"`rasbroker hangup`, teardown {teardown / 1000:g} s (n={len(quick)}/{len(waiting)})",
                         ms(q), f"waiting {ms(w)}", f"{w / q:.0f}x", goal, met)
        finally:
            conn.close()
            daemon.stop()
        lo, hi = min(hangup.values()), max(hangup.values())
        self.add("2", "`rasbroker hangup`: slowest / fastest over the teardown lengths", ms(hi), ms(lo),
                 f"{hi / lo:.2f}x", "flat: <= 1.5x + 5 ms", hi <= 1.5 * lo + 0.005)

    # ---------------------------------------------------------------- figure 3
    def figure3(self):
        print("figure 3: reaper lag after the real end of teardown, and polls per teardown", flush=True)
        # RAS's one-connection signal in the simulator's default reading (once the teardown has
        # ended), then in the other (as it starts): the goals hold for the first; the second
        # shows what the schedule and the anonymous notifications do alone.
        self.figure3_run("teardown_ended", "")
        self.figure3_run("hang_up", ", signals as teardowns start")

    def figure3_run(self, reading, suffix):
        rng = random.Random(10)
        plan = {}  # entry -> (length, mode, teardown_ms)
        for length in self.p["reaper_lengths"]:
            for mode in ("fixed", "jittered"):
                for i in range(self.p["reaper_per_length"]):
                    t = length if mode == "fixed" else int(length * rng.uniform(0.5, 1.5))
                    plan[f"R{length}-{mode}-{i}"] = (length, mode, t)
        scenario = {"entries": [{"name": n, "connect_ms": 10, "teardown_ms": t} for n, (_, _, t) in plan.items()],
                    "notifications": {"one_connection": reading}}
        daemon = Daemon(self, "reaper-" + reading, scenario)
        conn = Conn(daemon.sock)
        watcher = Watcher(daemon.sock)
        watcher.start()
        try:
            for name in plan:
                conn.call("dial", {"entry": name, "wait": "connected"})
            ends = {}  # id -> (entry, real end of teardown, wall clock)
            for name, (_, _, t) in plan.items():
                c = conn.call("hangup", {"entry": name})["connections"][0]
                hung = datetime.datetime.strptime(c["hangup_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
                hung = hung.replace(tzinfo=datetime.timezone.utc).timestamp()
                ends[c["id"]] = (name, hung + t / 1000)
            deadline = time.time() + max(t for _, _, t in plan.values()) / 1000 + 30
            while len(watcher.gone) < len(ends) and time.time() < deadline:
                time.sleep(0.05)
        finally:
            watcher.stop()
            conn.close()
            daemon.stop()
        polls = {m.group(2): int(m.group(3)) for m in
                 re.finditer(r'reaper: "(.*?)" (\S+) is gone after (\d+) poll', daemon.log())}
        for length in self.p["reaper_lengths"]:
            for mode in ("fixed", "jittered"):
                ids = [i for i, (n, _) in ends.items() if plan[n][:2] == (length, mode)]
                lags = [watcher.gone[i] - ends[i][1] for i in ids if i in watcher.gone]
                missing = len(ids) - len(lags)
                n_polls = [polls[i] for i in ids if i in polls]
                label = f"reaper lag, teardown {length / 1000:g} s {mode}{suffix} (n={len(ids)})"
                value = ms(p99(lags)) + (f", {missing} never gone" if missing else "")
                goal, met = ("p99 <= 100 ms", not missing and p99(lags) <= 0.100) if not suffix else ("", None)
                self.add("3", label + ": p99", value, f"p50 {ms(median(lags))}", "", goal, met)
                poll_text = f"{median(n_polls):g}" if n_polls else "n/a (no reaper log line)"
                goal, met = ("<= 10", bool(n_polls) and median(n_polls) <= 10) if length == 1000 and not suffix else ("", None)
                self.add("3", f"polls per teardown, {length / 1000:g} s {mode}{suffix}: median", poll_text,
                         f"max {max(n_polls)}" if n_polls else "", "", goal, met)

    # ---------------------------------------------------------------- figures 4 and 5
    def figures4and5(self):
        print("figures 4 and 5: idle cost and scale with N connected links", flush=True)
        links = sorted({0, *self.p["idle_links"], *self.p["scale_links"]})
        rss, startup = {}, {}
        for n in links:
            names = [f"E{i:05d}" for i in range(n)] or ["Spare"]
            scenario = {"entries": entries(names, teardown_ms=200), "connected": names if n else []}
            daemon = Daemon(self, f"scale{n}", scenario)
            try:
                startup[n] = daemon.startup_s
                if n in self.p["idle_links"]:
                    # Past the 10 s timers the startup probe's connection left (see the notes).
                    time.sleep(self.p["idle_settle_s"])
                    self.idle(daemon, n)
                else:
                    time.sleep(min(1.0, self.p["idle_settle_s"]))
                rss[n] = rss_bytes(daemon.proc.pid)
                if n in self.p["scale_links"]:
                    self.scale(daemon, n, names, rss[n], rss[0])
            finally:
                daemon.stop()
        top, low = self.p["scale_links"][-1], self.p["scale_links"][0]
        self.add("5", "RSS idle, 0 connections", f"{rss[0] / 2**20:.1f} MiB", "", "", "<= 10 MiB",
                 rss[0] <= 10 * 2**20)
        self.add("5", f"startup to listening, {top} connected", ms(startup[top]), f"0: {ms(startup[0])}",
                 f"{startup[top] / startup[0]:.1f}x", "<= 150 ms" if top == 10000 else "",
                 startup[top] <= 0.150 if top == 10000 else None)
        self.add("5", f"startup to listening, {low} connected", ms(startup[low]), f"0: {ms(startup[0])}",
                 f"{startup[low] / startup[0]:.1f}x")
        lists = self.list_times
        self.add("5", f"`list` {top} / {low} connections (linear?)", f"{lists[top] / lists[low]:.1f}x",
                 f"n ratio {top / low:g}x", "", "<= 12x" if top == 10000 else "",
                 lists[top] / lists[low] <= 12 if top == 10000 else None)

    def idle(self, daemon, n):
        cpu0, sw0 = proc_counters(daemon.proc.pid)
        time.sleep(self.p["idle_s"])
        cpu1, sw1 = proc_counters(daemon.proc.pid)
        wakeups = (sw1 - sw0) / self.p["idle_s"]
        # The "keep": 0 per s with no link, the 0.2 per s measured with 100 links.
        goal, met = {0: ("0 /s", wakeups == 0), 100: ("<= 0.2 /s", wakeups <= 0.2)}.get(n, ("", None))
        self.add("4", f"idle wakeups, {n} connected links ({self.p['idle_s']:g} s)", f"{wakeups:.2f} /s",
                 "", "", goal, met)
        self.add("4", f"idle CPU, {n} connected links", f"{100 * (cpu1 - cpu0) / self.p['idle_s']:.2f} %")

    def scale(self, daemon, n, names, rss_idle, rss0):
        reps = self.p["scale_reps"]
        conn = Conn(daemon.sock)
        pings, lists, gets, counts = [], [], [], set()
        for _ in range(reps):
            pings.append(conn.call_raw("ping")[0])
            took, line = conn.call_raw("list")
            lists.append(took)
            counts.add(len(json.loads(line)["result"]["connections"]))
            gets.append(conn.call_raw("get", {"entry": names[n // 2]})[0])
        self.list_times[n] = median(lists)
        base = f"ping {ms(median(pings))}"
        listed = "" if counts == {n} else f" (listed {sorted(counts)})"
        goal, met = ("<= 50 ms", median(lists) <= 0.050 and counts == {n}) if n == 10000 else ("", None)
        self.add("5", f"`list`, {n} connections (raw socket, median of {reps})", ms(median(lists)) + listed,
                 base, f"{median(lists) / median(pings):.0f}x", goal, met)
        self.add("5", f"`get` by entry, {n} connections", ms(median(gets)), base,
                 f"{median(gets) / median(pings):.1f}x")
        took, out = self.client(daemon.sock, "list")
        ok = out.returncode == 0 and out.stdout.count("\n") >= n
        goal, met = ("works", ok) if n == 10000 else ("", None)
        self.add("5", f"`rasbroker list` wall time, {n} connections",
                 ms(took) if ok else f"fails, exit {out.returncode}", "", "", goal, met)
        # Per connection: idle RSS (before any `list`: the allocator keeps the memory a
        # big answer needed) over the RSS with none; after the `list`s for comparison.
        per = (rss_idle - rss0) / n
        goal, met = ("<= 4 KB", per <= 4096) if n == 10000 else ("", None)
        self.add("5", f"bytes per connection, {n} connections (idle)", f"{per:.0f} B",
                 f"RSS {rss_idle / 2**20:.1f} MiB; {rss_bytes(daemon.proc.pid) / 2**20:.1f} after the lists",
                 "", goal, met)
        # The worst delay of a pinging client: idle (baseline), then while teardowns end.
        idle_max = self.pinger_max(daemon, [])
        busy_max = self.pinger_max(daemon, names[: self.p["delay_hangups"]])
        goal, met = ("<= 20 ms", busy_max is not None and busy_max <= 0.020) if n == 10000 else ("", None)
        self.add("5", f"worst ping while {self.p['delay_hangups']} teardowns end, {n} connections",
                 ms(busy_max) if busy_max is not None else "no answer within 120 s",
                 f"idle {ms(idle_max)}" if idle_max is not None else "no answer within 120 s",
                 f"{busy_max / idle_max:.1f}x" if busy_max and idle_max else "", goal, met)
        conn.close()

    def pinger_max(self, daemon, hangups):
        window = self.p["delay_window_s"]
        pinger = subprocess.Popen([self.bin("ping_bench"), daemon.sock, "1", str(window)],
                                  stdout=subprocess.PIPE, text=True)
        conn = Conn(daemon.sock)
        time.sleep(0.2)
        for name in hangups:  # spread over the first half of the window; teardowns end inside it
            conn.call("hangup", {"entry": name})
            time.sleep(window / 2 / len(hangups))
        out, _ = pinger.communicate()
        conn.close()
        # None: a ping went unanswered for 120 s (ping_bench says so on stderr).
        return parse_ping(out)["max_us"] / 1e6 if pinger.returncode == 0 else None

    # ---------------------------------------------------------------- figure 6
    def figure6(self):
        print("figure 6: the journal's write cost under dial churn", flush=True)
        out = subprocess.run([self.bin("journal_bench"), *self.p["journal_args"]], capture_output=True,
                             text=True, check=True).stdout
        pattern = r"^(.+?)\s{2,}(\d+)\s+(\d+)\s+[\d.]+\s+([\d.]+)/([\d.]+)\s"
        for m in re.finditer(pattern, out, re.M):
            name, base_saves, saves, base_ms, coal_ms = m.groups()
            base_rate = int(base_saves) / (float(base_ms) / 1000)
            rate = int(saves) / (float(coal_ms) / 1000)
            self.add("6", f"journal writes/s, {name.strip()}", f"{rate:.0f} /s ({saves})",
                     f"sync {base_rate:.0f} /s ({base_saves})", f"{int(saves) / int(base_saves):.3f}")

    # ---------------------------------------------------------------- output
    def machine(self):
        cpu = "unknown"
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
        wine = "not run"
        if self.args.win_bin_dir and shutil.which("wine"):
            wine = subprocess.run(["wine", "--version"], capture_output=True, text=True).stdout.strip()
        return [("CPU", cpu), ("cores", str(os.cpu_count())), ("kernel", platform.release()), ("Wine", wine),
                ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
                ("load at start (1/5/15 min)", " / ".join(f"{x:.2f}" for x in self.load)),
                ("command", f"`{self.args.command}`"), ("profile", self.args.profile),
                ("duration", f"{time.time() - self.started:.0f} s")]

    def write(self):
        met = [r for r in self.rows if r.met is not None]
        missed = [r for r in met if not r.met]
        with open(self.args.out, "w") as f:
            f.write("# Benchmarks\n\n")
            f.write("Measured by `scripts/bench.sh` (bench/bench.py): what each figure means, its baseline\n"
                    "and how it is measured are in [the method](#method) below. Every baseline is\n"
                    "measured in the same run; the goals are issue 10's. Re-run after any change to the\n"
                    "hot path and commit the new file.\n\n")
            f.write("| machine | |\n|---|---|\n")
            for k, v in self.machine():
                f.write(f"| {k} | {v} |\n")
            f.write(f"\n**{len(met) - len(missed)} of {len(met)} goals met.**\n\n")
            f.write("| fig. | measure | value | baseline (same run) | ratio | goal | |\n"
                    "|---|---|---|---|---|---|---|\n")
            for r in self.rows:
                f.write(f"| {r.figure} | {r.measure} | {r.value} | {r.baseline} | {r.ratio} | {r.goal} | "
                        f"{r.met_text()} |\n")
            if self.notes:
                f.write("\nNotes of this run:\n\n" + "".join(f"- {n}\n" for n in self.notes))
            method = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benchmarks-method.md")
            with open(method) as m:
                f.write("\n" + m.read())
        print(f"\n{len(met) - len(missed)} of {len(met)} goals met; written to {self.args.out}")

    def run(self):
        self.started = time.time()
        self.load = os.getloadavg()
        if self.load[0] > (os.cpu_count() or 1):
            self.notes.append(f"The machine was busy at the start (load {self.load[0]:.1f} on {os.cpu_count()} "
                              "cores): figures that compete for the CPU (1, 2, 5) are inflated; compare ratios, "
                              "or re-run on an idle machine.")
        print(f"{'fig.':<4} {'measure':<58} {'value':>16} {'baseline':>16} {'ratio':>8}")
        steps = [("1", self.figure1_native), ("1w", lambda: bench_wine.figure1_wine(self, CONFIG, parse_ping)),
                 ("2", self.figure2), ("3", self.figure3), ("4,5", self.figures4and5), ("6", self.figure6)]
        wanted = set(self.args.figures.split(",")) if self.args.figures else {"1", "1w", "2", "3", "4", "5", "6"}
        if not self.args.win_bin_dir:
            wanted.discard("1w")
        for names, step in steps:
            if not wanted & set(names.split(",")):
                continue
            try:
                step()
            except Exception as e:  # a figure that cannot run is reported, the others still run
                self.failures.append(f"figure {names} could not run: {e}")
                self.notes.append(self.failures[-1])
                print(f"  FAILED: {e}", flush=True)
        self.write()
        shutil.rmtree(self.work, ignore_errors=True)
        if self.args.profile != "smoke":
            return 0
        # The smoke test's only check: every figure ran and produced its rows.
        missing = sorted(wanted - {r.figure for r in self.rows} - {"1w"})
        if missing or self.failures:
            print(f"bench smoke: figures without rows: {missing}; {self.failures}")
            return 1
        return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--bin-dir", required=True, help="the native build folder (build/linux)")
    ap.add_argument("--win-bin-dir", help="the Windows build folder: figure 1 also under Wine")
    ap.add_argument("--wineprefix", help="Wine prefix for figure 1 under Wine")
    ap.add_argument("--out", required=True, help="the Markdown file to write")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--quick", dest="profile", action="store_const", const="quick")
    mode.add_argument("--smoke", dest="profile", action="store_const", const="smoke")
    ap.add_argument("--figures", help="only these figures, e.g. 1,1w,2 (1w: figure 1 under Wine)")
    ap.add_argument("--command", default="scripts/bench.sh", help="the command, for the report")
    ap.set_defaults(profile="full")
    sys.exit(Bench(ap.parse_args()).run())


if __name__ == "__main__":
    main()
