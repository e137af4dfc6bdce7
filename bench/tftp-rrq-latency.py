# bench/tftp-rrq-latency.py <server> <port> <n> (used by bench/tftp-burst.sh): n RRQs for boot.img
# from n sockets at once, each sent once; per socket the time to the server's first packet; each
# transfer is then ended with ERROR 0. Prints "data errors max_ms p50_ms p99_ms": how many got
# DATA/OACK first, how many an ERROR (e.g. busy), and latencies of the former.
import select, socket, struct, sys, time
host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rrq = b"\x00\x01boot.img\x00octet\x00"
socks, sent, got, errors = [], {}, {}, 0
for _ in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setblocking(False)
    socks.append(s)
for s in socks:
    sent[s.fileno()] = time.monotonic()
    s.sendto(rrq, (host, port))
poll = select.epoll()
byfd = {s.fileno(): s for s in socks}
for s in socks:
    poll.register(s.fileno(), select.EPOLLIN)
deadline = time.monotonic() + 30
while len(got) < n and time.monotonic() < deadline:
    for fd, _ in poll.poll(0.5):
        s = byfd[fd]
        try:
            data, addr = s.recvfrom(2048)
        except BlockingIOError:
            continue
        poll.unregister(fd)
        if data[:2] == b"\x00\x05":
            errors += 1
            got[fd] = None
            continue
        got[fd] = time.monotonic() - sent[fd]
        s.sendto(b"\x00\x05\x00\x00done\x00", addr)
lat = sorted(v * 1000 for v in got.values() if v is not None)
pct = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] if lat else float("nan")
print(f"{len(lat)} {errors} {lat[-1] if lat else float('nan'):.0f} {pct(0.5):.0f} {pct(0.99):.0f}")
