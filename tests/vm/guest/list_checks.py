#!/usr/bin/python3
"""list_checks.py LIST.json PF NUMVFS: check `srpass list --json` against
the running kernel's sysfs and lspci (inside the VM).  Prints one
"PASS desc" / "FAIL desc" line per check (guest/lib.sh tap_lines turns them
into TAP); other lines are diagnostics."""
import json
import os
import subprocess
import sys

SYS = "/sys/bus/pci/devices"


def link_base(path):
    try:
        return os.path.basename(os.readlink(path))
    except OSError:
        return None


def sysfs(bdf, name):
    with open(os.path.join(SYS, bdf, name)) as f:
        return f.read().strip()


def group_of(bdf):
    g = link_base(os.path.join(SYS, bdf, "iommu_group"))
    return int(g) if g is not None else None


def check(desc, cond, detail=""):
    print(("PASS " if cond else "FAIL ") + desc + ("" if cond or not detail else f" ({detail})"))
    return cond


def main():
    path, pf, numvfs = sys.argv[1], sys.argv[2], int(sys.argv[3])
    try:
        with open(path) as f:
            doc = json.load(f)
    except (OSError, ValueError) as e:
        check("srpass list --json is valid JSON", False, str(e))
        return
    check("list --json: version 1, root /", doc.get("version") == 1 and doc.get("root") == "/",
          f"version={doc.get('version')!r} root={doc.get('root')!r}")
    devs = doc.get("devices", [])
    by_addr = {d.get("address"): d for d in devs}
    addrs = [d.get("address") for d in devs]

    lspci = subprocess.run(["lspci", "-D"], capture_output=True, text=True, check=True).stdout
    want = sorted(line.split()[0] for line in lspci.splitlines() if line.strip())
    check(f"list --json: the {len(addrs)} addresses equal lspci -D's {len(want)}",
          sorted(addrs) == want, f"only listed: {sorted(set(addrs) - set(want))}, "
          f"only lspci: {sorted(set(want) - set(addrs))}")
    check("list --json: devices sorted by address", addrs == sorted(addrs))

    # every device: driver and IOMMU group as sysfs has them
    bad = [a for a in addrs if a in os.listdir(SYS) and
           (by_addr[a].get("driver") != link_base(os.path.join(SYS, a, "driver")) or
            by_addr[a].get("iommu_group") != group_of(a))]
    check("list --json: every device's driver and iommu_group match sysfs", not bad, f"differ: {bad}")

    # the PF
    p = by_addr.get(pf)
    if not check(f"{pf} is listed", p is not None):
        return
    vfs = []
    while os.path.exists(os.path.join(SYS, pf, f"virtfn{len(vfs)}")):
        vfs.append(link_base(os.path.join(SYS, pf, f"virtfn{len(vfs)}")))
    check(f"sysfs: {pf} has {numvfs} virtfn links", len(vfs) == numvfs, f"got {vfs}")
    check(f"{pf}: kind pf, 8086:10c9, driver igb",
          (p.get("kind"), p.get("vendor"), p.get("device"), p.get("driver")) == ("pf", "8086", "10c9", "igb"),
          f"got {p.get('kind')} {p.get('vendor')}:{p.get('device')} {p.get('driver')}")
    netdevs = sorted(os.listdir(os.path.join(SYS, pf, "net")))
    check(f"{pf}: netdevs {netdevs}", sorted(p.get("netdevs") or []) == netdevs, f"got {p.get('netdevs')}")
    s = p.get("sriov") or {}
    exp = {"totalvfs": int(sysfs(pf, "sriov_totalvfs")), "numvfs": numvfs, "offset": 128, "stride": 2,
           "vf_device": "10ca", "drivers_autoprobe": True, "vfs": vfs}
    got = {k: s.get(k) for k in exp}
    check(f"{pf}: sriov {exp}", got == exp, f"got {got}")
    check(f"{pf}: sriov.totalvfs is igb's 7", s.get("totalvfs") == 7, f"got {s.get('totalvfs')}")

    # the VFs
    groups = {g.get("id"): g for g in doc.get("iommu_groups", [])}
    seen = {p.get("iommu_group")}
    for i, vf in enumerate(vfs):
        v = by_addr.get(vf)
        if not check(f"VF {vf} is listed", v is not None):
            continue
        got = (v.get("kind"), v.get("pf"), v.get("vf_index"), v.get("device"), v.get("driver"))
        check(f"{vf}: kind vf, pf {pf}, vf_index {i}, device 10ca, driver igbvf",
              got == ("vf", pf, i, "10ca", "igbvf"), f"got {got}")
        g = group_of(vf)
        check(f"{vf}: iommu_group {g} = basename of its iommu_group link", v.get("iommu_group") == g,
              f"got {v.get('iommu_group')}")
        members = sorted(os.listdir(f"/sys/kernel/iommu_groups/{g}/devices"))
        jg = groups.get(g) or {}
        check(f"{vf}: alone in group {g}, in sysfs and in iommu_groups[]",
              members == [vf] and jg.get("devices") == [vf] and g not in seen,
              f"sysfs {members}, json {jg.get('devices')}")
        seen.add(g)

    # the groups section
    bad = []
    for gid, g in groups.items():
        d = f"/sys/kernel/iommu_groups/{gid}"
        with open(f"{d}/type") as f:
            typ = f.read().strip()
        if g.get("type") != typ or sorted(g.get("devices", [])) != sorted(os.listdir(f"{d}/devices")):
            bad.append(gid)
    listed = {d.get("iommu_group") for d in devs} - {None}
    check(f"iommu_groups[]: the {len(groups)} groups of listed devices, with sysfs type and members",
          set(groups) == listed and not bad, f"bad {bad}, missing {sorted(listed - set(groups))}")


if __name__ == "__main__":
    main()
