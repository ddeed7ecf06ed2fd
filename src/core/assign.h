/* SPDX-License-Identifier: MIT */
/* srpass -- assign, release, restore (the API: srpass/assign.h) */
#ifndef SRP_ASSIGN_H
#define SRP_ASSIGN_H

#include "srpass/assign.h"

#endif
