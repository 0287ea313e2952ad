#!/usr/bin/env python3
"""Closed-loop load for scripts/testbed.sh, run on the client host.

CONNECTIONS threads each keep one HTTP/1.1 connection and POST the same small embeddings request
until STOP_FILE exists or MAX_SECONDS pass. Nothing is retried: a request that gets no answer
counts as status 0 and its connection is opened again. Writes a JSON summary to OUT:
{"statuses": {"200": n, ...}, "failures": [[epoch_seconds, status], ...], "requests": n}.

  load.py HOST PORT PATH API_KEY CONNECTIONS STOP_FILE MAX_SECONDS OUT
"""
import http.client
import json
import os
import sys
import threading
import time

host, port, path, key = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
connections, stop_file = int(sys.argv[5]), sys.argv[6]
deadline = time.time() + float(sys.argv[7])
out = sys.argv[8]
body = json.dumps({"input": ["the test bed's load", "one more sentence"]}).encode()
headers = {"Content-Type": "application/json", "Authorization": "Bearer " + key}

lock = threading.Lock()
statuses = {}
failures = []


def record(status):
    with lock:
        statuses[status] = statuses.get(status, 0) + 1
        if status != 200:
            failures.append([time.time(), status])


def loop():
    conn = None
    while time.time() < deadline and not os.path.exists(stop_file):
        if conn is None:
            conn = http.client.HTTPConnection(host, port, timeout=60)
        try:
            conn.request("POST", path, body, headers)
            reply = conn.getresponse()
            reply.read()
            record(reply.status)
            if reply.getheader("Connection", "").lower() == "close":
                conn.close()
                conn = None
        except (OSError, http.client.HTTPException):
            record(0)
            conn.close()
            conn = None
    if conn is not None:
        conn.close()


threads = [threading.Thread(target=loop) for _ in range(connections)]
for t in threads:
    t.start()
for t in threads:
    t.join()
with open(out, "w") as f:
    json.dump({"statuses": {str(k): v for k, v in sorted(statuses.items())},
               "failures": failures,
               "requests": sum(statuses.values())}, f)
