/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "decode": what a PCI ID means, without touching the machine */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vd/cli/cmd.h"
#include "vd/base/ids.h"
#include "vd/cli/output.h"
#include "vd/base/parse.h"

static int cmd_decode(struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		VD_CLI_LONGOPTS,
	};
	struct vd_id_info info;
	uint16_t v, d, sv = 0, sd = 0;
	bool json = false, have_subsys = false;
	int c, r;

	(void)cli;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, VD_CLI_OPTS("J"), longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		default:
			c = vd_cli_common_option(cli, &vd_cmd_decode, c, argv);
			if (c != VD_CLI_NEXT)
				return c;
		}
	}
	if (optind >= argc)
		return vd_cli_usage_error("decode: no ID given (vvvv:dddd)");
	if (vd_parse_pci_id(argv[optind], &v, &d) < 0)
		return vd_cli_usage_error("decode: malformed ID '%s' (expected vvvv:dddd, hex)",
					  argv[optind]);
	if (optind + 1 < argc) {
		if (vd_parse_pci_id(argv[optind + 1], &sv, &sd) < 0)
			return vd_cli_usage_error(
				"decode: malformed subsystem ID '%s' (expected vvvv:dddd, hex)",
				argv[optind + 1]);
		have_subsys = true;
		if (optind + 2 < argc)
			return vd_cli_usage_error("unexpected argument '%s'", argv[optind + 2]);
	}
	vd_decode_pci_id(v, d, have_subsys, sv, sd, &info);
	r = vd_output_decode(stdout, &info, json);
	if (r < 0)
		return VD_EXIT_USAGE;
	return info.cls.virtio ? VD_EXIT_OK : VD_EXIT_PROBLEM;
}

static const char usage_decode[] =
	" virtio-doctor decode [options] VVVV:DDDD [SUBVENDOR:SUBDEVICE]\n"
	"\nWhat a PCI ID means, offline: a transitional ID is typed by its subsystem ID.\n"
	"Exit 0 for a virtio ID, 1 for another.\n"
	"\nOptions:\n"
	" -J, --json           use JSON output format\n";

const struct vd_cmd vd_cmd_decode = {
	.name = "decode",
	.args = " ID [SUBSYS]",
	.usage = usage_decode,
	.summary = "what a PCI ID (vvvv:dddd) means, offline",
	.run = cmd_decode,
};
