/* The UDP ceiling on loopback: one thread sends N 172-byte datagrams with sendmmsg in batches
 * of 32 as fast as the socket takes them, another receives them with recvmmsg; prints
 * "received packets/s drops". Built and run by scripts/bench; not part of the project. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BATCH 32
#define SIZE 172

static long total;
static int rx, tx;
static struct sockaddr_in target;

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec + t.tv_nsec / 1e9;
}

static void *sender(void *unused) {
  (void)unused;
  static char data[BATCH][SIZE];
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  memset(messages, 0, sizeof messages);
  for (int i = 0; i < BATCH; i++) {
    vectors[i].iov_base = data[i];
    vectors[i].iov_len = SIZE;
    messages[i].msg_hdr.msg_iov = &vectors[i];
    messages[i].msg_hdr.msg_iovlen = 1;
    messages[i].msg_hdr.msg_name = &target;
    messages[i].msg_hdr.msg_namelen = sizeof target;
  }
  long sent = 0;
  while (sent < total) {
    int count = total - sent < BATCH ? (int)(total - sent) : BATCH;
    int done = sendmmsg(tx, messages, count, 0);
    if (done > 0) sent += done;
  }
  return NULL;
}

int main(int argc, char **argv) {
  total = argc > 1 ? atol(argv[1]) : 1000000;
  rx = socket(AF_INET, SOCK_DGRAM, 0);
  tx = socket(AF_INET, SOCK_DGRAM, 0);
  int size = 4 << 20, on = 1;
  setsockopt(rx, SOL_SOCKET, SO_RCVBUF, &size, sizeof size);
  setsockopt(rx, SOL_SOCKET, SO_RXQ_OVFL, &on, sizeof on);
  memset(&target, 0, sizeof target);
  target.sin_family = AF_INET;
  target.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(rx, (struct sockaddr *)&target, sizeof target) != 0) return 1;
  socklen_t length = sizeof target;
  getsockname(rx, (struct sockaddr *)&target, &length);
  struct timeval timeout = {1, 0};
  setsockopt(rx, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);

  static char data[BATCH][2048];
  static char control[BATCH][64];
  struct mmsghdr messages[BATCH];
  struct iovec vectors[BATCH];
  pthread_t thread;
  double start = now(), last = start;
  pthread_create(&thread, NULL, sender, NULL);
  long received = 0;
  unsigned int drops = 0;
  while (received < total) {
    memset(messages, 0, sizeof messages);
    for (int i = 0; i < BATCH; i++) {
      vectors[i].iov_base = data[i];
      vectors[i].iov_len = sizeof data[i];
      messages[i].msg_hdr.msg_iov = &vectors[i];
      messages[i].msg_hdr.msg_iovlen = 1;
      messages[i].msg_hdr.msg_control = control[i];
      messages[i].msg_hdr.msg_controllen = sizeof control[i];
    }
    int got = recvmmsg(rx, messages, BATCH, 0, NULL);
    if (got <= 0) break;
    received += got;
    last = now();
    for (int i = 0; i < got; i++) {
      for (struct cmsghdr *c = CMSG_FIRSTHDR(&messages[i].msg_hdr); c;
           c = CMSG_NXTHDR(&messages[i].msg_hdr, c))
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_RXQ_OVFL)
          memcpy(&drops, CMSG_DATA(c), sizeof drops);
    }
    if (received + drops >= total) break;
  }
  pthread_join(thread, NULL);
  printf("%.0f %u\n", received / (last - start), drops);
  return 0;
}
