/*
 * ww-net: the only program of ours inside the test image (whalewall-test:latest).
 *
 *   ww-listen PORT...                      serve every PORT on TCP and UDP, IPv4 and IPv6
 *   ww-probe tcp|udp HOST PORT [MS]        connect once, print the reply, exit 0 on a reply
 *
 * The server answers each TCP connection with "ok <port>\n" and closes it; it echoes each UDP
 * datagram back to its sender. With no ports it just waits, so it can be a container's idle
 * command. It is PID 1 in its container, where the kernel drops signals without a handler, so
 * SIGTERM and SIGINT get one: `docker stop` then ends it at once instead of after 10 s.
 *
 * The probe exits 1 when the connection is refused or no reply arrives within MS milliseconds
 * (default 2000), and 2 on a usage error. Built with `gcc -static` by test/setup/host.sh.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define MAX_PORTS 64

struct listener {
  int fd;
  int port;
  int type;
};

static void on_signal(int sig) { _exit(sig == SIGTERM ? 0 : 130); }

static int parse_port(const char *text) {
  char *end = NULL;
  long port = strtol(text, &end, 10);
  if (*text == '\0' || *end != '\0' || port < 1 || port > 65535) return -1;
  return (int)port;
}

/* A dual-stack socket when the kernel offers IPv6, a plain IPv4 one otherwise. */
static int open_listener(int type, int port) {
  int one = 1, zero = 0;
  int fd = socket(AF_INET6, type, 0);
  if (fd >= 0) {
    struct sockaddr_in6 a6 = {.sin6_family = AF_INET6, .sin6_port = htons(port)};
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof zero);
    if (bind(fd, (struct sockaddr *)&a6, sizeof a6) == 0) return fd;
    close(fd);
  }
  fd = socket(AF_INET, type, 0);
  if (fd < 0) return -1;
  struct sockaddr_in a4 = {.sin_family = AF_INET, .sin_port = htons(port)};
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&a4, sizeof a4) == 0) return fd;
  close(fd);
  return -1;
}

static void answer(const struct listener *l) {
  char buf[2048];
  struct sockaddr_storage peer;
  socklen_t len = sizeof peer;
  if (l->type == SOCK_DGRAM) {
    ssize_t n = recvfrom(l->fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &len);
    if (n >= 0) sendto(l->fd, buf, (size_t)n, 0, (struct sockaddr *)&peer, len);
    return;
  }
  int conn = accept(l->fd, (struct sockaddr *)&peer, &len);
  if (conn < 0) return;
  int n = snprintf(buf, sizeof buf, "ok %d\n", l->port);
  if (write(conn, buf, (size_t)n) < 0) perror("write");
  close(conn);
}

static int serve(int argc, char **argv) {
  struct listener ls[2 * MAX_PORTS];
  struct pollfd pfds[2 * MAX_PORTS];
  int count = 0;
  if (argc > MAX_PORTS) return fprintf(stderr, "at most %d ports\n", MAX_PORTS), 2;
  for (int i = 0; i < argc; i++) {
    int port = parse_port(argv[i]);
    if (port < 0) return fprintf(stderr, "not a port: %s\n", argv[i]), 2;
    int types[2] = {SOCK_STREAM, SOCK_DGRAM};
    for (int t = 0; t < 2; t++) {
      int fd = open_listener(types[t], port);
      if (fd < 0) return fprintf(stderr, "cannot listen on %d: %s\n", port, strerror(errno)), 1;
      if (types[t] == SOCK_STREAM && listen(fd, 64) != 0) return perror("listen"), 1;
      ls[count] = (struct listener){.fd = fd, .port = port, .type = types[t]};
      pfds[count] = (struct pollfd){.fd = fd, .events = POLLIN};
      count++;
    }
  }
  for (;;) {
    if (poll(pfds, (nfds_t)count, -1) < 0 && errno != EINTR) return perror("poll"), 1;
    for (int i = 0; i < count; i++)
      if (pfds[i].revents & POLLIN) answer(&ls[i]);
  }
}

/* Numeric addresses only: a static binary cannot load glibc's name-service modules. */
static socklen_t parse_addr(const char *host, int port, struct sockaddr_storage *out) {
  struct sockaddr_in *a4 = (struct sockaddr_in *)out;
  struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)out;
  memset(out, 0, sizeof *out);
  if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
    a4->sin_family = AF_INET;
    a4->sin_port = htons(port);
    return sizeof *a4;
  }
  if (inet_pton(AF_INET6, host, &a6->sin6_addr) != 1) return 0;
  a6->sin6_family = AF_INET6;
  a6->sin6_port = htons(port);
  return sizeof *a6;
}

static int probe(int argc, char **argv) {
  if (argc < 3 || argc > 4) return fprintf(stderr, "usage: ww-probe tcp|udp HOST PORT [MS]\n"), 2;
  int type = strcmp(argv[0], "udp") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  int port = parse_port(argv[2]);
  int ms = argc == 4 ? atoi(argv[3]) : 2000;
  struct sockaddr_storage addr;
  socklen_t len = port < 0 ? 0 : parse_addr(argv[1], port, &addr);
  if (len == 0 || ms <= 0) return fprintf(stderr, "bad address, port or time\n"), 2;

  int fd = socket(addr.ss_family, type, 0);
  struct timeval tv = {.tv_sec = ms / 1000, .tv_usec = (ms % 1000) * 1000};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  if (connect(fd, (struct sockaddr *)&addr, len) != 0) return perror("connect"), 1;
  if (type == SOCK_DGRAM && write(fd, "ping\n", 5) != 5) return perror("send"), 1;

  char buf[256];
  ssize_t n = read(fd, buf, sizeof buf - 1);
  if (n <= 0) return fprintf(stderr, "no reply\n"), 1;
  buf[n] = '\0';
  fputs(buf, stdout);
  return 0;
}

int main(int argc, char **argv) {
  signal(SIGTERM, on_signal);
  signal(SIGINT, on_signal);
  const char *name = strrchr(argv[0], '/');
  name = name ? name + 1 : argv[0];
  if (strcmp(name, "ww-probe") == 0) return probe(argc - 1, argv + 1);
  if (argc == 1) {
    for (;;) pause();
  }
  return serve(argc - 1, argv + 1);
}
