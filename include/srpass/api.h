/* SPDX-License-Identifier: MIT */
/* srpass -- marks the functions libsrpass.so exports */
#ifndef SRPASS_API_H
#define SRPASS_API_H

/* libsrpass is built with -fvisibility=hidden; only SRP_API is public. */
#define SRP_API __attribute__((visibility("default")))

#endif
