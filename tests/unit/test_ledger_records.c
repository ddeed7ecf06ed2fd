/* SPDX-License-Identifier: MIT */
/* srpass tests -- the ledger: each record check on its own, over an otherwise valid ledger */
#include "ledger_fix.h"

/* The first record's orig_driver set to drv (NULL: null), as text. */
static const char *with_orig_driver(struct json_object *ledger, const char *drv)
{
	struct json_object *a = json_object_array_get_idx(records(ledger), 0);

	json_object_object_add(a, "orig_driver", drv ? json_object_new_string(drv) : NULL);
	return text(ledger);
}

/* orig_driver becomes a path (/sys/bus/pci/drivers/<it>/bind): a '/'
 * in it is refused, whatever else is around it.  The controls load. */
static void test_orig_driver_with_a_slash_is_refused(void **state)
{
	static const char *const vfs[] = { "0000:03:02.0", NULL };
	static const char *const bad[] = { "iavf/x", "/iavf", "iavf/", "x/../../../unbind" };
	struct fx *f = *state;
	struct json_object *o = written(f, vfs);

	loads(f, text(o), 1);
	loads(f, with_orig_driver(o, NULL), 1);
	loads(f, with_orig_driver(o, "i40e.x"), 1);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		refused(f, with_orig_driver(o, bad[i]), "orig_driver");
	json_object_put(o);
}

/* Two records of one VF: which one holds?  Neither is trusted. */
static void test_a_vf_listed_twice_is_refused(void **state)
{
	static const char *const vfs[] = { "0000:03:02.0", "0000:03:02.1", NULL };
	struct fx *f = *state;
	struct json_object *o = written(f, vfs), *arr = records(o);

	loads(f, text(o), 2);
	/* the first record again, byte for byte, at the end */
	json_object_array_add(arr, json_object_get(json_object_array_get_idx(arr, 0)));
	refused(f, text(o), "twice");
	/* and the two alone, side by side */
	json_object_array_del_idx(arr, 1, 1);
	assert_int_equal(json_object_array_length(arr), 2);
	refused(f, text(o), "twice");
	json_object_put(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_orig_driver_with_a_slash_is_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_a_vf_listed_twice_is_refused, setup, teardown),
	};

	return cmocka_run_group_tests_name("ledger records", tests, NULL, NULL);
}
