/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "decode": what a PCI ID means, without touching the machine */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "vd/cli/cli.h"
#include "vd/base/ids.h"
#include "vd/cli/output.h"
#include "vd/base/parse.h"

int vd_cmd_decode(const struct vd_cli *cli, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct vd_id_info info;
	uint16_t v, d, sv = 0, sd = 0;
	bool json = false, have_subsys = false;
	int c, r;

	(void)cli;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "Jh", longopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		default:
			return vd_cli_option_end(c, argv);
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
