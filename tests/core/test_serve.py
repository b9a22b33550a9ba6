"""`flask serve` (what `make run` ends with): web server, worker and a private Redis; Ctrl-C stops all."""

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

from core.redis_server import PrivateRedis, free_port

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def _alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def test_serve_starts_everything_and_ctrl_c_leaves_no_process(database_url, tmp_path, test_keys):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env.update(DATABASE_URL=database_url, SIPAS_INSTANCE=str(tmp_path), **test_keys)
    proc = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "run", "serve", "--port", str(port), "--workers", "1"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    page = r.read().decode()
                break
            except OSError:
                assert time.time() < deadline, "the web server did not come up"
                assert proc.poll() is None, proc.stdout.read()
                time.sleep(0.3)
        assert 'name="csrf_token"' in page
        children = _descendants(proc.pid)
        commands = " ".join(open(f"/proc/{p}/cmdline").read().replace("\0", " ") for p in children)
        assert "redis-server" in commands and "gunicorn" in commands and " worker" in commands
    finally:
        proc.send_signal(signal.SIGINT)
        output = proc.communicate(timeout=60)[0]
    assert f"http://127.0.0.1:{port}/" in output and "demo-admin-2026" in output
    time.sleep(0.5)
    assert [p for p in children if _alive(p)] == []
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0


def test_private_redis_starts_and_stops(tmp_path):
    import redis

    server = PrivateRedis().start()
    try:
        assert redis.Redis.from_url(server.url).ping()
    finally:
        server.stop()
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", server.port)) != 0
