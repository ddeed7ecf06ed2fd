/* SPDX-License-Identifier: MIT */
/* srpass -- the isolation policy: may this tenant have this VF?  Pure, no I/O */
#ifndef SRP_POLICY_H
#define SRP_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/config.h"
#include "srpass/bdf.h"

/*
 * Stable reason ids: scripts and audit output key on these, so they are
 * never renamed or reused.  docs/srpass.conf.5 (POLICY) describes each.
 */
#define SRP_POL_TENANT		"SRP-POL-TENANT"	/* no such tenant */
#define SRP_POL_PF		"SRP-POL-PF"		/* PF matches none of its pfs */
#define SRP_POL_BACKEND		"SRP-POL-BACKEND"	/* backend not in its backends */
#define SRP_POL_MAX_VFS		"SRP-POL-MAX-VFS"	/* it holds max_vfs already */
#define SRP_POL_IOMMU		"SRP-POL-IOMMU"		/* no IOMMU group, or a shared one */
#define SRP_POL_FOREIGN		"SRP-POL-FOREIGN"	/* a VF on the PF has an unknown tenant */
#define SRP_POL_VLAN		"SRP-POL-VLAN"		/* not its VLAN, or not a VLAN id */
#define SRP_POL_VLAN_REQUIRED	"SRP-POL-VLAN-REQUIRED"	/* no VLAN asked for, none to choose */
#define SRP_POL_VLAN_CONFLICT	"SRP-POL-VLAN-CONFLICT"	/* another tenant's VLAN on the PF */
#define SRP_POL_VLAN_UNTAGGED	"SRP-POL-VLAN-UNTAGGED"	/* untagged VF and another tenant */
#define SRP_POL_MAC		"SRP-POL-MAC"		/* MAC outside its MAC space */
#define SRP_POL_MAC_INVALID	"SRP-POL-MAC-INVALID"	/* zero or multicast MAC */
#define SRP_POL_MAC_CONFLICT	"SRP-POL-MAC-CONFLICT"	/* MAC already in use */
#define SRP_POL_MAC_EXHAUSTED	"SRP-POL-MAC-EXHAUSTED"	/* no free MAC to choose */
#define SRP_POL_DEDICATED	"SRP-POL-DEDICATED"	/* dedicated-pf tenant and another */
#define SRP_POL_SWITCH		"SRP-POL-SWITCH"	/* PF switch mode not as required */
#define SRP_POL_TRUST		"SRP-POL-TRUST"		/* trusted VF refused */
#define SRP_POL_SPOOFCHK	"SRP-POL-SPOOFCHK"	/* spoofchk may not be off */
#define SRP_POL_RATE		"SRP-POL-RATE"		/* rate above max_rate */

/* The PF's embedded switch as the host reports it (IFLA_BRIDGE_MODE). */
enum srp_pf_switch {
	SRP_PF_SWITCH_UNKNOWN,		/* not reported: treated as "not VEPA" */
	SRP_PF_SWITCH_VEB,
	SRP_PF_SWITCH_VEPA,
};

/* A VF already assigned on the same PF. */
struct srp_policy_peer {
	struct srp_bdf vf;		/* a peer with the queried VF's address is skipped */
	const char *tenant;
	uint16_t vlan;			/* 0: untagged */
	bool has_mac;
	uint8_t mac[SRP_MAC_LEN];
	bool trusted;
};

/* Plain data, filled by the caller from the inventory, the ledger and
 * netlink; the policy reads nothing else. */
struct srp_policy_query {
	const char *tenant;
	const char *backend;		/* a backend's name (resolved, never "auto") */
	struct srp_bdf vf;

	/* The VF's PF: what the tenant's pfs selectors are matched against. */
	struct srp_bdf pf;
	const char *const *pf_netdevs;	/* may be NULL when n_pf_netdevs is 0 */
	size_t n_pf_netdevs;
	uint16_t pf_vendor, pf_device;
	enum srp_pf_switch pf_switch;

	/* What the assignment asks for; zero / false: let the policy choose. */
	uint16_t vlan;			/* 0: none asked for */
	bool has_mac;
	uint8_t mac[SRP_MAC_LEN];
	uint32_t rate;			/* Mbps; 0: the tenant's max_rate */
	bool trust;			/* ask for a trusted VF */
	bool spoofchk_off;		/* ask for spoof checking off */

	/* The rest of the host. */
	const struct srp_policy_peer *peers;	/* every other assigned VF on this PF */
	size_t n_peers;
	const uint8_t (*tenant_macs)[SRP_MAC_LEN];	/* MACs this tenant's VFs have elsewhere */
	size_t n_tenant_macs;
	/* MACs the PF's other VFs have now, as its switch reports them,
	 * whoever set them (srpass or not): none of them may be reused. */
	const uint8_t (*pf_macs)[SRP_MAC_LEN];
	size_t n_pf_macs;
	unsigned int tenant_vfs;	/* VFs the tenant holds on this host, not this one */
	bool iommu_no_group;		/* the VF has no IOMMU group: no DMA isolation */
	bool iommu_host;		/* its group has a device bound to a host driver */
	bool iommu_other_tenant;	/* its group has a device another tenant holds */

	/* Mixed into MACs the policy derives from mac_prefix, so two hosts
	 * with the same PCI layout do not derive the same MACs (use
	 * /etc/machine-id).  NULL: derived MACs repeat across such hosts. */
	const char *mac_seed;
};

#define SRP_POLICY_MAX_REASONS	16

struct srp_reason {
	const char *id;			/* one of SRP_POL_*; static */
	char msg[200];			/* names the VF, PF, tenants and values */
};

struct srp_verdict {
	bool allow;			/* true only with no reason at all */
	struct srp_reason reasons[SRP_POLICY_MAX_REASONS];	/* why not, in rule order */
	size_t n_reasons;
	size_t n_dropped;		/* reasons beyond the array (then allow is false) */

	/* What the assignment programs; meaningful when allow is true. */
	uint16_t vlan;			/* 0: untagged */
	bool has_mac;			/* false: leave the VF's MAC alone */
	uint8_t mac[SRP_MAC_LEN];
	uint32_t max_rate;		/* Mbps; 0: no limit */
	bool spoofchk;			/* on unless asked off and allowed */
	bool trust;			/* off unless asked for and allowed */
};

/*
 * srp_policy_allows - decide whether tenant q->tenant may get VF q->vf.
 *
 * A pure function of cfg and q: no I/O, no allocation, no global state.
 * Every rule is evaluated (except after an unknown tenant) and each one
 * that fails adds a reason, so one run explains every problem.  The
 * rules and the defaults it chooses (VLAN, MAC, rate) are documented in
 * docs/srpass.conf.5, section POLICY.
 *
 * Returns 0 with *ret filled (allowed or not), or -EINVAL if the query
 * itself is malformed (NULL pointers, no backend or "auto"),
 * leaving *ret untouched.
 */
int srp_policy_allows(const struct srp_config *cfg, const struct srp_policy_query *q,
		      struct srp_verdict *ret);

/* The first reason with this id, or NULL. */
const struct srp_reason *srp_verdict_find(const struct srp_verdict *v, const char *id);

#endif
