/*
 * tftp-relay: a UDP relay for bench/tftp.sh that holds every datagram for a fixed time, to give a
 * LAN-like round trip on a veth pair (this kernel has no netem).
 *
 *   tftp-relay <listen-ip> <listen-port> <server-ip> <server-port> <hold-us>
 *
 * One transfer at a time: the client talks to <listen-ip>:<listen-port>; a request (RRQ/WRQ) is
 * forwarded to <server-ip>:<server-port>, anything else to the server's transfer port (TID),
 * learned from the server's replies, which go back to the client from the listening socket.
 * Each datagram is queued with a due time (receive time + hold) and sent when due; the loop
 * sleeps in ppoll() with nanosecond timeouts and a 1 ns timer slack, so it does not spin.
 * On SIGTERM/SIGINT it prints: datagrams relayed, mean and max actual hold (send time minus
 * receive time), and its own CPU time, which is how the bench shows the relay's cost.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define QCAP 8192
#define MAXDGRAM 65536

struct item {
    uint64_t due;
    uint64_t recv;
    int to_server; /* 1: send via server socket to server, 0: via client socket to client */
    int len;
    unsigned char *buf;
};

static struct item q[QCAP];
static unsigned qhead, qtail; /* FIFO: every item has the same hold, so due times are ordered */
static volatile sig_atomic_t stop;

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static void on_signal(int s) {
    (void) s;
    stop = 1;
}

static int udp_socket(const char *ip, int port) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    int sz = 8 << 20;
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof sz);
    setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof sz);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
    inet_pton(AF_INET, ip, &a.sin_addr);
    if (bind(fd, (struct sockaddr *) &a, sizeof a) < 0) {
        perror("bind");
        exit(1);
    }
    return fd;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: %s listen-ip listen-port server-ip server-port hold-us\n", argv[0]);
        return 2;
    }
    uint64_t hold = (uint64_t) atol(argv[5]) * 1000ull;
    prctl(PR_SET_TIMERSLACK, 1UL, 0, 0, 0);
    signal(SIGTERM, on_signal);
    signal(SIGINT, on_signal);
    int cfd = udp_socket(argv[1], atoi(argv[2]));
    int sfd = udp_socket("0.0.0.0", 0);
    struct sockaddr_in server = {.sin_family = AF_INET, .sin_port = htons(atoi(argv[4]))};
    inet_pton(AF_INET, argv[3], &server.sin_addr);
    int server_port = atoi(argv[4]);
    int tid = server_port;
    struct sockaddr_in client;
    memset(&client, 0, sizeof client);
    for (unsigned i = 0; i < QCAP; i++) {
        q[i].buf = malloc(MAXDGRAM);
    }
    uint64_t relayed = 0, held_sum = 0, held_max = 0, dropped = 0;
    unsigned char buf[MAXDGRAM];
    while (!stop) {
        uint64_t t = now_ns();
        /* send everything due */
        while (qhead != qtail && q[qhead % QCAP].due <= t) {
            struct item *it = &q[qhead % QCAP];
            if (it->to_server) {
                server.sin_port = htons(it->len >= 2 && it->buf[0] == 0 && (it->buf[1] == 1 || it->buf[1] == 2)
                        ? server_port : tid);
                sendto(sfd, it->buf, it->len, 0, (struct sockaddr *) &server, sizeof server);
            } else {
                sendto(cfd, it->buf, it->len, 0, (struct sockaddr *) &client, sizeof client);
            }
            uint64_t h = now_ns() - it->recv;
            held_sum += h;
            if (h > held_max) {
                held_max = h;
            }
            relayed++;
            qhead++;
        }
        struct timespec timeout, *tp = NULL;
        if (qhead != qtail) {
            uint64_t due = q[qhead % QCAP].due;
            uint64_t wait = due > t ? due - t : 0;
            timeout.tv_sec = wait / 1000000000ull;
            timeout.tv_nsec = wait % 1000000000ull;
            tp = &timeout;
        }
        struct pollfd p[2] = {{.fd = cfd, .events = POLLIN}, {.fd = sfd, .events = POLLIN}};
        int n = ppoll(p, 2, tp, NULL);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            perror("ppoll");
            return 1;
        }
        for (int k = 0; k < 2; k++) {
            if (!(p[k].revents & POLLIN)) {
                continue;
            }
            for (;;) {
                struct sockaddr_in from;
                socklen_t fl = sizeof from;
                ssize_t len = recvfrom(p[k].fd, buf, sizeof buf, 0, (struct sockaddr *) &from, &fl);
                if (len < 0) {
                    break;
                }
                uint64_t r = now_ns();
                if (k == 0) {
                    client = from;
                } else {
                    tid = ntohs(from.sin_port);
                }
                if (qtail - qhead >= QCAP) {
                    dropped++;
                    continue;
                }
                struct item *it = &q[qtail % QCAP];
                it->recv = r;
                it->due = r + hold;
                it->to_server = k == 0;
                it->len = (int) len;
                memcpy(it->buf, buf, (size_t) len);
                qtail++;
            }
        }
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("relay: %llu datagrams, hold mean %.1f us max %.1f us (target %.1f us), queue-full drops %llu, cpu %.2f s\n",
            (unsigned long long) relayed, relayed ? held_sum / 1000.0 / relayed : 0.0, held_max / 1000.0,
            hold / 1000.0, (unsigned long long) dropped, cpu);
    return 0;
}
