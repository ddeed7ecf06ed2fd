# tests/vm/vm.mk -- included by the top Makefile.
#
#   make check-vm   build srpass, install QEMU and a Debian kernel if missing
#                   (tests/vm/setup.sh), boot them under QEMU TCG with an
#                   emulated vIOMMU and igb SR-IOV NICs and run the guest
#                   scenarios against the real drivers (docs/testing-vm.md)
.PHONY: check-vm
check-vm: deps
	@$(MAKE) --no-print-directory all
	@tests/vm/check.sh $(BUILD)/srpass $(BUILD)/check-vm
