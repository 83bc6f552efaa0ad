#!/usr/bin/env python3
"""Malformed HTTP requests for bench/proxy.sh: COUNT requests over CONCURRENCY connections at a time, each one of
the shapes a broken or hostile device sends (random bytes, a garbage request line, a header without a colon, a
header line past any limit, a non-numeric or 20-digit Content-Length, a chunk size of terabytes, two Host headers,
an unknown HTTP version, an absurd method, a body shorter than announced), one per connection, each bounded by a
2 s timeout. Prints the count of each first status line (or "closed"/"timeout") as one line of JSON.
  malformed.py HOST PORT COUNT CONCURRENCY"""
import asyncio
import json
import random
import sys

HOST_HEADER = b"Host: bskybackend.bloomsky.com\r\n"


def shape(rng):
    kind = rng.randrange(11)
    if kind == 0:
        return bytes(rng.getrandbits(8) for _ in range(rng.randrange(1, 600)))
    if kind == 1:
        return b"GARBAGE \x00\x01 / HTTP/1.1\r\n" + HOST_HEADER + b"\r\n"
    if kind == 2:
        return b"POST /devc/skydevice/ HTTP/1.1\r\n" + HOST_HEADER + b"NoColonHere\r\n\r\n"
    if kind == 3:
        return b"GET / HTTP/1.1\r\n" + HOST_HEADER + b"X-Long: " + b"a" * 70000 + b"\r\n\r\n"
    if kind == 4:
        return b"POST /devc/skydevice/ HTTP/1.1\r\n" + HOST_HEADER + b"Content-Length: abc\r\n\r\n"
    if kind == 5:
        return b"POST /devc/skydevice/ HTTP/1.1\r\n" + HOST_HEADER + b"Content-Length: 99999999999999999999\r\n\r\n"
    if kind == 6:
        return (b"POST /devc/skydevice/ HTTP/1.1\r\n" + HOST_HEADER + b"Transfer-Encoding: chunked\r\n\r\n"
                b"ffffffffff\r\nxx")
    if kind == 7:
        return b"GET / HTTP/1.1\r\n" + HOST_HEADER + HOST_HEADER + b"\r\n"
    if kind == 8:
        return b"GET / HTTP/9.9\r\n" + HOST_HEADER + b"\r\n"
    if kind == 9:
        return b"X" * 300 + b" / HTTP/1.1\r\n" + HOST_HEADER + b"\r\n"
    return b"POST /devc/skydevice/ HTTP/1.1\r\n" + HOST_HEADER + b"Content-Length: 100\r\n\r\nshort"


async def one(host, port, payload, counts):
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(host, port), 2)
    except (OSError, asyncio.TimeoutError):
        counts["refused"] = counts.get("refused", 0) + 1
        return
    try:
        writer.write(payload)
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 2)
        key = line.split(b" ")[1].decode("ascii", "replace") if line.startswith(b"HTTP/") else "closed"
    except asyncio.TimeoutError:
        key = "timeout"
    except (OSError, IndexError):
        key = "closed"
    finally:
        writer.close()
    counts[key] = counts.get(key, 0) + 1


async def main(host, port, count, concurrency):
    rng = random.Random(7)
    counts = {}
    gate = asyncio.Semaphore(concurrency)

    async def bounded(payload):
        async with gate:
            await one(host, port, payload, counts)

    for start in range(0, count, 1000):
        await asyncio.gather(*(bounded(shape(rng)) for _ in range(start, min(count, start + 1000))))
    print(json.dumps(counts, sort_keys=True))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])))
