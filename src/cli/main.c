/* SPDX-License-Identifier: MIT */
/* srpass -- the production binary: the command line on the real kernel */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return srp_cli_main(argc, argv, NULL);
}
