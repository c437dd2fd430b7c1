"""Figure 1 under Wine: `ping` through the named pipe, rasbrokerd.exe --console against the
simulated rasapi32.dll, against line_echo.exe serving a pipe of its own, both measured by
ping_bench.exe (the client library's pipe transport). The prefix is prepared as ctest's
"wine" fixture prepares it (cmake/wine-fixture.sh) and its wineserver is stopped afterwards.
"""
import json
import os
import shutil
import subprocess
import time

PIPE, ECHO_PIPE = "rasbroker-bench", "rasbroker-bench-echo"


def figure1_wine(bench, base_config, parse_ping):
    """base_config: the native runs' configuration; parse_ping: reads ping_bench's line."""
    args = bench.args
    if not args.wineprefix:
        raise RuntimeError("--win-bin-dir needs --wineprefix")
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(os.environ, WINEPREFIX=args.wineprefix, WINEDEBUG="-all", WINEARCH="win64")
    for key in ("DISPLAY", "WINEDLLOVERRIDES", "RASBROKER_ENDPOINT"):
        env.pop(key, None)
    fixture = os.path.join(repo, "cmake", "wine-fixture.sh")
    subprocess.run([fixture, "setup"], env=env, check=True, stdin=subprocess.DEVNULL)
    print("figure 1 under Wine: ping vs raw echo, named pipe", flush=True)
    folder = os.path.join(args.wineprefix, "drive_c", "rasbroker-bench")
    win = "C:\\rasbroker-bench"
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder)
    for src, name in (("service/host/windows/rasbrokerd.exe", "rasbrokerd.exe"),
                      ("simulator/dll/rasapi32.dll", "rasapi32.dll"),
                      ("bench/ping_bench.exe", "ping_bench.exe"), ("bench/line_echo.exe", "line_echo.exe")):
        shutil.copy(os.path.join(args.win_bin_dir, src), os.path.join(folder, name))
    with open(os.path.join(folder, "scenario.json"), "w") as f:
        json.dump({"entries": [{"name": "Office VPN", "connect_ms": 10, "teardown_ms": 100}]}, f)
    config = dict(base_config, pipe_name=PIPE, log={"dir": win + "\\logs"})
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(config, f)
    daemon_env = dict(env, RASBROKER_SIM_SCENARIO=win + "\\scenario.json", WINEDLLOVERRIDES="rasapi32=n,b")
    log = open(os.path.join(bench.work, "wine-daemon.log"), "wb")
    daemon = subprocess.Popen(["wine", win + "\\rasbrokerd.exe", "--console", "--config", win + "\\config.json"],
                              env=daemon_env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
    echo = subprocess.Popen(["wine", win + "\\line_echo.exe", ECHO_PIPE], env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def ping(pipe, clients, seconds):
        out = subprocess.run(["wine", win + "\\ping_bench.exe", pipe, str(clients), str(seconds)], env=env,
                             stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120)
        if out.returncode != 0:
            raise RuntimeError(f"ping_bench.exe {pipe}: {out.stderr.strip()[-500:]}")
        return parse_ping(out.stdout)

    try:
        deadline = time.time() + 120
        for pipe in (PIPE, ECHO_PIPE):  # both listening: one short run each succeeds
            while True:
                try:
                    ping(pipe, 1, 0.05)
                    break
                except RuntimeError:
                    if time.time() > deadline or daemon.poll() is not None:
                        raise
                    time.sleep(0.5)
        results = {}
        for clients in (1, bench.p["many"]):
            for _ in range(bench.p["ping_reps"]):
                for what, pipe in (("echo", ECHO_PIPE), ("broker", PIPE)):
                    results.setdefault((what, clients), []).append(ping(pipe, clients, bench.p["ping_s"]))
        bench.ping_rows("1w", "named pipe (Wine)", results)
        bench.notes.append("Figure 1 under Wine is not pinned to cores: wineserver serves every pipe "
                           "operation of both processes.")
    finally:
        for p in (daemon, echo):
            p.kill()
            p.wait()
        log.close()
        subprocess.run([fixture, "cleanup"], env=env, stdin=subprocess.DEVNULL)

