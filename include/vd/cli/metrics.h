/* SPDX-License-Identifier: GPL-2.0-or-later */
/* virtio-doctor -- "metrics": the device model in Prometheus' text exposition format */
#ifndef VD_METRICS_H
#define VD_METRICS_H

#include <stdio.h>

#include "vd/model/model.h"

/*
 * s as a label value between its double quotes: backslash, double quote and line feed
 * escaped as the format defines (\\, \", \n); every other byte as it is.
 */
int vd_metrics_label_value(FILE *out, const char *s);

/*
 * The whole exposition: virtio_doctor_scrape_success, virtio_doctor_build_info and, for the
 * devices scan lists (diagnosed before: their verdict is read), virtio_doctor_device_ok,
 * virtio_doctor_device_info and virtio_doctor_devices by state. m NULL: the scan failed;
 * only scrape_success (0) and build_info are written. Returns 0, or -EIO when out failed.
 * See virtio-doctor(8), METRICS.
 */
int vd_metrics_print(FILE *out, const struct vd_model *m, const char *version);

#endif
