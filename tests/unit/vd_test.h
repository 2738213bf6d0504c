/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor tests -- cmocka prelude and fixture helpers shared by the unit tests */
#ifndef VD_TEST_H
#define VD_TEST_H

/* cmocka 1.1 (Debian 12) needs these before its header */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>

/*
 * cmocka writes results to stdout and failures to stderr: unbuffered stdout keeps its
 * summary lines whole and in order when both go to one pipe.
 */
__attribute__((constructor)) static void vd_test_unbuffer(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

#ifndef VD_SRCDIR
#define VD_SRCDIR "."
#endif
#define VD_FIXTURE(name) VD_SRCDIR "/tests/fixtures/" name

#endif
