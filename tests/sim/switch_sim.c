/* SPDX-License-Identifier: MIT */
/* srpass -- a file-backed VF switch under the host root, with kernel-like refusals */
#include "switch/vfswitch.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <json-c/json.h>

#include "srpass/err.h"
#include "os/sys.h"
#include "base/util.h"
#include "sim/platform.h"
#include "sim/simkernel.h"

/*
 * One JSON file per PF netdev, /var/lib/srpass-sim/switch/<netdev>.json
 * under the host root (format: docs/switch.md).  Every call reads it,
 * and a change writes it back with sys->ops->replace; there is no lock,
 * which is fine for a simulator driven by one process at a time.
 *
 * The PF is found the way sysfs shows it: /sys/class/net/<netdev>/device,
 * or else the PCI function whose net/ directory holds <netdev>.  Its
 * sriov_numvfs is the VF count; when that differs from the file, the VFs
 * are recreated fresh, as the kernel does when SR-IOV is re-enabled.
 */

#define SIM_SWITCH_DIR	SRP_SIMKERNEL_DIR "/switch"
#define SIM_MAX_FILE	(1u << 20)
#define SIM_VERSION	1

enum sim_profile {
	SIM_FULL,		/* every attribute, hwmode and eswitch mode (netdevsim-like) */
	SIM_IGB,		/* what an igb PF accepts (docs/switch.md) */
};

struct sim_pf {
	char netdev[SRP_VF_IFNAMSIZ];
	char file[PATH_MAX];
	char devdir[PATH_MAX];		/* the PF's sysfs device directory, "" if not found */
	enum sim_profile profile;
	int link_flag;			/* "link_up" in the file: 1, 0, -1 absent */
	int link_up;			/* what counts: the flag, else operstate */
	enum srp_hwmode hwmode;
	enum srp_eswitch_mode eswitch;
	unsigned int numvfs;
	struct srp_vf_state *vfs;
	int *admin_mac;			/* per VF: the MAC was set by the PF */
	int dirty;			/* the file needs writing */
};

static void sim_pf_free(struct sim_pf *p)
{
	free(p->vfs);
	free(p->admin_mac);
}

static void fresh_vf(const struct sim_pf *p, struct srp_vf_state *st, unsigned int i)
{
	srp_vf_state_init(st, i);
	st->known = SRP_VF_SETTABLE | SRP_VF_STATS;
	st->vlan_proto = SRP_VF_PROTO_8021Q;
	st->trust = 0;
	st->link_state = SRP_VF_LINK_AUTO;
	if (p->profile == SIM_IGB) {
		st->spoofchk = 1;		/* igb turns spoof checking on */
		st->known &= ~SRP_VF_QUERY_RSS;	/* and never reports query_rss */
	} else {
		st->spoofchk = 0;
		st->rss_query_en = 0;
	}
}

static int alloc_vfs(struct sim_pf *p, unsigned int n, struct srp_err *err)
{
	free(p->vfs);
	free(p->admin_mac);
	p->vfs = calloc(n ? n : 1, sizeof(*p->vfs));
	p->admin_mac = calloc(n ? n : 1, sizeof(*p->admin_mac));
	if (p->vfs == NULL || p->admin_mac == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	p->numvfs = n;
	return 0;
}

static int fresh_vfs(struct sim_pf *p, unsigned int n, struct srp_err *err)
{
	int r = alloc_vfs(p, n, err);

	if (r < 0)
		return r;
	for (unsigned int i = 0; i < n; i++)
		fresh_vf(p, &p->vfs[i], i);
	p->dirty = 1;
	return 0;
}

/* ---- finding the PF in sysfs ---- */

struct find_net {
	const struct srp_sys *sys;
	const char *netdev;
	char *devdir;
};

static int find_net_dev(const char *name, unsigned char d_type, void *arg)
{
	struct find_net *f = arg;
	char path[PATH_MAX];
	mode_t mode;

	(void)d_type;
	if (snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net/%s", name, f->netdev) >=
	    (int)sizeof(path))
		return 0;
	if (srp_sys_lstat(f->sys, path, &mode) < 0)
		return 0;
	snprintf(f->devdir, PATH_MAX, "/sys/bus/pci/devices/%s", name);
	return 1;
}

/* p->devdir for p->netdev, or "" if sysfs does not know it. */
static int find_devdir(const struct srp_sys *sys, struct sim_pf *p, struct srp_err *err)
{
	struct find_net f = { .sys = sys, .netdev = p->netdev, .devdir = p->devdir };
	mode_t mode;
	int r;

	p->devdir[0] = '\0';
	snprintf(p->devdir, sizeof(p->devdir), "/sys/class/net/%s/device", p->netdev);
	if (srp_sys_lstat(sys, p->devdir, &mode) == 0)
		return 0;
	p->devdir[0] = '\0';
	r = srp_sys_listdir(sys, "/sys/bus/pci/devices", find_net_dev, &f);
	if (r < 0 && r != -ENOENT)
		return srp_err_set(err, r, "cannot list '/sys/bus/pci/devices'");
	return 0;
}

static int read_small(const struct srp_sys *sys, const char *path, char *buf, size_t len)
{
	ssize_t n = srp_sys_read(sys, path, buf, len - 1);

	if (n < 0)
		return (int)n;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

/* sriov_numvfs of the PF: 0 if it has none; -ENOENT if sysfs does not know the PF. */
static int sysfs_numvfs(const struct srp_sys *sys, const struct sim_pf *p, unsigned int *ret,
			struct srp_err *err)
{
	char path[PATH_MAX + 32], buf[32];
	unsigned long v;
	int r;

	if (p->devdir[0] == '\0')
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/sriov_numvfs", p->devdir);
	r = read_small(sys, path, buf, sizeof(buf));
	if (r == -ENOENT) {
		*ret = 0;		/* not an SR-IOV function */
		return 0;
	}
	if (r < 0)
		return srp_err_set(err, r, "cannot read '%s'", path);
	if (srp_parse_ulong(buf, 10, 0, 65535, &v) < 0)
		return srp_err_set(err, -EINVAL, "unexpected value '%s' in '%s'", buf, path);
	*ret = (unsigned int)v;
	return 0;
}

static int sysfs_link_up(const struct srp_sys *sys, const struct sim_pf *p)
{
	char path[PATH_MAX + 64], buf[32];

	snprintf(path, sizeof(path), "/sys/class/net/%s/operstate", p->netdev);
	if (read_small(sys, path, buf, sizeof(buf)) < 0) {
		if (p->devdir[0] == '\0')
			return 0;
		snprintf(path, sizeof(path), "%s/net/%s/operstate", p->devdir, p->netdev);
		if (read_small(sys, path, buf, sizeof(buf)) < 0)
			return 0;	/* no operstate: no carrier */
	}
	return strcmp(buf, "up") == 0;
}

/* ---- the file ---- */

static int file_err(struct srp_err *err, const struct sim_pf *p, const char *fmt, const char *key)
{
	char what[128];

	snprintf(what, sizeof(what), fmt, key);
	return srp_err_set(err, -EINVAL, "simulated switch '%s': %s", p->file, what);
}

static int parse_vfs(struct sim_pf *p, const struct json_object *a, struct srp_err *err)
{
	size_t n;
	int r;

	if (!json_object_is_type(a, json_type_array))
		return file_err(err, p, "'%s' is not an array", "vfs");
	n = json_object_array_length(a);
	if (n > 65535)
		return file_err(err, p, "'%s' has too many entries", "vfs");
	r = alloc_vfs(p, (unsigned int)n, err);
	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++) {
		struct json_object *o = json_object_array_get_idx(a, i), *copy = NULL, *adm;
		char key[32];

		snprintf(key, sizeof(key), "vfs[%zu]", i);
		if (!json_object_is_type(o, json_type_object))
			return file_err(err, p, "'%s' is not an object", key);
		/* "admin_mac" is the simulator's own key; the rest is a VF state */
		if (json_object_deep_copy(o, &copy, NULL) < 0)
			return srp_err_set(err, -ENOMEM, "out of memory");
		if (json_object_object_get_ex(copy, "admin_mac", &adm)) {
			if (!json_object_is_type(adm, json_type_boolean)) {
				json_object_put(copy);
				return file_err(err, p, "'%s.admin_mac' is not true or false", key);
			}
			p->admin_mac[i] = json_object_get_boolean(adm);
			json_object_object_del(copy, "admin_mac");
		}
		r = srp_vf_state_from_json(copy, &p->vfs[i], err);
		json_object_put(copy);
		if (r < 0) {
			srp_err_prefix(err, "simulated switch '%s': %s: ", p->file, key);
			return r;
		}
		if (p->vfs[i].index != i)
			return file_err(err, p, "'%s' describes another VF", key);
		/* counters are stored only once set by hand ("stats"); else all 0 */
		p->vfs[i].known |= SRP_VF_STATS;
	}
	return 0;
}

static int parse_file(struct sim_pf *p, const char *text, size_t len, int *ret_have_vfs,
		      struct srp_err *err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;
	const char *end;
	int r = 0;

	if (tok == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	if (memchr(text, '\0', len) != NULL) {
		json_tokener_free(tok);
		return file_err(err, p, "%s", "contains a NUL byte");
	}
	root = json_tokener_parse_ex(tok, text, (int)len);
	if (root == NULL || json_tokener_get_error(tok) != json_tokener_success) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		r = srp_err_set(err, -EINVAL, "simulated switch '%s' is not valid JSON (%s)", p->file,
				e == json_tokener_continue ? "it ends too early" :
				json_tokener_error_desc(e));
		json_tokener_free(tok);
		json_object_put(root);
		return r;
	}
	for (end = text + json_tokener_get_parse_end(tok); end < text + len; end++)
		if (*end != ' ' && *end != '\n' && *end != '\t' && *end != '\r')
			break;
	json_tokener_free(tok);
	if (end < text + len) {
		json_object_put(root);
		return file_err(err, p, "%s", "has text after the JSON object");
	}
	if (!json_object_is_type(root, json_type_object)) {
		json_object_put(root);
		return file_err(err, p, "%s", "is not a JSON object");
	}
	json_object_object_foreach(root, key, val) {
		const char *s = json_object_is_type(val, json_type_string) ?
				json_object_get_string(val) : NULL;

		if (strcmp(key, "version") == 0) {
			if (!json_object_is_type(val, json_type_int) ||
			    json_object_get_int64(val) != SIM_VERSION)
				r = file_err(err, p, "'%s' is not 1", key);
		} else if (strcmp(key, "profile") == 0) {
			if (s != NULL && strcmp(s, "full") == 0)
				p->profile = SIM_FULL;
			else if (s != NULL && strcmp(s, "igb") == 0)
				p->profile = SIM_IGB;
			else
				r = file_err(err, p, "'%s' is not \"full\" or \"igb\"", key);
		} else if (strcmp(key, "link_up") == 0) {
			if (val == NULL)
				p->link_flag = -1;
			else if (json_object_is_type(val, json_type_boolean))
				p->link_flag = json_object_get_boolean(val);
			else
				r = file_err(err, p, "'%s' is not true, false or null", key);
		} else if (strcmp(key, "hwmode") == 0) {
			if (s != NULL && strcmp(s, "veb") == 0)
				p->hwmode = SRP_HWMODE_VEB;
			else if (s != NULL && strcmp(s, "vepa") == 0)
				p->hwmode = SRP_HWMODE_VEPA;
			else
				r = file_err(err, p, "'%s' is not \"veb\" or \"vepa\"", key);
		} else if (strcmp(key, "eswitch_mode") == 0) {
			if (s != NULL && strcmp(s, "legacy") == 0)
				p->eswitch = SRP_ESWITCH_LEGACY;
			else if (s != NULL && strcmp(s, "switchdev") == 0)
				p->eswitch = SRP_ESWITCH_SWITCHDEV;
			else
				r = file_err(err, p, "'%s' is not \"legacy\" or \"switchdev\"", key);
		} else if (strcmp(key, "vfs") == 0) {
			r = parse_vfs(p, val, err);
			*ret_have_vfs = 1;
		} else {
			r = file_err(err, p, "unknown key '%s'", key);
		}
		if (r < 0)
			break;
	}
	json_object_put(root);
	return r;
}

static int sim_save(const struct srp_sys *sys, struct sim_pf *p, struct srp_err *err)
{
	struct json_object *root = json_object_new_object(), *a;
	const char *text;
	int r;

	if (root == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	json_object_object_add(root, "version", json_object_new_int(SIM_VERSION));
	json_object_object_add(root, "profile",
			       json_object_new_string(p->profile == SIM_IGB ? "igb" : "full"));
	if (p->link_flag >= 0)
		json_object_object_add(root, "link_up", json_object_new_boolean(p->link_flag));
	json_object_object_add(root, "hwmode", json_object_new_string(
		p->hwmode == SRP_HWMODE_VEPA ? "vepa" : "veb"));
	json_object_object_add(root, "eswitch_mode", json_object_new_string(
		p->eswitch == SRP_ESWITCH_SWITCHDEV ? "switchdev" : "legacy"));
	a = json_object_new_array();
	json_object_object_add(root, "vfs", a);
	for (unsigned int i = 0; i < p->numvfs; i++) {
		static const struct srp_vf_stats none;
		/* counters planted in the file stay there: the kernel keeps them
		 * across a change of the VF's settings */
		unsigned int flags = memcmp(&p->vfs[i].stats, &none, sizeof(none)) ?
				     SRP_VF_JSON_STATS : 0;
		struct json_object *o = srp_vf_state_to_json(&p->vfs[i], flags);

		if (o == NULL || a == NULL) {
			json_object_put(o);
			json_object_put(root);
			return srp_err_set(err, -ENOMEM, "out of memory");
		}
		json_object_object_add(o, "admin_mac", json_object_new_boolean(p->admin_mac[i]));
		json_object_array_add(a, o);
	}
	text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					      JSON_C_TO_STRING_SPACED |
					      JSON_C_TO_STRING_NOSLASHESCAPE);
	r = sys->ops->mkdir(sys, SIM_SWITCH_DIR, 0755);
	if (r < 0 && r != -EEXIST) {
		json_object_put(root);
		return srp_err_set(err, r, "cannot create '%s' under host root '%s'",
				   SIM_SWITCH_DIR, sys->root);
	}
	r = text ? sys->ops->replace(sys, p->file, text, strlen(text), 0644) : -ENOMEM;
	json_object_put(root);
	if (r < 0)
		return srp_err_set(err, r, "cannot write simulated switch '%s'", p->file);
	p->dirty = 0;
	return 0;
}

/* Load pf's simulated switch, creating or resetting its VFs as sysfs says. */
static int sim_load(const struct srp_sys *sys, const char *netdev, struct sim_pf *p,
		    struct srp_err *err)
{
	unsigned int numvfs = 0;
	int have_vfs = 0, r, in_sysfs;
	char *text;
	ssize_t n;

	memset(p, 0, sizeof(*p));
	p->profile = SIM_FULL;
	p->link_flag = -1;
	p->hwmode = SRP_HWMODE_VEB;
	p->eswitch = SRP_ESWITCH_LEGACY;
	if (!srp_vf_ifname_valid(netdev))
		return srp_err_set(err, -EINVAL, "'%s' is not a network interface name", netdev);
	snprintf(p->netdev, sizeof(p->netdev), "%s", netdev);
	snprintf(p->file, sizeof(p->file), SIM_SWITCH_DIR "/%s.json", netdev);

	r = find_devdir(sys, p, err);
	if (r < 0)
		return r;
	r = sysfs_numvfs(sys, p, &numvfs, err);
	if (r < 0 && r != -ENOENT)
		return r;
	in_sysfs = r == 0;

	text = malloc(SIM_MAX_FILE + 1);
	if (text == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	n = sys->ops->read(sys, p->file, text, SIM_MAX_FILE + 1);
	if (n == -ENOENT && !in_sysfs) {
		free(text);
		return srp_err_set(err, -ENODEV, "no network interface '%s' under host root '%s'",
				   netdev, sys->root);
	}
	if (n == -ENOENT) {
		p->dirty = 1;		/* first use: create the file */
	} else if (n < 0) {
		free(text);
		return srp_err_set(err, (int)n, "cannot read simulated switch '%s'", p->file);
	} else if ((size_t)n > SIM_MAX_FILE) {
		free(text);
		return srp_err_set(err, -EFBIG, "simulated switch '%s' is larger than %u bytes",
				   p->file, SIM_MAX_FILE);
	} else {
		r = parse_file(p, text, (size_t)n, &have_vfs, err);
		if (r < 0) {
			free(text);
			sim_pf_free(p);
			return r;
		}
	}
	free(text);
	if (!have_vfs || (in_sysfs && numvfs != p->numvfs))
		r = fresh_vfs(p, in_sysfs ? numvfs : 0, err);
	if (r == 0)
		p->link_up = p->link_flag >= 0 ? p->link_flag : sysfs_link_up(sys, p);
	if (r == 0 && p->dirty)
		r = sim_save(sys, p, err);
	if (r < 0)
		sim_pf_free(p);
	return r;
}

/* ---- the ops ---- */

static int sim_get_vfs(struct srp_switch *sw, const char *pf, struct srp_vf_table *ret,
		       struct srp_err *err)
{
	struct sim_pf p;
	int r;

	r = sim_load(sw->sys, pf, &p, err);
	if (r < 0)
		return r;
	memset(ret, 0, sizeof(*ret));
	snprintf(ret->pf, sizeof(ret->pf), "%s", pf);
	ret->link_up = p.link_up;
	ret->num_vfs = p.numvfs;
	ret->n = p.numvfs;
	ret->vfs = p.vfs;
	p.vfs = NULL;
	sim_pf_free(&p);
	return 0;
}

/* One attribute (group) of a change, with the kernel's (and igb's) refusals. */
static int sim_apply(struct sim_pf *p, unsigned int vf, const struct srp_vf_change *s)
{
	struct srp_vf_state *st = &p->vfs[vf];
	int igb = p->profile == SIM_IGB;

	switch (s->set) {
	case SRP_VF_MAC:
		if (s->mac[0] & 1)
			return -EINVAL;
		memcpy(st->mac, s->mac, 6);
		/* a MAC the PF sets is administrative; all-zero gives it back to the VF */
		p->admin_mac[vf] = 0;
		for (int i = 0; i < 6; i++)
			if (st->mac[i] != 0)
				p->admin_mac[vf] = 1;
		break;
	case SRP_VF_VLAN:
		if (s->vlan > SRP_VF_VLAN_MAX || s->qos > SRP_VF_QOS_MAX)
			return -EINVAL;
		if (s->vlan_proto != SRP_VF_PROTO_8021Q &&
		    (igb || s->vlan_proto != SRP_VF_PROTO_8021AD))
			return -EPROTONOSUPPORT;
		if (s->vlan == 0 && s->qos != 0)
			return -EINVAL;
		st->vlan = s->vlan;
		st->qos = s->vlan ? s->qos : 0;
		st->vlan_proto = s->vlan ? s->vlan_proto : SRP_VF_PROTO_8021Q;
		break;
	case SRP_VF_SPOOFCHK:
		if (s->spoofchk != 0 && s->spoofchk != 1)
			return -EINVAL;
		st->spoofchk = s->spoofchk;
		break;
	case SRP_VF_TRUST:
		if (s->trust != 0 && s->trust != 1)
			return -EINVAL;
		st->trust = s->trust;
		break;
	case SRP_VF_LINK_STATE:
		if (igb)
			return -EOPNOTSUPP;
		if (srp_vf_link_state_name(s->link_state) == NULL)
			return -EINVAL;
		st->link_state = s->link_state;
		break;
	case SRP_VF_QUERY_RSS:
		if (igb)
			return -EOPNOTSUPP;
		if (s->rss_query_en != 0 && s->rss_query_en != 1)
			return -EINVAL;
		st->rss_query_en = s->rss_query_en;
		st->known |= SRP_VF_QUERY_RSS;
		break;
	default: {	/* rates: min and/or max */
		uint32_t min = (s->set & SRP_VF_MIN_RATE) ? s->min_tx_rate : st->min_tx_rate;
		uint32_t max = (s->set & SRP_VF_MAX_RATE) ? s->max_tx_rate : st->max_tx_rate;

		if (p->link_up != 1)
			return -EINVAL;		/* igb: rate limits need the link up */
		if (max != 0 && min > max)
			return -EINVAL;
		if (igb && min != 0)
			return -EINVAL;		/* igb has no minimum rate */
		st->min_tx_rate = min;
		st->max_tx_rate = max;
		break;
	}
	}
	return 0;
}

static int sim_set_vf(struct srp_switch *sw, const char *pf, const char *driver, unsigned int vf,
		      const struct srp_vf_change *c, struct srp_err *err)
{
	struct srp_vf_change steps[SRP_VF_MAX_STEPS];
	struct sim_pf p;
	int n, r, changed = 0;

	r = sim_load(sw->sys, pf, &p, err);
	if (r < 0)
		return r;
	n = srp_vf_apply_order(c, steps, ARRAY_SIZE(steps));
	if (n < 0) {
		sim_pf_free(&p);
		return srp_err_set(err, n, "too many VF settings at once");
	}
	for (int i = 0; i < n; i++) {
		/* like the kernel: each attribute on its own, earlier ones stay */
		r = vf < p.numvfs ? sim_apply(&p, vf, &steps[i]) : -EINVAL;
		if (r < 0) {
			srp_vf_set_error(err, r, driver, pf, vf, &steps[i], p.link_up, NULL);
			break;
		}
		changed = 1;
	}
	if (changed) {
		int w = sim_save(sw->sys, &p, r < 0 ? NULL : err);

		if (r == 0)
			r = w;
	}
	sim_pf_free(&p);
	return r;
}

static int sim_get_hwmode(struct srp_switch *sw, const char *pf, enum srp_hwmode *ret,
			  struct srp_err *err)
{
	struct sim_pf p;
	int r;

	r = sim_load(sw->sys, pf, &p, err);
	if (r < 0)
		return r;
	*ret = p.profile == SIM_IGB ? SRP_HWMODE_UNSUPPORTED : p.hwmode;
	sim_pf_free(&p);
	return 0;
}

static int first_netdev(const char *name, unsigned char d_type, void *arg)
{
	char *buf = arg;

	(void)d_type;
	if (!srp_vf_ifname_valid(name))
		return 0;
	/* the smallest name, so the answer does not depend on readdir order */
	if (buf[0] == '\0' || strcmp(name, buf) < 0)
		snprintf(buf, SRP_VF_IFNAMSIZ, "%s", name);
	return 0;
}

static int sim_get_eswitch_mode(struct srp_switch *sw, const struct srp_bdf *pf,
				enum srp_eswitch_mode *ret, struct srp_err *err)
{
	char path[64], dev[SRP_BDF_STRLEN], netdev[SRP_VF_IFNAMSIZ] = "";
	struct sim_pf p;
	int r;

	/* the file is per netdev; devlink names the PCI function */
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/net", srp_bdf_format(pf, dev));
	r = srp_sys_listdir(sw->sys, path, first_netdev, netdev);
	if (r < 0 && r != -ENOENT)
		return srp_err_set(err, r, "cannot list '%s'", path);
	if (netdev[0] == '\0') {
		*ret = SRP_ESWITCH_UNSUPPORTED;	/* like "devlink: No such device" */
		return 0;
	}
	r = sim_load(sw->sys, netdev, &p, err);
	if (r < 0)
		return r;
	*ret = p.profile == SIM_IGB ? SRP_ESWITCH_UNSUPPORTED : p.eswitch;
	sim_pf_free(&p);
	return 0;
}

const struct srp_switch_ops srp_switch_sim_ops = {
	.name = "sim",
	.get_vfs = sim_get_vfs,
	.set_vf = sim_set_vf,
	.get_hwmode = sim_get_hwmode,
	.get_eswitch_mode = sim_get_eswitch_mode,
	.close = NULL,
};

int srp_switch_sim_new(struct srp_sys *sys, struct srp_switch **ret, struct srp_err *err)
{
	struct srp_switch *sw = calloc(1, sizeof(*sw));

	if (sw == NULL)
		return srp_err_set(err, -ENOMEM, "out of memory");
	sw->ops = &srp_switch_sim_ops;
	sw->sys = sys;
	*ret = sw;
	return 0;
}
