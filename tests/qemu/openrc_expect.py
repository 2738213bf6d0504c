"""Checks shared by the OpenRC scenarios (host side): OpenRC's output, as
vd-openrc.sh kept it in /vd-log/openrc.log, and rc-status's service list."""
import re


def log(t, key="log"):
    """the guest's OpenRC output, one string a line"""
    return [l.rstrip() for l in t.rec(key).out.splitlines()]


def levels(t, lines):
    """{runlevel: exit status of `openrc LEVEL`}; each of the three must have run"""
    rcs = {}
    for l in lines:
        m = re.match(r"=== openrc (\w+) rc=(\d+)", l)
        if m:
            rcs[m.group(1)] = int(m.group(2))
    for lvl in ("sysinit", "boot", "default"):
        t.ok(lvl in rcs, "openrc %s ran to its end" % lvl, "runlevels seen: %r" % rcs)
    return rcs


def services(t, key="services"):
    """{service: state} of the sysinit, boot and default runlevels and of the services
    they pulled in, from `rc-status -a` (its other runlevels are left out)"""
    st, keep = {}, False
    for l in t.rec(key).out.splitlines():
        m = re.match(r"^(Dynamic )?Runlevel: (\S+)", l)
        if m:
            keep = m.group(2) in ("sysinit", "boot", "default", "needed/wanted")
            continue
        m = re.match(r"^\s*(\S+)\s+\[\s*([a-z]+)\s*\]", l)
        if m and keep:
            st[m.group(1)] = m.group(2)
    return st


def grep(lines, pattern):
    return [l for l in lines if re.search(pattern, l)]


def count(t, lines, pattern, n, what):
    hits = grep(lines, pattern)
    return t.ok(len(hits) == n, "%s: %d line(s) matching %r" % (what, n, pattern),
                "found %d: %r" % (len(hits), hits[:6]))


def no_errors(t, lines, what="OpenRC output"):
    bad = grep(lines, r"ERROR|failed to start|Error:")
    t.ok(not bad, what + " has no error line", repr(bad[:6]))
