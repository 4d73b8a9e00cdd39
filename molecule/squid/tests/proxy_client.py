"""Runs inside client01: one request through the proxy, prints {"status", "body"} as JSON.

python3 proxy_client.py <proxy address> <port> GET <url> | CONNECT <host>
"""

import http.client
import json
import re
import sys

proxy, port, method, target = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
conn = http.client.HTTPConnection(proxy, port, timeout=15)
if method == "CONNECT":
    conn.set_tunnel(target, 443)
    try:
        conn.connect()
        print(json.dumps({"status": 200, "body": ""}))
    except OSError as exc:
        code = re.search(r"Tunnel connection failed: (\d+)", str(exc))
        print(json.dumps({"status": int(code.group(1)) if code else 0, "body": str(exc)}))
    sys.exit(0)
conn.request(method, target)
resp = conn.getresponse()
print(json.dumps({"status": resp.status, "body": resp.read().decode(errors="replace")[:2000]}))
