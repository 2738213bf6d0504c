/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- --color and terminal-colors.d(5), as util-linux tools read them */
#ifndef VD_TERMCOLORS_H
#define VD_TERMCOLORS_H

#include <stdbool.h>
#include <stddef.h>

/* --color[=WHEN]; UNDEF (0) when not given: the configuration decides, on a terminal only */
enum vd_colormode {
	VD_COLORMODE_UNDEF,
	VD_COLORMODE_AUTO,
	VD_COLORMODE_NEVER,
	VD_COLORMODE_ALWAYS,
};

/* "auto", "always", "never" (util-linux's words); -EINVAL for anything else. */
int vd_colormode_parse(const char *arg, enum vd_colormode *ret);

/* The logical colours a scheme file may set ("state-ok green"). */
enum vd_color {
	VD_COLOR_STATE_OK,   /* state-ok: green */
	VD_COLOR_STATE_BAD,  /* state-bad: red, a device without a working driver */
	VD_COLOR_STATE_WARN, /* state-warn: yellow, held by another driver, or unknown */
	_VD_COLOR_MAX,
};

struct vd_colors {
	bool on;
	char seq[_VD_COLOR_MAX][64]; /* escape sequences, "\033[32m" */
};

/*
 * Decide whether to colour, util-linux's way: NEVER never; ALWAYS always; AUTO when tty;
 * UNDEF when tty, NO_COLOR is unset or empty, TERM is not "dumb", and terminal-colors.d
 * has no disable file that outranks its enable files. The files are the user's terminal
 * settings, so they are read on the running system ("/"), never under --sysroot:
 * $XDG_CONFIG_HOME/terminal-colors.d (else $HOME/.config/terminal-colors.d) outranks
 * /etc/terminal-colors.d; within one, "util@term.type" > "util.type" > "@term.type" >
 * "type". The winning "scheme" file sets the colours when they are on. Always 0.
 */
int vd_colors_init(enum vd_colormode mode, bool tty, const char *util, struct vd_colors *ret);

/* Pure: one scheme value (a colour name, "37;41", or \-escaped text) as a sequence. */
int vd_color_sequence(const char *value, char *buf, size_t size);

#endif
