#!/usr/bin/python3
"""vfio_probe.py BDF: walk the legacy VFIO API for one PCI function the way
a VMM does before it starts a guest, and report each step as key=value:

  /dev/vfio/vfio: GET_API_VERSION, CHECK_EXTENSION(TYPE1v2)
  /dev/vfio/GROUP: GROUP_GET_STATUS (viable?), GROUP_SET_CONTAINER,
  SET_IOMMU(TYPE1v2), IOMMU_MAP_DMA + UNMAP_DMA of 1 MiB,
  GROUP_GET_DEVICE_FD(BDF), DEVICE_GET_INFO

A failed step prints "error=STEP: strerror (errno N)" and exits 2; all
steps passed: "result=ok", exit 0."""
import ctypes
import fcntl
import mmap
import os
import struct
import sys


def io(nr):                       # _IO(VFIO_TYPE ';', VFIO_BASE + nr)
    return (ord(";") << 8) | (100 + nr)


GET_API_VERSION, CHECK_EXTENSION, SET_IOMMU = io(0), io(1), io(2)
GROUP_GET_STATUS, GROUP_SET_CONTAINER, GROUP_GET_DEVICE_FD = io(3), io(4), io(6)
DEVICE_GET_INFO, IOMMU_MAP_DMA, IOMMU_UNMAP_DMA = io(7), io(13), io(14)
TYPE1V2 = 3


def step(name, fn):
    try:
        return fn()
    except OSError as e:
        print(f"error={name}: {os.strerror(e.errno)} (errno {e.errno})")
        sys.exit(2)


def main():
    bdf = sys.argv[1]
    group = os.path.basename(os.readlink(f"/sys/bus/pci/devices/{bdf}/iommu_group"))
    print(f"device={bdf}\ngroup=/dev/vfio/{group}")
    c = step("open /dev/vfio/vfio", lambda: os.open("/dev/vfio/vfio", os.O_RDWR))
    print(f"api_version={fcntl.ioctl(c, GET_API_VERSION)}")
    print(f"ext_type1v2={fcntl.ioctl(c, CHECK_EXTENSION, TYPE1V2)}")
    g = step("open group", lambda: os.open(f"/dev/vfio/{group}", os.O_RDWR))
    st = bytearray(struct.pack("II", 8, 0))
    step("GROUP_GET_STATUS", lambda: fcntl.ioctl(g, GROUP_GET_STATUS, st))
    viable = struct.unpack("II", st)[1] & 1
    print(f"group_viable={viable}")
    if not viable:
        print("error=group not viable: a device in the group has a host driver")
        sys.exit(2)
    step("GROUP_SET_CONTAINER", lambda: fcntl.ioctl(g, GROUP_SET_CONTAINER, bytearray(struct.pack("i", c))))
    print("set_container=ok")
    step("SET_IOMMU(TYPE1v2)", lambda: fcntl.ioctl(c, SET_IOMMU, TYPE1V2))
    print("set_iommu=ok")

    size, iova = 1 << 20, 1 << 20
    buf = mmap.mmap(-1, size)
    vaddr = ctypes.addressof(ctypes.c_char.from_buffer(buf))
    step("IOMMU_MAP_DMA", lambda: fcntl.ioctl(c, IOMMU_MAP_DMA, bytearray(struct.pack("IIQQQ", 32, 3, vaddr, iova, size))))
    step("IOMMU_UNMAP_DMA", lambda: fcntl.ioctl(c, IOMMU_UNMAP_DMA, bytearray(struct.pack("IIQQ", 24, 0, iova, size))))
    print(f"dma_map_unmap=ok size={size}")

    d = step("GROUP_GET_DEVICE_FD", lambda: fcntl.ioctl(g, GROUP_GET_DEVICE_FD, bytearray(bdf.encode() + b"\0")))
    info = bytearray(struct.pack("IIII", 16, 0, 0, 0))
    step("DEVICE_GET_INFO", lambda: fcntl.ioctl(d, DEVICE_GET_INFO, info))
    _, flags, regions, irqs = struct.unpack("IIII", info)
    print(f"device_fd=ok pci={(flags >> 1) & 1} reset={flags & 1} regions={regions} irqs={irqs}")
    for fd in (d, g, c):
        os.close(fd)
    print("result=ok")


if __name__ == "__main__":
    main()
