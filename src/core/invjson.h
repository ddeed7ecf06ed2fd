/* SPDX-License-Identifier: MIT */
/* srpass -- the inventory as JSON (schema: docs/json.md) */
#ifndef SRP_INVJSON_H
#define SRP_INVJSON_H

struct json_object;
struct srp_inventory;
struct srp_dev;

/* New json-c objects (caller puts them); NULL only on out-of-memory. */
struct json_object *srp_dev_to_json(const struct srp_dev *d);
struct json_object *srp_inventory_to_json(const struct srp_inventory *inv, const char *root);

#endif
