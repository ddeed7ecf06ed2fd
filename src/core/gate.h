/* SPDX-License-Identifier: MIT */
/* srpass -- the policy gate: the host's facts turned into a policy query */
#ifndef SRP_GATE_H
#define SRP_GATE_H

#include <stdbool.h>
#include <stdint.h>

#include "core/policy.h"

struct srp_host;
struct srp_ledger;
struct srp_dev;
struct srp_err;
struct srp_vf_table;

struct srp_gate_req {
	const char *tenant;
	const char *backend;		/* a backend's name: "kvm", "xen" */
	uint16_t vlan;			/* 0: let the policy choose */
	bool has_mac;
	uint8_t mac[6];
	uint32_t rate;			/* Mbps; 0: the tenant's max_rate */
	bool trust;			/* a trusted VF */
	bool spoofchk_off;		/* spoof checking off */
	enum srp_pf_switch pf_switch;	/* as the switch reports it */
	/* The PF's VFs as its switch reports them (NULL: unknown): their
	 * MACs are in use, whoever set them. */
	const struct srp_vf_table *pf_vfs;
};

/*
 * srp_gate - may req->tenant have vf?  Collects what the policy needs
 * from vf's inventory record, the ledger and req->pf_vfs (peers on the
 * PF, the tenant's other VFs and MACs, MACs on the adapter, IOMMU group
 * sharing, /etc/machine-id) and asks srp_policy_allows().  The ledger
 * entry of vf itself, if any, is left out.
 */
int srp_gate(struct srp_host *host, const struct srp_config *cfg, const struct srp_ledger *l,
	     const struct srp_dev *vf, const struct srp_gate_req *req,
	     struct srp_verdict *ret, struct srp_err *err);

/* All reasons of a denial as one line: "ID: msg; ID: msg". */
void srp_verdict_format(const struct srp_verdict *v, char *buf, size_t len);

#endif
