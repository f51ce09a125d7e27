/* CNetShim: see include/CNetShim.h. */
#define _GNU_SOURCE
#include "CNetShim.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sock_diag.h>
#include <netdb.h>
#include <pthread.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

/* Room for one SO_TIMESTAMPNS, one SO_RXQ_OVFL and one IP_PKTINFO or IPV6_PKTINFO message. */
#define RTPNET_CONTROL_BYTES                                                          \
  (CMSG_SPACE(sizeof(struct timespec)) + CMSG_SPACE(sizeof(uint32_t)) +               \
   CMSG_SPACE(sizeof(struct in6_pktinfo)) + CMSG_SPACE(sizeof(struct in_pktinfo)))

int rtpnet_udp_socket(int family, int v6only) {
  int fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return -errno;
  int one = 1;
  if (family == AF_INET6) {
    int flag = v6only == RTPNET_IPV6_ONLY ? 1 : 0;
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &flag, sizeof flag) != 0) goto fail;
  }
  if (setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one) != 0) goto fail;
  if (setsockopt(fd, SOL_SOCKET, SO_RXQ_OVFL, &one, sizeof one) != 0) goto fail;
  return fd;
fail: {
  int saved = errno;
  close(fd);
  return -saved;
}
}

int rtpnet_enable_destination(int fd, int family) {
  int one = 1;
  if (family == AF_INET6) {
    if (setsockopt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, &one, sizeof one) != 0) return -errno;
    /* The IPv4 datagrams of a dual-stack socket; an IPv6-only socket has none, so a refusal
       here loses nothing. */
    (void)setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one);
    return 0;
  }
  if (setsockopt(fd, IPPROTO_IP, IP_PKTINFO, &one, sizeof one) != 0) return -errno;
  return 0;
}

int rtpnet_set_buffers(int fd, int receive_bytes, int send_bytes) {
  if (receive_bytes > 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_bytes, sizeof receive_bytes) != 0)
    return -errno;
  if (send_bytes > 0 && setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &send_bytes, sizeof send_bytes) != 0)
    return -errno;
  return 0;
}

int rtpnet_get_buffers(int fd, int *receive_bytes, int *send_bytes) {
  socklen_t length = sizeof *receive_bytes;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, receive_bytes, &length) != 0) return -errno;
  length = sizeof *send_bytes;
  if (getsockopt(fd, SOL_SOCKET, SO_SNDBUF, send_bytes, &length) != 0) return -errno;
  return 0;
}

int rtpnet_bind(int fd, const rtpnet_sockaddr *address) {
  if (bind(fd, (const struct sockaddr *)&address->storage, address->length) != 0) return -errno;
  return 0;
}

int rtpnet_local_address(int fd, rtpnet_sockaddr *address) {
  address->length = sizeof address->storage;
  if (getsockname(fd, (struct sockaddr *)&address->storage, &address->length) != 0) return -errno;
  return 0;
}

int64_t rtpnet_socket_drops(int fd) {
  uint32_t info[SK_MEMINFO_VARS];
  socklen_t length = sizeof info;
  memset(info, 0, sizeof info);
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &length) != 0) return -errno;
  if (length < (SK_MEMINFO_DROPS + 1) * sizeof(uint32_t)) return -ENOPROTOOPT;
  return info[SK_MEMINFO_DROPS];
}

int rtpnet_recv_batch(int fd, rtpnet_rx_slot *slots, unsigned count) {
  struct mmsghdr messages[RTPNET_MAX_BATCH];
  struct iovec vectors[RTPNET_MAX_BATCH];
  /* union for alignment of the control buffers */
  union {
    char bytes[RTPNET_CONTROL_BYTES];
    struct cmsghdr align;
  } control[RTPNET_MAX_BATCH];
  if (count > RTPNET_MAX_BATCH) count = RTPNET_MAX_BATCH;
  if (count == 0) return 0;
  for (unsigned i = 0; i < count; i++) {
    vectors[i].iov_base = slots[i].buffer;
    vectors[i].iov_len = slots[i].capacity;
    struct msghdr *header = &messages[i].msg_hdr;
    header->msg_name = &slots[i].source.storage;
    header->msg_namelen = sizeof slots[i].source.storage;
    header->msg_iov = &vectors[i];
    header->msg_iovlen = 1;
    header->msg_control = control[i].bytes;
    header->msg_controllen = sizeof control[i].bytes;
    header->msg_flags = 0;
    messages[i].msg_len = 0;
  }
  int received = recvmmsg(fd, messages, count, MSG_DONTWAIT, NULL);
  if (received < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? 0 : -errno;
  for (int i = 0; i < received; i++) {
    struct msghdr *header = &messages[i].msg_hdr;
    rtpnet_rx_slot *slot = &slots[i];
    slot->length = messages[i].msg_len;
    slot->source.length = header->msg_namelen;
    slot->truncated = (header->msg_flags & MSG_TRUNC) != 0;
    slot->kernel_time_ns = -1;
    slot->has_drops = 0;
    slot->drops = 0;
    slot->has_destination = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(header); c != NULL; c = CMSG_NXTHDR(header, c)) {
      if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
        struct in_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        rtpnet_sockaddr_ipv4(&slot->destination, ntohl(info.ipi_addr.s_addr), 0);
        slot->has_destination = 1;
        continue;
      }
      if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_PKTINFO) {
        struct in6_pktinfo info;
        memcpy(&info, CMSG_DATA(c), sizeof info);
        rtpnet_sockaddr_ipv6(&slot->destination, info.ipi6_addr.s6_addr, 0, 0);
        slot->has_destination = 1;
        continue;
      }
      if (c->cmsg_level != SOL_SOCKET) continue;
      if (c->cmsg_type == SO_TIMESTAMPNS) {
        struct timespec stamp;
        memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
        slot->kernel_time_ns = (int64_t)stamp.tv_sec * 1000000000 + stamp.tv_nsec;
      } else if (c->cmsg_type == SO_RXQ_OVFL) {
        memcpy(&slot->drops, CMSG_DATA(c), sizeof slot->drops);
        slot->has_drops = 1;
      }
    }
  }
  return received;
}

int rtpnet_send_batch(int fd, const rtpnet_tx_slot *slots, unsigned count) {
  struct mmsghdr messages[RTPNET_MAX_BATCH];
  struct iovec vectors[RTPNET_MAX_BATCH];
  if (count > RTPNET_MAX_BATCH) count = RTPNET_MAX_BATCH;
  if (count == 0) return 0;
  for (unsigned i = 0; i < count; i++) {
    vectors[i].iov_base = (void *)slots[i].data;
    vectors[i].iov_len = slots[i].length;
    struct msghdr *header = &messages[i].msg_hdr;
    header->msg_name = (void *)&slots[i].destination->storage;
    header->msg_namelen = slots[i].destination->length;
    header->msg_iov = &vectors[i];
    header->msg_iovlen = 1;
    header->msg_control = NULL;
    header->msg_controllen = 0;
    header->msg_flags = 0;
    messages[i].msg_len = 0;
  }
  int sent = sendmmsg(fd, messages, count, MSG_DONTWAIT);
  return sent < 0 ? -errno : sent;
}

void rtpnet_sockaddr_ipv4(rtpnet_sockaddr *address, uint32_t host_address, uint16_t port) {
  memset(address, 0, sizeof *address);
  struct sockaddr_in *in = (struct sockaddr_in *)&address->storage;
  in->sin_family = AF_INET;
  in->sin_port = htons(port);
  in->sin_addr.s_addr = htonl(host_address);
  address->length = sizeof *in;
}

void rtpnet_sockaddr_ipv6(rtpnet_sockaddr *address, const uint8_t octets[16], uint16_t port,
                          uint32_t scope_id) {
  memset(address, 0, sizeof *address);
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&address->storage;
  in6->sin6_family = AF_INET6;
  in6->sin6_port = htons(port);
  memcpy(in6->sin6_addr.s6_addr, octets, 16);
  in6->sin6_scope_id = scope_id;
  address->length = sizeof *in6;
}

int rtpnet_sockaddr_parts(const rtpnet_sockaddr *address, int *family, uint8_t octets[16],
                          uint16_t *port) {
  if (address->storage.ss_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)&address->storage;
    *family = RTPNET_FAMILY_IPV4;
    memcpy(octets, &in->sin_addr.s_addr, 4);
    *port = ntohs(in->sin_port);
    return 0;
  }
  if (address->storage.ss_family == AF_INET6) {
    const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)&address->storage;
    *family = RTPNET_FAMILY_IPV6;
    memcpy(octets, in6->sin6_addr.s6_addr, 16);
    *port = ntohs(in6->sin6_port);
    return 0;
  }
  return -EAFNOSUPPORT;
}

uint32_t rtpnet_sockaddr_scope(const rtpnet_sockaddr *address) {
  if (address->storage.ss_family != AF_INET6) return 0;
  return ((const struct sockaddr_in6 *)&address->storage)->sin6_scope_id;
}

int rtpnet_resolve(const char *host, uint16_t port, int family, rtpnet_sockaddr *address,
                   int *system_errno) {
  struct addrinfo hints;
  struct addrinfo *answers = NULL;
  memset(&hints, 0, sizeof hints);
  hints.ai_family = family;
  hints.ai_socktype = SOCK_DGRAM;
  hints.ai_protocol = IPPROTO_UDP;
  hints.ai_flags = AI_ADDRCONFIG;
  *system_errno = 0;
  int status = getaddrinfo(host, NULL, &hints, &answers);
  if (status == EAI_NONAME || status == EAI_ADDRFAMILY || status == EAI_NODATA) {
    /* AI_ADDRCONFIG refuses ::1 on a host whose only IPv6 address is loopback; ask again. */
    hints.ai_flags = 0;
    status = getaddrinfo(host, NULL, &hints, &answers);
  }
  if (status != 0) {
    if (status == EAI_SYSTEM) *system_errno = errno;
    return status;
  }
  status = EAI_NONAME;
  for (struct addrinfo *a = answers; a != NULL; a = a->ai_next) {
    if (a->ai_family != AF_INET && a->ai_family != AF_INET6) continue;
    if (a->ai_addrlen > sizeof address->storage) continue;
    memset(address, 0, sizeof *address);
    memcpy(&address->storage, a->ai_addr, a->ai_addrlen);
    address->length = a->ai_addrlen;
    if (a->ai_family == AF_INET)
      ((struct sockaddr_in *)&address->storage)->sin_port = htons(port);
    else
      ((struct sockaddr_in6 *)&address->storage)->sin6_port = htons(port);
    status = 0;
    break;
  }
  freeaddrinfo(answers);
  return status;
}

const char *rtpnet_resolve_error(int code) { return gai_strerror(code); }

_Static_assert(RTPNET_EPOLL_IN == EPOLLIN && RTPNET_EPOLL_OUT == EPOLLOUT, "epoll flags");
_Static_assert(RTPNET_EPOLL_ERR == EPOLLERR && RTPNET_EPOLL_HUP == EPOLLHUP, "epoll flags");

int rtpnet_epoll_create(void) {
  int fd = epoll_create1(EPOLL_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int rtpnet_epoll_control(int epfd, int op, int fd, uint32_t events, uint64_t tag) {
  int operation;
  switch (op) {
  case RTPNET_EPOLL_ADD: operation = EPOLL_CTL_ADD; break;
  case RTPNET_EPOLL_MODIFY: operation = EPOLL_CTL_MOD; break;
  case RTPNET_EPOLL_REMOVE: operation = EPOLL_CTL_DEL; break;
  default: return -EINVAL;
  }
  struct epoll_event event;
  memset(&event, 0, sizeof event);
  event.events = events;
  event.data.u64 = tag;
  if (epoll_ctl(epfd, operation, fd, &event) != 0) return -errno;
  return 0;
}

int rtpnet_epoll_wait(int epfd, uint64_t *tags, uint32_t *flags, int max, int timeout_ms) {
  struct epoll_event events[256];
  if (max > 256) max = 256;
  if (max < 1) return -EINVAL;
  int count = epoll_wait(epfd, events, max, timeout_ms);
  if (count < 0) return -errno;
  for (int i = 0; i < count; i++) {
    tags[i] = events[i].data.u64;
    flags[i] = events[i].events;
  }
  return count;
}

void rtpnet_drain_counter(int fd) {
  uint64_t value;
  ssize_t ignored = read(fd, &value, sizeof value);
  (void)ignored;
}

int rtpnet_signal_eventfd(int fd) {
  uint64_t one = 1;
  if (write(fd, &one, sizeof one) < 0 && errno != EAGAIN) return -errno;
  return 0;
}

int rtpnet_eventfd(void) {
  int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int rtpnet_timerfd(void) {
  int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  return fd < 0 ? -errno : fd;
}

int rtpnet_timerfd_arm(int fd, int64_t deadline_ns) {
  struct itimerspec spec;
  memset(&spec, 0, sizeof spec);
  if (deadline_ns > 0) {
    spec.it_value.tv_sec = deadline_ns / 1000000000;
    spec.it_value.tv_nsec = deadline_ns % 1000000000;
  }
  if (timerfd_settime(fd, TFD_TIMER_ABSTIME, &spec, NULL) != 0) return -errno;
  return 0;
}

static int64_t clock_ns(clockid_t clock) {
  struct timespec now;
  clock_gettime(clock, &now);
  return (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
}

int64_t rtpnet_monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

int64_t rtpnet_realtime_ns(void) { return clock_ns(CLOCK_REALTIME); }

int rtpnet_set_timer_slack(unsigned long slack_ns) {
  if (prctl(PR_SET_TIMERSLACK, slack_ns, 0, 0, 0) != 0) return -errno;
  return 0;
}

void rtpnet_set_thread_name(const char *name) {
  char shortened[16];
  strncpy(shortened, name, sizeof shortened - 1);
  shortened[sizeof shortened - 1] = '\0';
  (void)pthread_setname_np(pthread_self(), shortened);
}
