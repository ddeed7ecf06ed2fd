#!/usr/bin/python3
"""qmp_pci.py SOCKET QDEV_ID: exit 0 if the QEMU behind the QMP socket
SOCKET lists a device with id QDEV_ID in query-pci, on any bus (behind
bridges too: listed once the guest's firmware has numbered the bus),
else 1.  For guest/nested.sh: what srpass attach did, seen by QEMU."""
import json
import socket
import sys


def ids(devices):
    for d in devices:
        yield d.get("qdev_id")
        yield from ids(d.get("pci_bridge", {}).get("devices", []))


def main():
    s = socket.socket(socket.AF_UNIX)
    s.connect(sys.argv[1])
    f = s.makefile("rw")
    f.readline()
    for cmd in ("qmp_capabilities", "query-pci"):
        f.write(json.dumps({"execute": cmd}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                break
    found = sys.argv[2] in ids(d for b in r.get("return", []) for d in b["devices"])
    return 0 if found else 1


if __name__ == "__main__":
    sys.exit(main())
