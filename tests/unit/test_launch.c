/* SPDX-License-Identifier: MIT */
/* srpass tests -- launch artefacts: QEMU argv, libvirt devices and their merge, xl pci= */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/launch.h"
#include "core/ledger.h"
#include "srpass/err.h"

static struct srp_assignment vf(const char *bdf, const char *backend, unsigned int vlan,
				int mac_last)
{
	struct srp_assignment a = { .vlan = vlan, .has_applied = 1 };

	assert_int_equal(srp_bdf_parse(bdf, &a.vf), 0);
	strcpy(a.tenant, "blue");
	strcpy(a.domain, "web1");
	strcpy(a.backend, backend);
	if (mac_last >= 0) {
		const uint8_t mac[6] = { 0x02, 0x16, 0x3e, 0x0b, 0x8d, (uint8_t)mac_last };

		a.has_mac = 1;
		memcpy(a.mac, mac, sizeof(mac));
	}
	return a;
}

/* build a[0..n-1] with o, expecting success; the words joined by "|" */
static char *build(const struct srp_assignment *a, size_t n, const struct srp_launch_opts *o,
		   struct srp_strv *out)
{
	const struct srp_assignment *p[4];
	struct srp_err err = { 0 };
	size_t len = 1;
	char *s;

	for (size_t i = 0; i < n; i++)
		p[i] = &a[i];
	assert_int_equal(srp_launch_build(p, n, o, out, &err), 0);
	for (size_t i = 0; i < out->n; i++)
		len += strlen(out->v[i]) + 1;
	s = calloc(1, len);
	for (size_t i = 0; i < out->n; i++) {
		if (i)
			strcat(s, "|");
		strcat(s, out->v[i]);
	}
	return s;
}

static int refused(const struct srp_assignment *a, size_t n, const struct srp_launch_opts *o,
		   const char *says)
{
	const struct srp_assignment *p[4];
	struct srp_strv out = { 0 };
	struct srp_err err = { 0 };
	int r;

	for (size_t i = 0; i < n; i++)
		p[i] = &a[i];
	r = srp_launch_build(p, n, o, &out, &err);
	assert_int_equal(out.n, 0);
	if (strstr(err.msg, says) == NULL)
		fail_msg("message '%s' lacks '%s'", err.msg, says);
	return r;
}

static void test_ids_from_the_address(void **state)
{
	struct srp_assignment a = vf("0000:03:02.1", "kvm", 0, -1);
	char id[SRP_LAUNCH_IDMAX];

	(void)state;
	assert_string_equal(srp_launch_id("hostdev", &a.vf, id), "hostdev-0000-03-02-1");
	assert_true(srp_launch_qemu_id_valid(id));
	assert_true(srp_launch_qemu_id_valid("pcie.0"));
	assert_false(srp_launch_qemu_id_valid("0abc"));
	assert_false(srp_launch_qemu_id_valid("a,b"));
	assert_false(srp_launch_qemu_id_valid(""));
	assert_true(srp_launch_network_valid("default"));
	assert_false(srp_launch_network_valid("a'b"));
}

static void test_qemu(void **state)
{
	struct srp_assignment a[2] = { vf("0000:03:02.0", "kvm", 101, 0x1d),
				       vf("0000:03:02.2", "kvm", 102, 0x1f) };
	struct srp_launch_opts o = { .format = SRP_LAUNCH_QEMU, .addr = -1 };
	struct srp_strv out = { 0 };
	char *s;

	(void)state;
	s = build(a, 2, &o, &out);
	assert_string_equal(s, "-device|vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0|"
			       "-device|vfio-pci,host=0000:03:02.2,id=hostdev-0000-03-02-2");
	free(s);
	srp_strv_free(&out);

	/* only what is asked: bus, consecutive slots, rombar */
	o.bus = "pcie.0";
	o.addr = 0x10;
	o.rombar_off = 1;
	s = build(a, 2, &o, &out);
	assert_string_equal(s, "-device|vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0,"
			       "bus=pcie.0,addr=0x10,rombar=0|"
			       "-device|vfio-pci,host=0000:03:02.2,id=hostdev-0000-03-02-2,"
			       "bus=pcie.0,addr=0x11,rombar=0");
	free(s);
	srp_strv_free(&out);

	/* failover: the standby on the user's netdev with the VF's MAC, first */
	o = (struct srp_launch_opts){ .format = SRP_LAUNCH_QEMU, .addr = -1, .failover = 1,
				      .standby = "n0" };
	s = build(a, 1, &o, &out);
	assert_string_equal(s, "-device|virtio-net-pci,netdev=n0,id=net-0000-03-02-0,"
			       "failover=on,mac=02:16:3e:0b:8d:1d|"
			       "-device|vfio-pci,host=0000:03:02.0,id=hostdev-0000-03-02-0,"
			       "failover_pair_id=net-0000-03-02-0");
	free(s);
	srp_strv_free(&out);
	o.standby = "n0,n1";
	s = build(a, 2, &o, &out);
	assert_non_null(strstr(s, "netdev=n1,id=net-0000-03-02-2,failover=on,mac=02:16:3e:0b:8d:1f"));
	free(s);
	srp_strv_free(&out);
}

static void test_qemu_refusals(void **state)
{
	struct srp_assignment a[2] = { vf("0000:03:02.0", "kvm", 101, -1),
				       vf("0000:03:02.2", "xen", 0, 0x1f) };
	struct srp_launch_opts o = { .format = SRP_LAUNCH_QEMU, .addr = -1 };

	(void)state;
	assert_int_equal(refused(&a[1], 1, &o, "backend xen: qemu takes only VFs of backend kvm"),
			 -EINVAL);
	o.failover = 1;
	o.standby = "n0";
	refused(a, 1, &o, "0000:03:02.0 has no MAC recorded");
	a[0].has_mac = 1;
	refused(a, 2, &o, "2 VFs, 1 standby netdev id");
	o.standby = "n0,9x";
	a[1] = a[0];
	a[1].vf.fn = 2;
	refused(a, 2, &o, "not a list of QEMU ids");
	o = (struct srp_launch_opts){ .format = SRP_LAUNCH_QEMU, .addr = 0x1f };
	refused(a, 2, &o, "past 0x1f");
	o = (struct srp_launch_opts){ .format = SRP_LAUNCH_QEMU, .addr = -1, .bus = "x,y" };
	refused(a, 1, &o, "not a QEMU id");
}

static const char IFACE0[] =
	"<interface type='hostdev' managed='no'>\n"
	"  <source>\n"
	"    <address type='pci' domain='0x0000' bus='0x03' slot='0x02' function='0x0'/>\n"
	"  </source>\n"
	"  <mac address='02:16:3e:0b:8d:1d'/>\n"
	"  <vlan>\n"
	"    <tag id='101'/>\n"
	"  </vlan>\n"
	"  <alias name='ua-hostdev-0000-03-02-0'/>\n"
	"</interface>";

static void test_libvirt(void **state)
{
	struct srp_assignment a[2] = { vf("0000:03:02.0", "kvm", 101, 0x1d),
				       vf("0000:03:1f.7", "xen", 0, 0x1f) };
	struct srp_launch_opts o = { .format = SRP_LAUNCH_LIBVIRT, .addr = -1 };
	struct srp_strv out = { 0 };
	char *s, *frag;

	(void)state;
	s = build(a, 1, &o, &out);
	assert_string_equal(s, IFACE0);
	/* one device: the element itself, for virsh attach-device */
	frag = srp_launch_libvirt_fragment(&out);
	assert_string_equal(frag, IFACE0);
	free(frag);
	free(s);
	srp_strv_free(&out);

	/* untagged: no <vlan>; several: one <devices>, indented */
	s = build(a, 2, &o, &out);
	assert_null(strstr(strchr(s, '|'), "<vlan>"));
	assert_non_null(strstr(s, "bus='0x03' slot='0x1f' function='0x7'"));
	frag = srp_launch_libvirt_fragment(&out);
	assert_int_equal(strncmp(frag, "<devices>\n  <interface type='hostdev' managed='no'>\n"
				 "    <source>\n", 60), 0);
	assert_non_null(strstr(frag, "  </interface>\n</devices>"));
	free(frag);
	free(s);
	srp_strv_free(&out);

	o.plain = 1;
	s = build(a, 1, &o, &out);
	assert_string_equal(s, "<hostdev mode='subsystem' type='pci' managed='no'>\n"
			       "  <source>\n"
			       "    <address domain='0x0000' bus='0x03' slot='0x02' "
			       "function='0x0'/>\n"
			       "  </source>\n"
			       "  <alias name='ua-hostdev-0000-03-02-0'/>\n"
			       "</hostdev>");
	free(s);
	srp_strv_free(&out);

	o = (struct srp_launch_opts){ .format = SRP_LAUNCH_LIBVIRT, .addr = -1, .failover = 1,
				      .standby = "default" };
	s = build(a, 1, &o, &out);
	assert_int_equal(out.n, 2);
	assert_string_equal(out.v[0], "<interface type='network'>\n"
				      "  <source network='default'/>\n"
				      "  <mac address='02:16:3e:0b:8d:1d'/>\n"
				      "  <model type='virtio'/>\n"
				      "  <teaming type='persistent'/>\n"
				      "  <alias name='ua-net-0000-03-02-0'/>\n"
				      "</interface>");
	assert_non_null(strstr(out.v[1], "  </vlan>\n"
					 "  <teaming type='transient' persistent='ua-net-0000-03-02-0'/>\n"
					 "  <alias name='ua-hostdev-0000-03-02-0'/>\n"));
	free(s);
	srp_strv_free(&out);
}

static void test_libvirt_refusals(void **state)
{
	struct srp_assignment a = vf("0000:03:02.0", "kvm", 101, -1);
	struct srp_launch_opts o = { .format = SRP_LAUNCH_LIBVIRT, .addr = -1 };
	struct srp_strv out = { 0 };
	char *s;

	(void)state;
	/* libvirt would program a MAC of its own into an <interface> without one */
	refused(&a, 1, &o, "use --plain");
	o.plain = 1;
	s = build(&a, 1, &o, &out);
	free(s);
	srp_strv_free(&out);
	a.has_mac = 1;
	o = (struct srp_launch_opts){ .format = SRP_LAUNCH_LIBVIRT, .addr = -1, .failover = 1,
				      .standby = "bad'net" };
	refused(&a, 1, &o, "not a network name");
	o.standby = "default";
	o.plain = 1;
	refused(&a, 1, &o, "failover pair needs");
}

static void test_xl(void **state)
{
	struct srp_assignment a[2] = { vf("0000:03:02.0", "xen", 101, 0x1d),
				       vf("0000:03:02.2", "xen", 0, -1) };
	struct srp_launch_opts o = { .format = SRP_LAUNCH_XL, .addr = -1 };
	struct srp_strv out = { 0 };
	char *s, *line;

	(void)state;
	s = build(a, 2, &o, &out);
	line = srp_launch_xl_line(&out);
	assert_string_equal(line, "pci = [ '0000:03:02.0,seize=0,permissive=0,rdm_policy=strict', "
				  "'0000:03:02.2,seize=0,permissive=0,rdm_policy=strict' ]");
	free(line);
	free(s);
	srp_strv_free(&out);
	strcpy(a[1].backend, "kvm");
	refused(a, 2, &o, "0000:03:02.2 is assigned with backend kvm: xl takes only VFs of "
			  "backend xen");
	o.failover = 1;
	o.standby = "n0";
	refused(a, 1, &o, "failover pair needs");
}

static void test_shell_join(void **state)
{
	char *words[] = { "-device", "vfio-pci,host=0000:03:02.0", "it's", "a b", "" };
	struct srp_strv v = { words, 5 };
	char *s = srp_launch_shell_join(&v);

	(void)state;
	assert_string_equal(s, "-device vfio-pci,host=0000:03:02.0 'it'\\''s' 'a b' ''");
	free(s);
}

static const char DOMAIN[] =
	"<!-- kept -->\n"
	"<domain type='kvm'>\n"
	"  <name>web1</name>\n"
	"  <memory unit='MiB'>512</memory>\n"
	"  <devices>\n"
	"    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
	"  </devices>\n"
	"</domain>\n";

static int merge(const char *xml, const char *domain, char **ret, struct srp_err *err)
{
	char *d = (char *)IFACE0;
	struct srp_strv devs = { &d, 1 };

	return srp_launch_merge(xml, strlen(xml), "web1.xml", domain, &devs, ret, err);
}

static void test_merge(void **state)
{
	struct srp_err err = { 0 };
	char *out = NULL, *again = NULL;
	const char *emu, *ifc, *end;

	(void)state;
	assert_int_equal(merge(DOMAIN, "web1", &out, &err), 0);
	emu = strstr(out, "<emulator>");
	ifc = strstr(out, "    <interface type=\"hostdev\" managed=\"no\">\n"
			  "      <source>\n");
	end = strstr(out, "    </interface>\n  </devices>\n</domain>");
	assert_non_null(emu);
	assert_non_null(ifc);
	assert_non_null(end);
	assert_true(emu < ifc && ifc < end);
	assert_non_null(strstr(out, "<!-- kept -->"));
	assert_null(strstr(out, "<?xml"));
	/* the same VF twice is refused */
	assert_int_equal(merge(out, "web1", &again, &err), -EEXIST);
	assert_non_null(strstr(err.msg, "PCI address 0000:03:02.0 already"));
	free(out);

	/* no <devices>: one is made */
	err = (struct srp_err){ 0 };
	assert_int_equal(merge("<domain type='kvm'><name>web1</name></domain>", "web1", &out,
			       &err), 0);
	assert_non_null(strstr(out, "<devices><interface type=\"hostdev\""));
	free(out);
}

static void test_merge_refusals(void **state)
{
	static const struct {
		const char *xml, *says;
	} bad[] = {
		{ "<domain><name>web1</name>", "not well-formed XML" },
		{ "<network><name>web1</name></network>", "is <network>, not <domain>" },
		{ "<domain><name>db1</name></domain>", "defines domain 'db1', not 'web1'" },
		{ "<domain><devices/></domain>", "has no <name>" },
		{ "<!DOCTYPE domain [<!ENTITY x 'y'>]><domain><name>web1</name></domain>",
		  "DOCTYPE" },
		{ "<domain><name>web1</name><devices><hostdev mode='subsystem' type='pci'>"
		  "<source><address domain='0' bus='3' slot='2' function='0'/>"
		  "</source></hostdev></devices></domain>", "PCI address 0000:03:02.0" },
		{ "<domain><name>web1</name><devices><interface type='network'>"
		  "<alias name='ua-hostdev-0000-03-02-0'/></interface></devices></domain>",
		  "alias 'ua-hostdev-0000-03-02-0'" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct srp_err err = { 0 };
		char *out = NULL;

		assert_true(merge(bad[i].xml, "web1", &out, &err) < 0);
		assert_null(out);
		assert_true(err.flags & SRP_ERR_INPUT);
		if (strstr(err.msg, bad[i].says) == NULL)
			fail_msg("case %zu: '%s' lacks '%s'", i, err.msg, bad[i].says);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ids_from_the_address),
		cmocka_unit_test(test_qemu),
		cmocka_unit_test(test_qemu_refusals),
		cmocka_unit_test(test_libvirt),
		cmocka_unit_test(test_libvirt_refusals),
		cmocka_unit_test(test_xl),
		cmocka_unit_test(test_shell_join),
		cmocka_unit_test(test_merge),
		cmocka_unit_test(test_merge_refusals),
	};

	return cmocka_run_group_tests_name("launch", tests, NULL, NULL);
}
