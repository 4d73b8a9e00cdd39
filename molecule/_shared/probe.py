"""Runs inside a probe container: one TCP connection attempt from a chosen source address.

python3 probe.py <source address> <destination> <port> [timeout]  → prints open | refused | timeout
(open: the connection was accepted; refused: the host answered with a reset, so the firewall let the
packet in; timeout: no answer, the firewall dropped it).
"""

import socket
import sys

source, destination, port = sys.argv[1], sys.argv[2], int(sys.argv[3])
timeout = float(sys.argv[4]) if len(sys.argv) > 4 else 3.0
sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
sock.settimeout(timeout)
sock.bind((source, 0))
try:
    sock.connect((destination, port))
    print("open")
except ConnectionRefusedError:
    print("refused")
except TimeoutError:
    print("timeout")
finally:
    sock.close()
