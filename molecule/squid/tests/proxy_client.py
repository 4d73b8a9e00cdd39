"""Runs inside client01: one request through the proxy, prints {"status", "body"} as JSON.

python3 proxy_client.py <source> <proxy address> <port> GET <url> | CONNECT <host> [user:password]
python3 proxy_client.py <source> <proxy address> <ftp port> FTP <user@server> <password> <file>
(an FTP client of Squid's native relay: status 226 and the file's text, or the FTP error's code)
"""

import base64
import ftplib
import http.client
import json
import re
import sys

source, proxy, port, method, target = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5]
if method == "FTP":
    password, name = sys.argv[6], sys.argv[7]
    try:
        ftp = ftplib.FTP(timeout=15, source_address=(source, 0))
        ftp.connect(proxy, port)
        ftp.login(target, password)
        lines = []
        ftp.retrlines(f"RETR {name}", lines.append)
        ftp.quit()
        print(json.dumps({"status": 226, "body": "\n".join(lines)}))
    except ftplib.Error as exc:
        print(json.dumps({"status": int(str(exc)[:3]) if str(exc)[:3].isdigit() else 0, "body": str(exc)}))
    except (OSError, EOFError) as exc:
        print(json.dumps({"status": 0, "body": f"{type(exc).__name__}: {exc}"}))
    sys.exit(0)

headers = {}
if len(sys.argv) > 6:
    headers["Proxy-Authorization"] = "Basic " + base64.b64encode(sys.argv[6].encode()).decode()
conn = http.client.HTTPConnection(proxy, port, timeout=15, source_address=(source, 0))
try:
    if method == "CONNECT":
        conn.set_tunnel(target, 443, headers=headers)
        try:
            conn.connect()
            print(json.dumps({"status": 200, "body": ""}))
        except OSError as exc:
            code = re.search(r"Tunnel connection failed: (\d+)", str(exc))
            print(json.dumps({"status": int(code.group(1)) if code else 0, "body": str(exc)}))
        sys.exit(0)
    conn.request(method, target, headers=headers)
    resp = conn.getresponse()
    print(json.dumps({"status": resp.status, "body": resp.read().decode(errors="replace")[:2000]}))
except (TimeoutError, OSError) as exc:
    print(json.dumps({"status": 0, "body": f"{type(exc).__name__}: {exc}"}))
