#!/usr/bin/env python3
"""An external yardtwin policy on the Python standard library: every decision takes the nearest candidate.

Run it, then point the simulator at it for one kind or more:

    python3 simulator/policy/python/nearest_policy.py --port 8000
    yardtwin sim run scenarios/teaching/teaching.yaml --policy stacking=http://127.0.0.1:8000/decide

For each decision the simulator POSTs {"kind", "step", "seq", "situation", "candidates"} (see
simulator/policy/doc.go for the shapes) and waits for {"choice": N}, N the index of a candidate.
With --port 0 the server picks a free port; it prints "listening on http://HOST:PORT/decide" first.
"""

import argparse
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def decide(req):
    """Returns the index of the chosen candidate."""
    kind, cands, sit = req["kind"], req["candidates"], req["situation"]

    def best(key):
        return min(range(len(cands)), key=lambda i: (key(cands[i]), i))

    if kind == "stacking" and req.get("step") == "block":
        return best(lambda c: c["distance_m"])  # the shortest drive
    if kind in ("stacking", "relocation"):
        return best(lambda c: (c["distance_m"], c["tier"]))  # the nearest stack, lower first
    if kind == "quay-sequence":
        return best(lambda c: abs(c["bay"] - sit["bay"]))  # the least gantry travel along the hull
    return best(lambda c: c["distance_m"])  # yard-sequence, dispatch: the nearest job


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep the connection open between decisions
    disable_nagle_algorithm = True  # answer at once, not after the client's delayed ACK (40 ms)

    def do_POST(self):
        try:
            req = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            body = json.dumps({"choice": decide(req)}).encode()
            self.send_response(200)
        except Exception as e:  # tell the simulator what went wrong; it stops the run with it
            body = json.dumps({"error": repr(e)}).encode()
            self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):  # quiet: one line per decision would drown the terminal
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000)
    args = ap.parse_args()
    srv = ThreadingHTTPServer((args.host, args.port), Handler)
    print(f"listening on http://{args.host}:{srv.server_address[1]}/decide", flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    sys.exit(main())
