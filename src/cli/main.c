/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- entry point; everything else lives in libvd.a */
#include "vd/cli/cli.h"

int main(int argc, char **argv)
{
	return vd_cli_main(argc, argv);
}
