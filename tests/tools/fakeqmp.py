#!/usr/bin/python3
"""fakeqmp.py SOCKET LOG [MODE]: a stand-in for a running QEMU's QMP monitor,
for the shell tests of srpass attach/detach (the real QEMU is the VM
suite's).  Serves one connection after another on the UNIX socket SOCKET,
speaks QMP as QEMU does (greeting, qmp_capabilities first, events between
answers), and appends every command it gets, as JSON, to LOG.  Its
devices: a q35-like root bus with a pcie-root-port "rp0"; a device_add
goes behind rp0 if bus=rp0, else on the root bus.  MODE:
  ok        device_add adds, device_del removes and sends DEVICE_DELETED
  stuck     device_del is accepted, but no guest ever lets go (no event)
  refuse    device_add fails as QEMU does when VFIO cannot open the group
  hide      device_add is accepted but the device is never realized
  garbage   answers every command with something that is not QMP
Exits when SOCKET is removed or on SIGTERM."""
import json
import os
import signal
import socket
import sys
import time

sock_path, log_path = sys.argv[1], sys.argv[2]
mode = sys.argv[3] if len(sys.argv) > 3 else "ok"
devices = {}                                    # id -> (bus, args)


def send(f, obj):
    f.write((json.dumps(obj) + "\r\n").encode())
    f.flush()


def pci_device(qid, slot, vendor=0x8086, device=0x10ca, bridge=None):
    d = {"bus": 0, "slot": slot, "function": 0, "qdev_id": qid,
         "class_info": {"class": 512}, "id": {"vendor": vendor, "device": device},
         "regions": []}
    if bridge is not None:
        d["pci_bridge"] = {"bus": {"number": 1, "secondary": 1, "subordinate": 1},
                           "devices": bridge}
    return d


def query_pci():
    behind = [pci_device(q, 0) for q, (b, _) in devices.items() if b == "rp0" and mode != "hide"]
    root = [pci_device("", 0, 0x8086, 0x29c0),
            pci_device("rp0", 1, 0x1b36, 0x000c, bridge=behind)]
    root += [pci_device(q, 2 + i) for i, (q, (b, _)) in enumerate(devices.items())
             if b != "rp0" and mode != "hide"]
    return [{"bus": 0, "devices": root}]


def serve(conn):
    f = conn.makefile("rwb")
    send(f, {"QMP": {"version": {"qemu": {"major": 10, "minor": 0, "micro": 2}},
                     "capabilities": ["oob"]}})
    ready = False
    for line in f:
        if not line.strip():
            continue
        msg = json.loads(line)
        with open(log_path, "a") as log:
            log.write(json.dumps(msg) + "\n")
        cmd, args = msg.get("execute"), msg.get("arguments", {})
        if mode == "garbage":
            f.write(b"hello, this is not QMP\r\n")
            f.flush()
            continue
        if cmd == "qmp_capabilities":
            ready = True
            send(f, {"return": {}})
        elif not ready:
            send(f, {"error": {"class": "CommandNotFound",
                               "desc": "Expecting capabilities negotiation with 'qmp_capabilities'"}})
        elif cmd == "query-pci":
            send(f, {"event": "RTC_CHANGE", "data": {"offset": 0},
                     "timestamp": {"seconds": 1, "microseconds": 0}})
            send(f, {"return": query_pci()})
        elif cmd == "qom-get":
            qid = args.get("path", "").rsplit("/", 1)[-1]
            if qid in devices and args.get("property") == "realized":
                send(f, {"return": mode != "hide"})
            else:
                send(f, {"error": {"class": "DeviceNotFound",
                                   "desc": "Device '%s' not found" % args.get("path")}})
        elif cmd == "device_add":
            qid = args.get("id")
            if mode == "refuse":
                send(f, {"error": {"class": "GenericError",
                                   "desc": "vfio %s: failed to open /dev/vfio/42: Device or "
                                           "resource busy" % args.get("host")}})
            elif qid in devices:
                send(f, {"error": {"class": "GenericError",
                                   "desc": "Duplicate device ID '%s'" % qid}})
            elif args.get("driver") != "vfio-pci" or "host" not in args:
                send(f, {"error": {"class": "GenericError", "desc": "bad device_add"}})
            else:
                devices[qid] = (args.get("bus", "pcie.0"), args)
                send(f, {"return": {}})
        elif cmd == "device_del":
            qid = args.get("id")
            if qid not in devices:
                send(f, {"error": {"class": "DeviceNotFound",
                                   "desc": "Device '%s' not found" % qid}})
                continue
            send(f, {"return": {}})
            if mode != "stuck":
                # another device goes first: a client that takes its event
                # for this one finds this one still there
                send(f, {"event": "DEVICE_DELETED", "data": {"device": "other"},
                         "timestamp": {"seconds": 2, "microseconds": 0}})
                time.sleep(0.3)
                del devices[qid]
                send(f, {"event": "DEVICE_DELETED",
                         "data": {"device": qid, "path": "/machine/peripheral/" + qid},
                         "timestamp": {"seconds": 2, "microseconds": 1}})
        else:
            send(f, {"error": {"class": "CommandNotFound",
                               "desc": "The command %s has not been found" % cmd}})


def main():
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    srv = socket.socket(socket.AF_UNIX)
    srv.bind(sock_path)
    srv.listen(4)
    srv.settimeout(0.5)
    while os.path.exists(sock_path):
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            continue
        conn.settimeout(None)
        try:
            serve(conn)
        except (BrokenPipeError, ConnectionResetError, ValueError):
            pass
        conn.close()


if __name__ == "__main__":
    main()
