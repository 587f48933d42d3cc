"""Slow-client benchmark: N connections that send a request line and then one header byte every
DRIP seconds (slowloris), while one normal client asks GET /health/live in a loop on fresh
connections. Prints how many slow connections the server still holds open over time, and the
normal client's latency while they are held.

    python3 scripts/bench/slowloris.py PORT [N=500] [SECONDS=30] [DRIP=1.0]
"""
import socket
import sys
import threading
import time


def normal_client(port, stop, latencies, failures):
    request = b"GET /health/live HTTP/1.1\r\nHost: bench\r\nConnection: close\r\n\r\n"
    while not stop.is_set():
        start = time.perf_counter()
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
                s.sendall(request)
                data = b""
                while True:
                    chunk = s.recv(65536)
                    if not chunk:
                        break
                    data += chunk
                    if b"\r\n\r\n" in data and data.split(b"\r\n\r\n", 1)[1].endswith(b"}"):
                        break
            if not data.startswith(b"HTTP/1.1 200"):
                failures.append(data[:40])
        except OSError as e:
            failures.append(str(e))
        latencies.append(time.perf_counter() - start)
        time.sleep(0.01)


def main():
    port = int(sys.argv[1])
    n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 30
    drip = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
    slow = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(b"GET /health/live HTTP/1.1\r\nHost: bench\r\n")
        s.setblocking(False)
        slow.append(s)
    stop = threading.Event()
    latencies, failures = [], []
    client = threading.Thread(target=normal_client, args=(port, stop, latencies, failures))
    client.start()
    begin = time.monotonic()
    open_at = {}
    marks = [2, 5, 10, 15, 20, 30, 45, 60]
    while time.monotonic() - begin < seconds:
        for i, s in enumerate(slow):
            if s is None:
                continue
            try:
                if s.recv(1) == b"":
                    raise ConnectionResetError
            except BlockingIOError:
                try:
                    s.send(b"X")
                except (BlockingIOError, OSError):
                    s.close()
                    slow[i] = None
            except OSError:
                s.close()
                slow[i] = None
        elapsed = time.monotonic() - begin
        while marks and elapsed >= marks[0]:
            open_at[marks.pop(0)] = sum(1 for s in slow if s is not None)
        time.sleep(drip)
    stop.set()
    client.join()
    for s in slow:
        if s is not None:
            s.close()
    latencies.sort()
    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")
    held = ", ".join(f"{k} s: {v}" for k, v in sorted(open_at.items()))
    print(f"slow connections still open ({n} opened) at {held}; normal client: {len(latencies)} requests, "
          f"{len(failures)} failed, p50 {pct(0.5):.2f} ms, p99 {pct(0.99):.2f} ms")


if __name__ == "__main__":
    main()
