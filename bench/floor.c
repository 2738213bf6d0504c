/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * virtio-doctor bench -- the floor: the least a program can do to answer what `scan`
 * answers. It reads the attributes and links scan reads and prints one line per device:
 * sys/bus/pci/devices listed; vendor, device, class, subsystem_device and the driver link
 * of each function; the virtio bus listed and each child's link, driver link and status.
 * No confinement (plain openat() under the root), no checks, no table: what is left
 * when only the system calls and the start-up of a dynamically linked C program remain.
 *
 * With --confined, every file and link under ROOT is reached the way a tool must reach
 * them in a tree it does not trust (what virtio-doctor does under --sysroot): the path
 * resolved by openat2(RESOLVE_IN_ROOT), the file looked at (O_PATH, fstat) before it is
 * opened, a regular file only, through /proc/self/fd; a link read by its O_PATH handle.
 * That is the floor for a tree: the least a program can do there without opening a
 * device node or a FIFO a bundle may hold, or following a link out of it.
 *
 * Usage: floor [--confined] [ROOT]   (default "/")
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

struct child {
	char parent[64]; /* the PCI function's directory name */
	char name[32];	 /* virtioN */
	char path[192];	 /* its directory, as scan reads it: sys/devices/... */
};

static int root;
static int confined;

static int open_in_root(const char *path, int flags)
{
	struct open_how how = { .flags = (unsigned long long)flags | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };

	if (!confined)
		return openat(root, path, flags | O_CLOEXEC);
	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* a regular file: looked at first, then opened through /proc/self/fd when confined */
static int open_file(const char *path)
{
	char proc[32];
	struct stat st;
	int pfd, fd;

	if (!confined)
		return open_in_root(path, O_RDONLY);
	pfd = open_in_root(path, O_PATH);
	if (pfd < 0)
		return -1;
	if (fstat(pfd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(pfd);
		return -1;
	}
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pfd);
	fd = open(proc, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	close(pfd);
	return fd;
}

static ssize_t read_link(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	if (!confined)
		return readlinkat(root, path, buf, size);
	fd = open_in_root(path, O_PATH | O_NOFOLLOW);
	if (fd < 0)
		return -1;
	n = readlinkat(fd, "", buf, size);
	close(fd);
	return n;
}

static int attr(const char *path, char *buf, size_t size)
{
	int fd = open_file(path);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -1;
	if (n > 0 && buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return 0;
}

static const char *link_base(const char *path, char *buf, size_t size)
{
	ssize_t n = read_link(path, buf, size - 1);
	char *slash;

	if (n < 0)
		return "-";
	buf[n] = '\0';
	slash = strrchr(buf, '/');
	return slash ? slash + 1 : buf;
}

static char **list(const char *path, size_t *ret_n)
{
	int fd = open_in_root(path, O_RDONLY | O_DIRECTORY);
	size_t n = 0, cap = 64;
	char **v = malloc(cap * sizeof(*v));
	struct dirent *de;
	DIR *d;

	if (fd < 0 || !v || !(d = fdopendir(fd))) {
		*ret_n = 0;
		return v;
	}
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap *= 2;
			v = realloc(v, cap * sizeof(*v));
			if (!v)
				exit(2);
		}
		v[n++] = strdup(de->d_name);
	}
	closedir(d);
	*ret_n = n;
	return v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_child(const void *a, const void *b)
{
	return strcmp(((const struct child *)a)->parent, ((const struct child *)b)->parent);
}

int main(int argc, char **argv)
{
	char path[512], target[512], vendor[16], device[16], class[16], subdev[16], status[16];
	size_t npci, nvirt, nc = 0;
	struct child *kids, key;
	char **pci, **virt;

	if (argc > 1 && !strcmp(argv[1], "--confined")) {
		confined = 1;
		argv++;
		argc--;
	}
	root = open(argc > 1 ? argv[1] : "/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return 2;
	/* the virtio bus once: which virtioN sits under which function */
	virt = list("sys/bus/virtio/devices", &nvirt);
	kids = calloc(nvirt + 1, sizeof(*kids));
	for (size_t i = 0; kids && i < nvirt; i++) {
		char *end, *start;
		ssize_t n;

		snprintf(path, sizeof(path), "sys/bus/virtio/devices/%s", virt[i]);
		n = read_link(path, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		/* sysfs links are relative to /sys: "../../../devices/..." */
		start = target;
		while (!strncmp(start, "../", 3))
			start += 3;
		snprintf(kids[nc].path, sizeof(kids[nc].path), "sys/%.180s", start);
		end = strrchr(target, '/');
		if (!end)
			continue;
		*end = '\0';
		start = strrchr(target, '/');
		snprintf(kids[nc].parent, sizeof(kids[nc].parent), "%.60s",
			 start ? start + 1 : target);
		snprintf(kids[nc].name, sizeof(kids[nc].name), "%.30s", virt[i]);
		nc++;
	}
	qsort(kids, nc, sizeof(*kids), cmp_child);

	pci = list("sys/bus/pci/devices", &npci);
	qsort(pci, npci, sizeof(*pci), cmp_str);
	for (size_t i = 0; i < npci; i++) {
		const char *drv, *vdrv = "-", *vname = "-";
		char dbuf[256], vbuf[256];
		struct child *k;

		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/vendor", pci[i]);
		if (attr(path, vendor, sizeof(vendor)) < 0)
			continue;
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/device", pci[i]);
		if (attr(path, device, sizeof(device)) < 0)
			continue;
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/class", pci[i]);
		if (attr(path, class, sizeof(class)) < 0)
			strcpy(class, "-");
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/subsystem_device", pci[i]);
		if (attr(path, subdev, sizeof(subdev)) < 0)
			strcpy(subdev, "-");
		snprintf(path, sizeof(path), "sys/bus/pci/devices/%s/driver", pci[i]);
		drv = link_base(path, dbuf, sizeof(dbuf));
		strcpy(status, "-");
		snprintf(key.parent, sizeof(key.parent), "%.60s", pci[i]);
		k = bsearch(&key, kids, nc, sizeof(*kids), cmp_child);
		if (k) {
			vname = k->name;
			snprintf(path, sizeof(path), "%s/driver", k->path);
			vdrv = link_base(path, vbuf, sizeof(vbuf));
			snprintf(path, sizeof(path), "%s/status", k->path);
			if (attr(path, status, sizeof(status)) < 0)
				strcpy(status, "-");
		}
		printf("%s %s:%s %s %s %s %s %s %s\n", pci[i], vendor + 2, device + 2, class,
		       subdev, drv, vname, vdrv, status);
	}
	return 0;
}
