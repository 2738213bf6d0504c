# SPDX-License-Identifier: GPL-2.0-or-later
# sos plugin for virtio-doctor(8): what the virtio devices of this guest are, why one has no
# working driver, and a redacted bundle that virtio-doctor reads back as --sysroot.
# Install: copy to sos' plugin directory (Debian 12: /usr/lib/python3/dist-packages/sos/
# report/plugins/), or "make install-sos". Every command it runs only reads (/sys, /proc,
# the kernel log, lib/modules); none binds.
import os

from sos.report.plugins import Plugin, IndependentPlugin, DebianPlugin, UbuntuPlugin


# Debian's sos 4.0 takes only DebianPlugin (and UbuntuPlugin) subclasses: its policy's
# valid_subclasses leaves IndependentPlugin out; later sos and other distributions take
# IndependentPlugin
class VirtioDoctor(Plugin, IndependentPlugin, DebianPlugin, UbuntuPlugin):

    short_desc = 'virtio devices: drivers at both levels, verdicts, a bundle'

    plugin_name = 'virtio_doctor'
    profiles = ('hardware', 'system')
    # the trigger: the binary on sos' PATH (Debian's includes /usr/local/{sbin,bin})
    commands = ('virtio-doctor',)

    def setup(self):
        vd = 'virtio-doctor'
        # what the boot-time services bind (BIND_ARGS, bind_args)
        self.add_copy_spec(['/etc/default/virtio-doctor', '/etc/conf.d/virtio-doctor'])
        # stdout only: the report stays one JSON document; warnings go to sos' log
        self.add_cmd_output('%s report -J' % vd, suggest_filename='report.json',
                            stderr=False)
        self.add_cmd_output('%s scan -a --output-all' % vd,
                            suggest_filename='scan-all')
        self.add_cmd_output('%s explain --all' % vd, suggest_filename='explain-all')
        self.add_cmd_output('%s metrics' % vd, suggest_filename='metrics.prom')
        # a bundle virtio-doctor reads as --sysroot; host name, addresses and command
        # line values masked
        dest = os.path.join(self.get_cmd_output_path(name='snapshot'),
                            'virtio-doctor-snapshot.tar.gz')
        self.add_cmd_output('%s snapshot --redact %s' % (vd, dest),
                            suggest_filename='snapshot.log')

# vim: set et ts=4 sw=4 :
