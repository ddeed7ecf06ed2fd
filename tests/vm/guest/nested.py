#!/usr/bin/python3
"""nested.py QDEV_ID -- QEMU [ARG...]: start a QEMU (inside the VM) paused,
with a QMP socket added to its arguments, and check over QMP that the
device with id QDEV_ID was realized and shows up in query-pci; then quit.
For `-device vfio-pci,host=VF,id=hostdev0` today, for the arguments srpass
generates later.  Prints PASS/FAIL lines (guest/lib.sh tap_from)."""
import json
import os
import socket
import subprocess
import sys
import time

SOCK = "/run/nested-qmp.sock"


def check(desc, cond, detail=""):
    print(("PASS " if cond else "FAIL ") + desc + ("" if cond or not detail else f" ({detail})"))


def main():
    qid, argv = sys.argv[1], sys.argv[3:]
    if os.path.exists(SOCK):
        os.unlink(SOCK)
    argv += ["-S", "-display", "none", "-qmp", f"unix:{SOCK},server=on,wait=off"]
    print("inner: " + " ".join(argv))
    log = open("/run/nested-qemu.log", "w+")
    qemu = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)
    sock = socket.socket(socket.AF_UNIX)
    for _ in range(300):
        try:
            sock.connect(SOCK)
            break
        except OSError:
            if qemu.poll() is not None:
                break
            time.sleep(0.1)
    else:
        qemu.kill()
        qemu.wait()
    if qemu.poll() is not None:
        log.seek(0)
        check(f"inner QEMU starts with {qid}", False, f"exit {qemu.returncode}: {log.read().strip()}")
        return
    f = sock.makefile("rw")

    def cmd(name, **args):
        f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        f.flush()
        while True:
            r = json.loads(f.readline())
            if "event" not in r:
                return r

    json.loads(f.readline())                    # greeting
    cmd("qmp_capabilities")
    st = cmd("query-status").get("return", {}).get("status")
    check(f"inner QEMU is up, paused (status {st})", st == "prelaunch")
    r = cmd("qom-get", path=f"/machine/peripheral/{qid}", property="realized")
    check(f"inner QEMU realized {qid}", r.get("return") is True, json.dumps(r))
    devs = [d for b in cmd("query-pci").get("return", []) for d in b.get("devices", [])]
    mine = [d for d in devs if d.get("qdev_id") == qid]
    ids = [(hex(d["id"]["vendor"]), hex(d["id"]["device"])) for d in mine]
    print(f"query-pci {qid}: {ids}")
    check(f"inner query-pci lists {qid}", bool(mine))
    cmd("quit")
    rc = qemu.wait(timeout=60)
    check(f"inner QEMU quit cleanly (rc {rc})", rc == 0)


if __name__ == "__main__":
    main()
