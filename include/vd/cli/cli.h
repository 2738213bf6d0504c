/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- command line: the only layer that prints */
#ifndef VD_CLI_H
#define VD_CLI_H

/* Dispatch argv to a command (src/cli/cmd_*.c); returns the exit code. */
int vd_cli_main(int argc, char **argv);

#endif
