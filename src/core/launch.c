/* SPDX-License-Identifier: MIT */
/* srpass -- launch artefacts from the ledger: pure text, nothing read or changed */
#include "core/launch.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ledger.h"
#include "srpass/err.h"
#include "switch/vfswitch.h"

void srp_strv_free(struct srp_strv *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

/* Take s (malloc'ed, may be NULL: out of memory) into v. */
static int strv_take(struct srp_strv *v, char *s)
{
	char **nv;

	if (s == NULL)
		return -ENOMEM;
	nv = realloc(v->v, (v->n + 1) * sizeof(*nv));
	if (nv == NULL) {
		free(s);
		return -ENOMEM;
	}
	v->v = nv;
	v->v[v->n++] = s;
	return 0;
}

/* A malloc'ed printf; NULL if out of memory. */
static char *aprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *aprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (r < 0 || (s = malloc((size_t)r + 1)) == NULL)
		return NULL;
	va_start(ap, fmt);
	vsnprintf(s, (size_t)r + 1, fmt, ap);
	va_end(ap);
	return s;
}

char *srp_launch_id(const char *prefix, const struct srp_bdf *vf, char buf[SRP_LAUNCH_IDMAX])
{
	snprintf(buf, SRP_LAUNCH_IDMAX, "%s-%04x-%02x-%02x-%x", prefix, vf->domain, vf->bus,
		 vf->dev, vf->fn);
	return buf;
}

static int id_char(char c, int first)
{
	if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
		return 1;
	return !first && ((c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_');
}

int srp_launch_qemu_id_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 127)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!id_char(s[i], i == 0))
			return 0;
	return 1;
}

int srp_launch_network_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!id_char(s[i], 0))
			return 0;
	return 1;
}

/* ---- QEMU ---- */

/* The i-th of the comma-separated netdev ids in list, into buf. */
static int nth_id(const char *list, size_t i, char *buf, size_t len)
{
	const char *p = list, *e;

	for (; i > 0; i--) {
		p = strchr(p, ',');
		if (p == NULL)
			return -1;
		p++;
	}
	e = strchr(p, ',');
	if (e == NULL)
		e = p + strlen(p);
	if ((size_t)(e - p) >= len)
		return -1;
	memcpy(buf, p, (size_t)(e - p));
	buf[e - p] = '\0';
	return srp_launch_qemu_id_valid(buf) ? 0 : -1;
}

static size_t count_ids(const char *list)
{
	size_t n = 1;

	for (; *list; list++)
		n += *list == ',';
	return n;
}

static int qemu_vf(const struct srp_assignment *a, size_t i, const struct srp_launch_opts *o,
		   struct srp_strv *out)
{
	char id[SRP_LAUNCH_IDMAX], net[SRP_LAUNCH_IDMAX], bdf[SRP_BDF_STRLEN];
	char mac[SRP_VF_MACSTRLEN], netdev[128], opt[256] = "";
	size_t k = 0;
	int r;

	srp_launch_id("hostdev", &a->vf, id);
	srp_launch_id("net", &a->vf, net);
	srp_bdf_format(&a->vf, bdf);
	if (o->failover) {
		if (nth_id(o->standby, i, netdev, sizeof(netdev)) < 0)
			return -EINVAL;
		r = strv_take(out, strdup("-device"));
		if (r == 0)
			r = strv_take(out, aprintf("virtio-net-pci,netdev=%s,id=%s,failover=on,mac=%s",
						   netdev, net, srp_vf_mac_format(a->mac, mac)));
		if (r < 0)
			return r;
	}
	if (o->bus != NULL)
		k += (size_t)snprintf(opt + k, sizeof(opt) - k, ",bus=%s", o->bus);
	if (o->addr >= 0)
		k += (size_t)snprintf(opt + k, sizeof(opt) - k, ",addr=0x%02zx", (size_t)o->addr + i);
	if (o->rombar_off)
		k += (size_t)snprintf(opt + k, sizeof(opt) - k, ",rombar=0");
	if (o->failover)
		snprintf(opt + k, sizeof(opt) - k, ",failover_pair_id=%s", net);
	r = strv_take(out, strdup("-device"));
	return r < 0 ? r : strv_take(out, aprintf("vfio-pci,host=%s,id=%s%s", bdf, id, opt));
}

/* ---- libvirt ---- */

static char *libvirt_standby(const struct srp_assignment *a, const struct srp_launch_opts *o)
{
	char net[SRP_LAUNCH_IDMAX], mac[SRP_VF_MACSTRLEN];

	/* the network name was checked: [A-Za-z0-9_.-], nothing to escape */
	return aprintf("<interface type='network'>\n"
		       "  <source network='%s'/>\n"
		       "  <mac address='%s'/>\n"
		       "  <model type='virtio'/>\n"
		       "  <teaming type='persistent'/>\n"
		       "  <alias name='ua-%s'/>\n"
		       "</interface>",
		       o->standby, srp_vf_mac_format(a->mac, mac), srp_launch_id("net", &a->vf, net));
}

static char *libvirt_vf(const struct srp_assignment *a, const struct srp_launch_opts *o)
{
	char id[SRP_LAUNCH_IDMAX], net[SRP_LAUNCH_IDMAX], mac[SRP_VF_MACSTRLEN];
	char src[160], vlan[64] = "", team[96] = "";

	srp_launch_id("hostdev", &a->vf, id);
	/* libvirt's schema: an <interface>'s source address has type='pci',
	 * a <hostdev>'s has no type */
	snprintf(src, sizeof(src),
		 "  <source>\n"
		 "    <address%s domain='0x%04x' bus='0x%02x' slot='0x%02x' function='0x%x'/>\n"
		 "  </source>\n",
		 o->plain ? "" : " type='pci'", a->vf.domain, a->vf.bus, a->vf.dev, a->vf.fn);
	if (o->plain)
		return aprintf("<hostdev mode='subsystem' type='pci' managed='no'>\n"
			       "%s"
			       "  <alias name='ua-%s'/>\n"
			       "</hostdev>", src, id);
	if (a->vlan != 0)
		snprintf(vlan, sizeof(vlan), "  <vlan>\n    <tag id='%u'/>\n  </vlan>\n", a->vlan);
	if (o->failover)
		snprintf(team, sizeof(team), "  <teaming type='transient' persistent='ua-%s'/>\n",
			 srp_launch_id("net", &a->vf, net));
	return aprintf("<interface type='hostdev' managed='no'>\n"
		       "%s"
		       "  <mac address='%s'/>\n"
		       "%s%s"
		       "  <alias name='ua-%s'/>\n"
		       "</interface>",
		       src, srp_vf_mac_format(a->mac, mac), vlan, team, id);
}

/* ---- xl ---- */

static char *xl_item(const struct srp_assignment *a)
{
	char bdf[SRP_BDF_STRLEN];

	/* xl.cfg(5): srpass prepared the VF already (seize=0); booleans 0/1 only */
	return aprintf("%s,seize=0,permissive=0,rdm_policy=strict", srp_bdf_format(&a->vf, bdf));
}

/* ---- the formats together ---- */

static const char *const format_names[] = {
	[SRP_LAUNCH_QEMU] = "qemu", [SRP_LAUNCH_LIBVIRT] = "libvirt", [SRP_LAUNCH_XL] = "xl",
};
/* the backend whose VFs the format gives to a guest; NULL: any */
static const char *const format_backends[] = {
	[SRP_LAUNCH_QEMU] = "kvm", [SRP_LAUNCH_LIBVIRT] = NULL, [SRP_LAUNCH_XL] = "xen",
};

static int check_vf(const struct srp_assignment *a, const struct srp_launch_opts *o,
		    struct srp_err *err)
{
	const char *want = format_backends[o->format];
	char bdf[SRP_BDF_STRLEN];

	srp_bdf_format(&a->vf, bdf);
	if (want != NULL && strcmp(a->backend, want) != 0)
		return srp_err_refuse(err, -EINVAL, "%s is assigned with backend %s: %s takes only "
				      "VFs of backend %s", bdf, a->backend,
				      format_names[o->format], want);
	if (!a->has_mac && o->failover)
		return srp_err_refuse(err, -EINVAL, "%s has no MAC recorded in the ledger: a "
				      "failover pair needs the VF's MAC on its standby", bdf);
	if (!a->has_mac && o->format == SRP_LAUNCH_LIBVIRT && !o->plain)
		return srp_err_refuse(err, -EINVAL, "%s has no MAC recorded in the ledger: libvirt "
				      "would program a MAC of its own into the VF; use --plain (a "
				      "<hostdev> leaves the switch to srpass)", bdf);
	return 0;
}

int srp_launch_build(const struct srp_assignment *const *a, size_t n,
		     const struct srp_launch_opts *o, struct srp_strv *out, struct srp_err *err)
{
	struct srp_strv v = { 0 };
	int r = 0;

	if (n == 0 || (unsigned int)o->format > SRP_LAUNCH_XL)
		return srp_err_set(err, -EINVAL, "no VF to launch");
	if (o->failover && (o->format == SRP_LAUNCH_XL || o->plain || o->standby == NULL))
		return srp_err_input(err, -EINVAL, "a failover pair needs qemu or libvirt's "
				     "interface, and the standby");
	if (o->failover && o->format == SRP_LAUNCH_QEMU && count_ids(o->standby) != n)
		return srp_err_input(err, -EINVAL, "%zu VF%s, %zu standby netdev id%s: a QEMU "
				     "-netdev serves one device, so name one per VF", n,
				     n == 1 ? "" : "s", count_ids(o->standby),
				     count_ids(o->standby) == 1 ? "" : "s");
	if (o->failover && o->format == SRP_LAUNCH_LIBVIRT &&
	    !srp_launch_network_valid(o->standby))
		return srp_err_input(err, -EINVAL, "'%s' is not a network name srpass prints "
				     "([A-Za-z0-9_.-], 1 to 64 characters)", o->standby);
	if (o->bus != NULL && !srp_launch_qemu_id_valid(o->bus))
		return srp_err_input(err, -EINVAL, "bus '%s' is not a QEMU id (a letter, then "
				     "letters, digits, '-', '.', '_')", o->bus);
	if (o->addr >= 0 && (size_t)o->addr + n - 1 > 0x1f)
		return srp_err_input(err, -EINVAL, "addr 0x%02x: %zu VFs need slots up to "
				     "0x%02zx, past 0x1f", o->addr, n, (size_t)o->addr + n - 1);
	for (size_t i = 0; i < n && r == 0; i++) {
		r = check_vf(a[i], o, err);
		if (r < 0)
			break;
		switch (o->format) {
		case SRP_LAUNCH_QEMU:
			r = qemu_vf(a[i], i, o, &v);
			if (r == -EINVAL)
				r = srp_err_input(err, r, "--standby-netdev '%s': not a list of "
						  "QEMU ids", o->standby);
			break;
		case SRP_LAUNCH_LIBVIRT:
			if (o->failover)
				r = strv_take(&v, libvirt_standby(a[i], o));
			if (r == 0)
				r = strv_take(&v, libvirt_vf(a[i], o));
			break;
		case SRP_LAUNCH_XL:
			r = strv_take(&v, xl_item(a[i]));
			break;
		}
	}
	if (r == -ENOMEM)
		srp_err_set(err, r, "out of memory");
	for (size_t i = 0; r == 0 && i < v.n; i++) {
		r = strv_take(out, v.v[i]);
		v.v[i] = NULL;
		if (r < 0)
			srp_err_set(err, r, "out of memory");
	}
	srp_strv_free(&v);
	return r;
}

/* ---- srpass run ---- */

static int take_words(struct srp_strv *out, const struct srp_strv *words)
{
	for (size_t k = 0; k < words->n; k++)
		if (strv_take(out, strdup(words->v[k])) < 0)
			return -ENOMEM;
	return 0;
}

int srp_launch_command(char *const *cmd, size_t n, const struct srp_strv *words,
		       struct srp_strv *out)
{
	int placed = 0, r = 0;

	for (size_t i = 0; i < n && r == 0; i++) {
		if (strcmp(cmd[i], SRP_LAUNCH_PLACEHOLDER) == 0) {
			r = take_words(out, words);
			placed = 1;
		} else {
			r = strv_take(out, strdup(cmd[i]));
		}
	}
	if (r == 0 && !placed)
		r = take_words(out, words);
	if (r < 0)
		srp_strv_free(out);
	return r;
}

/* ---- joining ---- */

/* The characters a shell word may hold unquoted. */
static int shell_plain(const char *s)
{
	if (*s == '\0')
		return 0;
	for (; *s; s++)
		if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
			    "-_.,:=/+@%", *s))
			return 0;
	return 1;
}

char *srp_launch_shell_join(const struct srp_strv *argv)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	for (size_t i = 0; i < argv->n; i++) {
		const char *s = argv->v[i];

		if (i > 0)
			fputc(' ', f);
		if (shell_plain(s)) {
			fputs(s, f);
			continue;
		}
		fputc('\'', f);
		for (; *s; s++)
			if (*s == '\'')
				fputs("'\\''", f);
			else
				fputc(*s, f);
		fputc('\'', f);
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *srp_launch_libvirt_fragment(const struct srp_strv *devs)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f;

	if (devs->n == 1)
		return strdup(devs->v[0]);
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return NULL;
	fputs("<devices>\n", f);
	for (size_t i = 0; i < devs->n; i++) {
		fputs("  ", f);
		for (const char *s = devs->v[i]; *s; s++) {
			fputc(*s, f);
			if (*s == '\n')
				fputs("  ", f);
		}
		fputc('\n', f);
	}
	fputs("</devices>", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}

char *srp_launch_xl_line(const struct srp_strv *items)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return NULL;
	fputs("pci = [ ", f);
	for (size_t i = 0; i < items->n; i++)
		fprintf(f, "%s'%s'", i ? ", " : "", items->v[i]);
	fputs(" ]", f);
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
