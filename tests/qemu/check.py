#!/usr/bin/env python3
"""Host side of the QEMU tests: read what the guests recorded, run each
scenario's checks (scenarios/NN-name.py), print one PASS/FAIL/SKIP line per
scenario and the closing "N passed, N failed[, N skipped]" line.

usage: check.py WORKDIR SCENARIODIR
WORKDIR holds, per boot group G: G.status (rc=, seconds=, scenarios=),
G.results (records from the guest's /dev/ttyS1) and G.console (serial console).
Exit status: 0 when nothing failed, 1 otherwise.
"""
import contextlib
import glob
import importlib.util
import json
import os
import re
import sys
import traceback

VERBOSE = os.environ.get("VD_QEMU_VERBOSE") == "1"
sys.dont_write_bytecode = True  # no __pycache__ in the source tree


class Skip(Exception):
    """The binary cannot answer this part yet (absent, or 'unknown command')."""


class Rec:
    def __init__(self, rc, out, err):
        self.rc, self.out, self.err = rc, out, err

    def __repr__(self):
        return "rc=%d out=%r err=%r" % (self.rc, self.out[:300], self.err[:300])


def parse_results(path):
    """-> (boot info dict, {scenario: {key: Rec}}, {scenario: done rc})"""
    boot, recs, done = {}, {}, {}
    cur = None  # [scenario, key, rc, out lines, err lines, in_err]
    with open(path, errors="replace") as f:
        lines = f.read().replace("\r", "").split("\n")
    for line in lines:
        if cur is not None:
            if line == "=VD= stderr":
                cur[5] = True
            elif line == "=VD= end":
                scen, key, rc, out, err, _ = cur
                recs.setdefault(scen, {})[key] = Rec(rc, "\n".join(out), "\n".join(err))
                cur = None
            else:
                (cur[4] if cur[5] else cur[3]).append(line)
            continue
        m = re.match(r"=VD= rec (\S+) (\S+) rc=(\d+)$", line)
        if m:
            cur = [m.group(1), m.group(2), int(m.group(3)), [], [], False]
            continue
        m = re.match(r"=VD= (boot|ready|all-done)(.*)$", line)
        if m:
            boot[m.group(1)] = dict(kv.split("=", 1) for kv in m.group(2).split() if "=" in kv)
            continue
        m = re.match(r"=VD= done (\S+) rc=(\d+)", line)
        if m:
            done[m.group(1)] = int(m.group(2))
    return boot, recs, done


def parse_state(line):
    """'BDF id=.. subsys=.. pcidrv=.. ...' (guest-lib.sh state) -> dict"""
    parts = line.split()
    d = {"bdf": parts[0]}
    for p in parts[1:]:
        k, _, v = p.partition("=")
        d[k] = v
    return d


class T:
    """What a scenario's check(t) works with."""

    def __init__(self, recs, binary):
        self.recs, self.binary = recs, binary
        self.fails, self.skips, self.passes = [], [], []

    # --- records ---------------------------------------------------------
    def rec(self, key):
        if key not in self.recs:
            raise AssertionError("guest recorded no '%s'" % key)
        return self.recs[key]

    def state(self, key):
        return parse_state(self.rec(key).out.strip())

    def snapshot(self, key):
        """{bdf: state dict} plus 'modules' -> set of loaded modules"""
        snap = {}
        for line in self.rec(key).out.splitlines():
            if line.startswith("modules:"):
                snap["modules"] = set(line.split(":", 1)[1].split())
            elif line.strip():
                s = parse_state(line)
                snap[s["bdf"]] = s
        return snap

    def tool(self, key):
        """A record of a virtio-doctor run; Skip when the tool cannot answer it."""
        r = self.rec(key)
        if not self.binary or r.rc == 127:
            raise Skip("virtio-doctor not built (no binary in the initramfs)")
        if r.rc == 2 and "unknown command" in (r.err + r.out).lower():
            raise Skip("virtio-doctor answers unknown command: %s" %
                       (r.err.strip().splitlines() or [""])[0])
        return r

    def json(self, r, what):
        try:
            return json.loads(r.out)
        except ValueError as e:
            self.fail("%s: output is not JSON (%s): exit %d, stdout %r, stderr %r" %
                      (what, e, r.rc, r.out[:300], r.err[:300]))
            return None

    # --- assertions ------------------------------------------------------
    def ok(self, cond, what, detail=""):
        if cond:
            self.passes.append(what)
        else:
            self.fail(what + (": " + detail if detail else ""))
        return bool(cond)

    def eq(self, what, got, want):
        return self.ok(got == want, what, "got %r, want %r" % (got, want))

    def fail(self, msg):
        self.fails.append(msg)

    @contextlib.contextmanager
    def part(self, name):
        """A group of checks that may SKIP on its own (tool part missing)."""
        try:
            yield
        except Skip as e:
            self.skips.append("%s: %s" % (name, e))
        except AssertionError as e:
            self.fail("%s: %s" % (name, e))
        except Exception:  # a broken check is a failure, not a crash
            self.fail("%s: check raised\n%s" % (name, traceback.format_exc()))


def load_check(path):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # expect.py
    spec = importlib.util.spec_from_file_location(
        "vd_scenario_" + os.path.basename(path)[:2], path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.check


def tail(path, n=40):
    try:
        with open(path, errors="replace") as f:
            text = re.sub(r"\x1b(\[[0-9;?]*[A-Za-z]|c)", "", f.read()).replace("\r", "")
            return text.splitlines()[-n:]
    except OSError:
        return ["(no console log)"]


def main():
    work, sdir = sys.argv[1], sys.argv[2]
    npass = nfail = nskip = 0
    for status in sorted(glob.glob(os.path.join(work, "*.status")),
                         key=lambda p: os.path.getmtime(p)):
        group = os.path.basename(status)[:-len(".status")]
        st = dict(kv.split("=", 1) for kv in open(status).read().split())
        qrc = int(st["rc"])
        boot, recs, done = parse_results(os.path.join(work, group + ".results"))
        binary = boot.get("boot", {}).get("binary") == "yes"
        console_shown = False
        print("# boot %s: %ss, kernel %s, guest ready at %ss (uptime), qemu status %d" % (
            group, st.get("seconds"), boot.get("boot", {}).get("kernel", "?"),
            boot.get("ready", {}).get("uptime", "?"), qrc))
        for n in st["scenarios"].split(","):
            found = glob.glob(os.path.join(sdir, "%02d-*.sh" % int(n)))
            name = os.path.basename(found[0])[:-3] if found else "%02d-missing" % int(n)
            t = T(recs.get(name, {}), binary)
            if name not in done:
                why = ("boot timed out (killed)" if qrc in (124, 137) else
                       "QEMU exited with status %d" % qrc if qrc else
                       "guest never finished the scenario")
                t.fail(why)
                if not console_shown:
                    t.fail("console log tail:\n      " +
                           "\n      ".join(tail(os.path.join(work, group + ".console"))))
                    console_shown = True
            else:
                checker = os.path.join(sdir, name + ".py")
                try:
                    load_check(checker)(t)
                except Skip as e:
                    t.skips.append(str(e))
                except Exception:
                    t.fail("check raised\n" + traceback.format_exc())
            if t.fails:
                nfail += 1
                print("FAIL %s" % name)
                for m in t.fails:
                    print("    - " + m)
            elif t.skips:
                nskip += 1
                print("SKIP %s" % name)
            else:
                npass += 1
                print("PASS %s" % name)
            for m in t.skips:
                print("    skipped: " + m)
            if VERBOSE or t.fails:
                for m in t.passes:
                    print("    ok: " + m)
    line = "%d passed, %d failed" % (npass, nfail)
    if nskip:
        line += ", %d skipped" % nskip
    print(line)
    return 1 if nfail else 0


if __name__ == "__main__":
    sys.exit(main())
