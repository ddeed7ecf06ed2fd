/* SPDX-License-Identifier: MIT */
/* srpass-sim -- the srpass command line on the simulated platform (demo, tests) */
#include "cli/cli.h"
#include "sim/platform.h"

int main(int argc, char **argv)
{
	return srp_cli_main(argc, argv, &srp_platform_sim);
}
