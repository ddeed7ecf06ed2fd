/* SPDX-License-Identifier: MIT */
/* srpass -- a host handle: the root every host file is resolved under */
#ifndef SRPASS_HOST_H
#define SRPASS_HOST_H

struct srp_err;
struct srp_host;

/*
 * srp_host_open - open the host whose root directory is root ("/" for
 * the machine itself).  A missing root, or one without /sys/bus/pci, is
 * an error naming the path.  Free with srp_host_close().
 */
int srp_host_open(const char *root, struct srp_host **ret, struct srp_err *err);
void srp_host_close(struct srp_host *host);
const char *srp_host_root(const struct srp_host *host);

#endif
