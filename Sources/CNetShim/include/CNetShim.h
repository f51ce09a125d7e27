/*
 * CNetShim: the few socket calls that Glibc hides from Swift or makes awkward.
 *
 * - recvmmsg/sendmmsg over caller-provided slot arrays (the message headers, I/O vectors and
 *   control buffers live on the shim's stack, so Swift never builds a struct msghdr);
 * - per-packet kernel receive timestamps (SO_TIMESTAMPNS, CLOCK_REALTIME) and the kernel's
 *   receive-queue drop counter (SO_RXQ_OVFL, and SO_MEMINFO to read it at any time);
 * - socket buffer sizing and sockaddr helpers for IPv4 and IPv6;
 * - name resolution into one socket address.
 *
 * Every function returns 0 (or a count) on success and a negative errno on failure unless
 * documented otherwise; none of them touches the thread's errno contract beyond that.
 */
#ifndef CNETSHIM_H
#define CNETSHIM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Most messages one rtpnet_recv_batch/rtpnet_send_batch call handles. */
#define RTPNET_MAX_BATCH 64

/** An IPv4 or IPv6 socket address with its length (0 when unset). */
typedef struct rtpnet_sockaddr {
  struct sockaddr_storage storage;
  socklen_t length;
} rtpnet_sockaddr;

/** One message to receive: the caller fills buffer/capacity, the shim the rest. */
typedef struct rtpnet_rx_slot {
  void *buffer;             /* in: where the datagram goes */
  size_t capacity;          /* in: bytes available at buffer */
  size_t length;            /* out: datagram length (may exceed capacity when truncated) */
  rtpnet_sockaddr source;   /* out: sender */
  int64_t kernel_time_ns;   /* out: SO_TIMESTAMPNS, CLOCK_REALTIME ns; -1 when absent */
  rtpnet_sockaddr destination; /* out: the datagram's destination address (port 0), from
                                  IP_PKTINFO/IPV6_PKTINFO, when has_destination */
  int has_destination;      /* out: 1 when the kernel reported the destination address */
  uint32_t drops;           /* out: SO_RXQ_OVFL cumulative drop count, when has_drops */
  int has_drops;            /* out: 1 when the kernel reported a drop count */
  int truncated;            /* out: 1 when the datagram did not fit (MSG_TRUNC) */
} rtpnet_rx_slot;

/** One message to send. */
typedef struct rtpnet_tx_slot {
  const void *data;
  size_t length;
  const rtpnet_sockaddr *destination;
} rtpnet_tx_slot;

/**
 * Creates a non-blocking, close-on-exec UDP socket of the given family (AF_INET or AF_INET6),
 * with SO_TIMESTAMPNS and SO_RXQ_OVFL enabled; an AF_INET6 socket is made IPv6-only for
 * RTPNET_IPV6_ONLY or dual-stack for RTPNET_DUAL_STACK (ignored for AF_INET). Returns the
 * descriptor or a negative errno.
 */
int rtpnet_udp_socket(int family, int v6only);

/** rtpnet_udp_socket's v6only: an IPv6 socket that also talks to IPv4 peers (mapped). */
#define RTPNET_DUAL_STACK 0
/** rtpnet_udp_socket's v6only: an IPv6 socket for IPv6 only (IPV6_V6ONLY). */
#define RTPNET_IPV6_ONLY 1

/**
 * Asks the kernel to report each received datagram's destination address (IP_PKTINFO, and
 * IPV6_RECVPKTINFO on an AF_INET6 socket, which also takes IP_PKTINFO for the IPv4 datagrams of
 * a dual-stack socket): what a socket bound to the wildcard address cannot know otherwise.
 */
int rtpnet_enable_destination(int fd, int family);

/** Sets SO_RCVBUF and SO_SNDBUF when the sizes are positive (the kernel caps them). */
int rtpnet_set_buffers(int fd, int receive_bytes, int send_bytes);

/** Reads the effective SO_RCVBUF and SO_SNDBUF sizes. */
int rtpnet_get_buffers(int fd, int *receive_bytes, int *send_bytes);

/** Binds fd to address. */
int rtpnet_bind(int fd, const rtpnet_sockaddr *address);

/** Reads the address fd is bound to. */
int rtpnet_local_address(int fd, rtpnet_sockaddr *address);

/**
 * Reads the kernel's count of datagrams dropped on fd's receive queue (SO_MEMINFO), which
 * unlike SO_RXQ_OVFL needs no later datagram to carry it. Returns a negative errno on failure.
 */
int64_t rtpnet_socket_drops(int fd);

/**
 * Receives up to count (at most RTPNET_MAX_BATCH) datagrams without blocking.
 * Returns how many slots were filled, 0 when nothing is waiting, or a negative errno.
 */
int rtpnet_recv_batch(int fd, rtpnet_rx_slot *slots, unsigned count);

/**
 * Sends up to count (at most RTPNET_MAX_BATCH) datagrams, each to its own destination, without
 * blocking. Returns how many left (the first ones), or a negative errno for the first one
 * when none did; -EAGAIN means the socket buffer is full.
 */
int rtpnet_send_batch(int fd, const rtpnet_tx_slot *slots, unsigned count);

/** Fills address from an IPv4 address and port, both in host byte order. */
void rtpnet_sockaddr_ipv4(rtpnet_sockaddr *address, uint32_t host_address, uint16_t port);

/** Fills address from 16 octets in network order, a port in host byte order and a scope. */
void rtpnet_sockaddr_ipv6(rtpnet_sockaddr *address, const uint8_t octets[16], uint16_t port,
                          uint32_t scope_id);

/** The IPv6 scope (interface index) of an address; 0 for IPv4 or no scope. */
uint32_t rtpnet_sockaddr_scope(const rtpnet_sockaddr *address);

/** rtpnet_sockaddr_parts' family for an IPv4 address (4 octets used). */
#define RTPNET_FAMILY_IPV4 4
/** rtpnet_sockaddr_parts' family for an IPv6 address (16 octets used). */
#define RTPNET_FAMILY_IPV6 6

/**
 * Splits address into family (RTPNET_FAMILY_IPV4 or RTPNET_FAMILY_IPV6), octets (4 or 16 used,
 * network order) and port (host byte order). Returns -EAFNOSUPPORT for other families.
 */
int rtpnet_sockaddr_parts(const rtpnet_sockaddr *address, int *family, uint8_t octets[16],
                          uint16_t *port);

/**
 * Resolves host (a literal or a name) for UDP with getaddrinfo and keeps the first answer of
 * family (AF_INET, AF_INET6 or AF_UNSPEC). Returns 0 or a getaddrinfo EAI_* code (see
 * gai_strerror); on EAI_SYSTEM the errno is stored in *system_errno.
 */
int rtpnet_resolve(const char *host, uint16_t port, int family, rtpnet_sockaddr *address,
                   int *system_errno);

/** The text of a getaddrinfo error code. */
const char *rtpnet_resolve_error(int code);

/** Makes an epoll instance (close-on-exec). Returns the descriptor or a negative errno. */
int rtpnet_epoll_create(void);

/** rtpnet_epoll_control's op: register fd (EPOLL_CTL_ADD). */
#define RTPNET_EPOLL_ADD 1
/** rtpnet_epoll_control's op: change fd's events (EPOLL_CTL_MOD). */
#define RTPNET_EPOLL_MODIFY 2
/** rtpnet_epoll_control's op: unregister fd (EPOLL_CTL_DEL). */
#define RTPNET_EPOLL_REMOVE 3

/**
 * Adds (RTPNET_EPOLL_ADD), changes (RTPNET_EPOLL_MODIFY) or removes (RTPNET_EPOLL_REMOVE) fd's
 * registration on epfd for the given events (RTPNET_EPOLL_IN… below), tagged with a caller's
 * 64-bit value. The op numbers are the shim's own, not Linux's EPOLL_CTL_* values; any other
 * op is -EINVAL.
 */
int rtpnet_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t tag);

/** rtpnet_epoll_wait's timeout_ms: wait until an event, however long. */
#define RTPNET_WAIT_FOREVER (-1)

/**
 * Waits for up to max events (at most 256) or timeout_ms (RTPNET_WAIT_FOREVER: no limit) and
 * copies each event's
 * tag and flags into the caller's arrays. Returns the count, or a negative errno (-EINTR too).
 */
int rtpnet_epoll_wait(int epfd, uint64_t *tags, uint32_t *flags, int max, int timeout_ms);

#define RTPNET_EPOLL_IN 0x001u
#define RTPNET_EPOLL_OUT 0x004u
#define RTPNET_EPOLL_ERR 0x008u
#define RTPNET_EPOLL_HUP 0x010u

/** Reads and discards an eventfd's or timerfd's counter (ignoring EAGAIN). */
void rtpnet_drain_counter(int fd);

/** Adds one to an eventfd's counter. */
int rtpnet_signal_eventfd(int fd);

/** Makes an eventfd (non-blocking, close-on-exec) for waking a worker. */
int rtpnet_eventfd(void);

/** Makes a CLOCK_MONOTONIC timerfd (non-blocking, close-on-exec). */
int rtpnet_timerfd(void);

/** rtpnet_timerfd_arm's deadline_ns: disarm the timer. */
#define RTPNET_TIMER_DISARM 0

/**
 * Arms timerfd to fire once at the absolute CLOCK_MONOTONIC time deadline_ns
 * (RTPNET_TIMER_DISARM disarms).
 */
int rtpnet_timerfd_arm(int fd, int64_t deadline_ns);

/** CLOCK_MONOTONIC in ns. */
int64_t rtpnet_monotonic_ns(void);

/** CLOCK_REALTIME in ns. */
int64_t rtpnet_realtime_ns(void);

/** Sets the calling thread's timer slack (ns) so its timed waits wake closer to their time. */
int rtpnet_set_timer_slack(unsigned long slack_ns);

/** Names the calling thread (the kernel keeps the first 15 bytes), for top and debuggers. */
void rtpnet_set_thread_name(const char *name);

#ifdef __cplusplus
}
#endif

#endif /* CNETSHIM_H */
