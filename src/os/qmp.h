/* SPDX-License-Identifier: MIT */
/* srpass -- a QMP client: QEMU's monitor protocol over a UNIX socket under the host root */
#ifndef SRP_QMP_H
#define SRP_QMP_H

#include <stddef.h>

struct json_object;
struct srp_err;
struct srp_sys;

/*
 * One connection to a QEMU's QMP socket (docs/interop/qmp-spec): the
 * greeting read and qmp_capabilities done by srp_qmp_open().  Every read
 * waits timeout_ms at most.  Events that arrive while a command waits
 * for its answer are kept for srp_qmp_wait_event().
 */
struct srp_qmp {
	int fd;
	int timeout_ms;
	char path[256];			/* for messages: the socket as given */
	struct json_tokener *tok;
	char buf[4096];
	size_t len, off;		/* buf[off..len) not parsed yet */
	size_t total;			/* bytes of the current message */
	struct json_object *events;	/* array of events not yet waited for */
};

/* Connect to the socket at path (absolute, resolved under the host root
 * like every host file; it must be a socket, not a symlink) and enter
 * command mode.  0 or -errno (err names the socket). */
int srp_qmp_open(struct srp_qmp *q, const struct srp_sys *sys, const char *path,
		 int timeout_ms, struct srp_err *err);
void srp_qmp_close(struct srp_qmp *q);

/*
 * Run command (args may be NULL; it is consumed) and wait for its answer.
 * 0 and *ret (the "return" value, the caller's to put; ret may be NULL);
 * -EREMOTEIO when QEMU answered with an error (-ENODEV for its class
 * DeviceNotFound), its description verbatim in err; -ETIMEDOUT, -EPROTO
 * (not QMP) or another -errno.
 */
int srp_qmp_exec(struct srp_qmp *q, const char *command, struct json_object *args,
		 struct json_object **ret, struct srp_err *err);

/* Wait up to timeout_ms for the event named event whose data.device is
 * device (DEVICE_DELETED of a qdev id).  0, -ETIMEDOUT or -errno. */
int srp_qmp_wait_event(struct srp_qmp *q, const char *event, const char *device,
		       int timeout_ms, struct srp_err *err);

/* Whether the QEMU has device id (a qdev id under /machine/peripheral)
 * realized: 1, 0 (no such device, or not realized) or -errno. */
int srp_qmp_realized(struct srp_qmp *q, const char *id, struct srp_err *err);

#endif
