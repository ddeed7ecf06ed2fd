/* SPDX-License-Identifier: MIT */
/* srpass -- inventory to JSON */
#include "core/invjson.h"

#include <json-c/json.h>
#include <stdio.h>

#include "srpass/inventory.h"

#define SCHEMA_VERSION 1

static struct json_object *str_or_null(const char *s)
{
	return s ? json_object_new_string(s) : NULL;
}

static struct json_object *hex(unsigned int v, int width)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%0*x", width, v);
	return json_object_new_string(buf);
}

struct json_object *srp_dev_to_json(const struct srp_dev *d)
{
	struct json_object *o = json_object_new_object(), *a;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "address", json_object_new_string(d->name));
	json_object_object_add(o, "kind", json_object_new_string(srp_dev_kind_name(d->kind)));
	json_object_object_add(o, "vendor", hex(d->vendor, 4));
	json_object_object_add(o, "device", hex(d->device, 4));
	json_object_object_add(o, "class", hex(d->class, 6));
	json_object_object_add(o, "vendor_name", str_or_null(d->vendor_name));
	json_object_object_add(o, "device_name", str_or_null(d->device_name));
	json_object_object_add(o, "driver", str_or_null(d->driver));
	json_object_object_add(o, "driver_override", str_or_null(d->driver_override));
	json_object_object_add(o, "iommu_group",
			       d->group ? json_object_new_int64(d->group->id) : NULL);
	json_object_object_add(o, "numa_node", json_object_new_int(d->numa_node));
	a = json_object_new_array();
	for (size_t i = 0; i < d->n_netdevs; i++)
		json_object_array_add(a, json_object_new_string(d->netdevs[i]));
	json_object_object_add(o, "netdevs", a);

	if (d->kind == SRP_DEV_PF) {
		struct json_object *s = json_object_new_object();

		json_object_object_add(s, "totalvfs", json_object_new_int64(d->totalvfs));
		json_object_object_add(s, "numvfs", json_object_new_int64(d->numvfs));
		json_object_object_add(s, "offset", json_object_new_int64(d->vf_offset));
		json_object_object_add(s, "stride", json_object_new_int64(d->vf_stride));
		json_object_object_add(s, "vf_device", hex(d->vf_device, 4));
		json_object_object_add(s, "drivers_autoprobe", d->drivers_autoprobe < 0 ? NULL :
				       json_object_new_boolean(d->drivers_autoprobe));
		a = json_object_new_array();
		for (size_t i = 0; i < d->n_vfs; i++)
			json_object_array_add(a, str_or_null(d->vfs[i] ? d->vfs[i]->name : NULL));
		json_object_object_add(s, "vfs", a);
		json_object_object_add(o, "sriov", s);
	} else if (d->kind == SRP_DEV_VF) {
		json_object_object_add(o, "pf", json_object_new_string(d->pf->name));
		json_object_object_add(o, "vf_index", json_object_new_int(d->vf_index));
	}
	return o;
}

struct json_object *srp_inventory_to_json(const struct srp_inventory *inv, const char *root)
{
	struct json_object *o = json_object_new_object(), *devs, *groups;

	if (o == NULL)
		return NULL;
	json_object_object_add(o, "version", json_object_new_int(SCHEMA_VERSION));
	json_object_object_add(o, "root", json_object_new_string(root));
	devs = json_object_new_array_ext((int)inv->n_devs);
	for (size_t i = 0; i < inv->n_devs; i++)
		json_object_array_add(devs, srp_dev_to_json(&inv->devs[i]));
	json_object_object_add(o, "devices", devs);

	groups = json_object_new_array_ext((int)inv->n_groups);
	for (size_t i = 0; i < inv->n_groups; i++) {
		const struct srp_group *g = &inv->groups[i];
		struct json_object *go = json_object_new_object(), *m = json_object_new_array();

		json_object_object_add(go, "id", json_object_new_int64(g->id));
		json_object_object_add(go, "type", str_or_null(g->type));
		for (size_t j = 0; j < g->n_members; j++)
			json_object_array_add(m, json_object_new_string(g->members[j]->name));
		json_object_object_add(go, "devices", m);
		json_object_object_add(go, "other_devices", json_object_new_int64((int64_t)g->n_foreign));
		json_object_array_add(groups, go);
	}
	json_object_object_add(o, "iommu_groups", groups);
	return o;
}
