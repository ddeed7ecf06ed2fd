/* SPDX-License-Identifier: MIT */
/* srpass -- the library: everything a toolstack needs, in one include */
#ifndef SRPASS_SRPASS_H
#define SRPASS_SRPASS_H

#include "srpass/err.h"
#include "srpass/bdf.h"
#include "srpass/host.h"
#include "srpass/config.h"
#include "srpass/inventory.h"
#include "srpass/check.h"
#include "srpass/audit.h"
#include "srpass/assign.h"

#endif
