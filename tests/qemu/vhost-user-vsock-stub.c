// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vhost-user-vsock-stub: the smallest vhost-user back end that lets QEMU's
 * `-device vhost-user-vsock-pci` realize, so the guest sees a real virtio-vsock
 * PCI function (1af4:1053) without /dev/vhost-vsock on the host.
 *
 * It answers the control protocol only (docs/interop/vhost-user.rst in QEMU):
 * features, protocol features (CONFIG, REPLY_ACK), the device config with the
 * guest CID, queue counts, and accepts the memory table and the eventfds (it
 * closes every fd it receives). It never touches a virtqueue: the guest's
 * vmw_vsock_virtio_transport binds and reports the CID, and no packet flows.
 *
 * usage: vhost-user-vsock-stub SOCKET_PATH [CID]
 * Listens on SOCKET_PATH, serves one connection, exits when QEMU hangs up.
 * With VD_STUB_DEBUG set in the environment, every request is logged on stderr.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

enum {
	GET_FEATURES = 1, SET_FEATURES = 2, SET_OWNER = 3, RESET_OWNER = 4,
	SET_MEM_TABLE = 5, SET_LOG_BASE = 6, SET_LOG_FD = 7, SET_VRING_NUM = 8,
	SET_VRING_ADDR = 9, SET_VRING_BASE = 10, GET_VRING_BASE = 11,
	SET_VRING_KICK = 12, SET_VRING_CALL = 13, SET_VRING_ERR = 14,
	GET_PROTOCOL_FEATURES = 15, SET_PROTOCOL_FEATURES = 16, GET_QUEUE_NUM = 17,
	SET_VRING_ENABLE = 18, GET_CONFIG = 24, SET_CONFIG = 25, RESET_DEVICE = 34,
	GET_MAX_MEM_SLOTS = 36, ADD_MEM_REG = 37, REM_MEM_REG = 38,
	SET_STATUS = 39, GET_STATUS = 40,
};

#define FLAG_VERSION    0x1u
#define FLAG_REPLY      (1u << 2)
#define FLAG_NEED_REPLY (1u << 3)

#define F_RING_INDIRECT_DESC  28
#define F_RING_EVENT_IDX      29
#define F_PROTOCOL_FEATURES   30 /* VHOST_USER_F_PROTOCOL_FEATURES */
#define F_VERSION_1           32

#define PF_REPLY_ACK 3
#define PF_CONFIG    9

#define NQUEUES   3 /* rx, tx, event */
#define MAX_FDS   8
#define MAX_PAYLOAD 4096

struct hdr {
	uint32_t request;
	uint32_t flags;
	uint32_t size;
} __attribute__((packed));

static int debug;
static uint64_t acked_protocol;
static uint32_t vring_base[NQUEUES + 1];

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void logf_(const char *fmt, ...)
{
	va_list ap;

	if (!debug)
		return;
	va_start(ap, fmt);
	fputs("vhost-user-vsock-stub: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

static int read_full(int fd, void *buf, size_t len)
{
	char *p = buf;

	while (len) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read one message header with any fds attached; returns the number of fds. */
static int recv_hdr(int sock, struct hdr *h, int *fds)
{
	char cbuf[CMSG_SPACE(MAX_FDS * sizeof(int))];
	struct iovec iov = { .iov_base = h, .iov_len = sizeof(*h) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;
	int nfds = 0;

	do
		n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n <= 0)
		return -1;
	for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			for (int i = 0; i < k && nfds < MAX_FDS; i++)
				memcpy(&fds[nfds++], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
		}
	}
	if ((size_t)n < sizeof(*h) && read_full(sock, (char *)h + n, sizeof(*h) - (size_t)n))
		return -1;
	return nfds;
}

static int reply(int sock, const struct hdr *req, const void *payload, uint32_t size)
{
	struct hdr h = {
		.request = req->request,
		.flags = FLAG_VERSION | FLAG_REPLY,
		.size = size,
	};

	if (write_full(sock, &h, sizeof(h)))
		return -1;
	return size ? write_full(sock, payload, size) : 0;
}

static int reply_u64(int sock, const struct hdr *req, uint64_t v)
{
	return reply(sock, req, &v, sizeof(v));
}

static int serve(int sock, uint64_t cid)
{
	const uint64_t features = (1ULL << F_VERSION_1) | (1ULL << F_PROTOCOL_FEATURES) |
				  (1ULL << F_RING_INDIRECT_DESC) | (1ULL << F_RING_EVENT_IDX);
	const uint64_t protocol = (1ULL << PF_CONFIG) | (1ULL << PF_REPLY_ACK);

	for (;;) {
		unsigned char payload[MAX_PAYLOAD];
		int fds[MAX_FDS];
		struct hdr h;
		int nfds, replied = 0, rc = 0;
		uint64_t u64 = 0;

		nfds = recv_hdr(sock, &h, fds);
		if (nfds < 0)
			return 0; /* QEMU hung up */
		for (int i = 0; i < nfds; i++)
			close(fds[i]);
		if (h.size > sizeof(payload)) {
			fprintf(stderr, "vhost-user-vsock-stub: request %u: payload too large (%u)\n",
				h.request, h.size);
			return 1;
		}
		if (h.size && read_full(sock, payload, h.size))
			return 0;
		if (h.size >= 8)
			memcpy(&u64, payload, 8);
		logf_("request %u flags 0x%x size %u fds %d", h.request, h.flags, h.size, nfds);

		switch (h.request) {
		case GET_FEATURES:
			rc = reply_u64(sock, &h, features);
			replied = 1;
			break;
		case GET_PROTOCOL_FEATURES:
			rc = reply_u64(sock, &h, protocol);
			replied = 1;
			break;
		case SET_PROTOCOL_FEATURES:
			acked_protocol = u64;
			break;
		case GET_QUEUE_NUM:
			rc = reply_u64(sock, &h, NQUEUES);
			replied = 1;
			break;
		case GET_MAX_MEM_SLOTS:
			rc = reply_u64(sock, &h, 8);
			replied = 1;
			break;
		case GET_CONFIG: {
			/* payload: u32 offset, u32 size, u32 flags, u8 region[size] */
			uint32_t off, size;

			if (h.size < 12) {
				fprintf(stderr, "vhost-user-vsock-stub: short GET_CONFIG\n");
				return 1;
			}
			memcpy(&off, payload, 4);
			memcpy(&size, payload + 4, 4);
			if (size > sizeof(payload) - 12)
				size = sizeof(payload) - 12;
			memset(payload + 12, 0, size);
			/* struct virtio_vsock_config { le64 guest_cid; } */
			for (uint32_t i = 0; i < size; i++) {
				uint32_t at = off + i;

				if (at < 8)
					payload[12 + i] = (unsigned char)(cid >> (8 * at));
			}
			rc = reply(sock, &h, payload, 12 + size);
			replied = 1;
			break;
		}
		case GET_VRING_BASE: {
			/* struct vhost_vring_state { u32 index; u32 num; } */
			uint32_t idx;

			memcpy(&idx, payload, 4);
			memcpy(payload + 4, &vring_base[idx <= NQUEUES ? idx : NQUEUES], 4);
			rc = reply(sock, &h, payload, 8);
			replied = 1;
			break;
		}
		case SET_VRING_BASE: {
			uint32_t idx, num;

			memcpy(&idx, payload, 4);
			memcpy(&num, payload + 4, 4);
			if (idx < NQUEUES)
				vring_base[idx] = num;
			break;
		}
		case GET_STATUS:
			rc = reply_u64(sock, &h, 0);
			replied = 1;
			break;
		case SET_FEATURES: case SET_OWNER: case RESET_OWNER: case SET_MEM_TABLE:
		case SET_LOG_BASE: case SET_LOG_FD: case SET_VRING_NUM: case SET_VRING_ADDR:
		case SET_VRING_KICK: case SET_VRING_CALL: case SET_VRING_ERR:
		case SET_VRING_ENABLE: case SET_CONFIG: case RESET_DEVICE:
		case ADD_MEM_REG: case REM_MEM_REG: case SET_STATUS:
			break; /* accepted; there is no data path to configure */
		default:
			logf_("request %u not handled, acknowledged", h.request);
			break;
		}
		if (rc)
			return 0;
		/* REPLY_ACK: a request flagged NEED_REPLY gets u64 0 (success) */
		if (!replied && (h.flags & FLAG_NEED_REPLY) &&
		    (acked_protocol & (1ULL << PF_REPLY_ACK)) && reply_u64(sock, &h, 0))
			return 0;
	}
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	uint64_t cid = 42;
	int lsock, sock;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s SOCKET_PATH [CID]\n", argv[0]);
		return 2;
	}
	if (argc == 3)
		cid = strtoull(argv[2], NULL, 0);
	debug = getenv("VD_STUB_DEBUG") != NULL;
	if (strlen(argv[1]) >= sizeof(addr.sun_path)) {
		fprintf(stderr, "vhost-user-vsock-stub: socket path too long\n");
		return 2;
	}
	strcpy(addr.sun_path, argv[1]);
	unlink(argv[1]);
	lsock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (struct sockaddr *)&addr, sizeof(addr)) < 0 ||
	    listen(lsock, 1) < 0) {
		perror("vhost-user-vsock-stub: listen");
		return 1;
	}
	sock = accept(lsock, NULL, NULL);
	if (sock < 0) {
		perror("vhost-user-vsock-stub: accept");
		return 1;
	}
	close(lsock);
	unlink(argv[1]);
	logf_("connected, CID %" PRIu64, cid);
	return serve(sock, cid);
}
