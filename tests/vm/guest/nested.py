#!/usr/bin/python3
"""nested.py QDEV_ID... -- QEMU [ARG...]: start a QEMU (inside the VM) paused,
with a QMP socket added to its arguments, and check over QMP that each
device QDEV_ID was realized and shows up in query-pci; a QDEV_ID written
!ID must not be there yet (a failover primary, which QEMU keeps hidden
until the guest's virtio-net driver accepts the standby); then quit.
The arguments are those `srpass launch qemu` printed (guest/nested.sh).
Prints PASS/FAIL lines (guest/lib.sh tap_from)."""
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
    sep = sys.argv.index("--")
    qids, argv = sys.argv[1:sep], sys.argv[sep + 1:]
    want = [q for q in qids if not q.startswith("!")]
    hidden = [q[1:] for q in qids if q.startswith("!")]
    qid = ",".join(want)
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
    devs = [d for b in cmd("query-pci").get("return", []) for d in b.get("devices", [])]
    for q in want:
        r = cmd("qom-get", path=f"/machine/peripheral/{q}", property="realized")
        check(f"inner QEMU realized {q}", r.get("return") is True, json.dumps(r))
        mine = [d for d in devs if d.get("qdev_id") == q]
        ids = [(hex(d["id"]["vendor"]), hex(d["id"]["device"])) for d in mine]
        print(f"query-pci {q}: {ids}")
        check(f"inner query-pci lists {q}", bool(mine))
    for q in hidden:
        r = cmd("qom-get", path=f"/machine/peripheral/{q}", property="realized")
        gone = r.get("error", {}).get("class") == "DeviceNotFound"
        check(f"inner QEMU keeps failover primary {q} hidden until the guest takes the standby",
              gone and not any(d.get("qdev_id") == q for d in devs), json.dumps(r))
    cmd("quit")
    rc = qemu.wait(timeout=60)
    check(f"inner QEMU quit cleanly (rc {rc})", rc == 0)


if __name__ == "__main__":
    main()
