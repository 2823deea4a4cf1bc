"""One load client built on Jina's own Python client, for bench/vs-jina-client.

`Client(protocol=...).post` streams requests of `--request-size` documents from a generator
with `prefetch` requests in flight (1 = send, wait, repeat: the closed model of ours), for
`--seconds`. After its warm-up it prints `ready` and waits for a line on stdin, so that several
processes start the phase together. Then prints one JSON line: requests, docs, errors, wall and CPU seconds of the phase
(time.process_time: user + system of every thread of this process), per-request latencies.

A request's latency runs from the moment the generator hands out its first document (jina
builds the request then) to its on_done callback. With `--stream 0` (unary calls) the client
itself keeps `prefetch` requests in flight, so that is the round trip. With the stream, jina
sends `prefetch` to the gateway as metadata and the gateway paces the stream, while the client
writes requests as fast as HTTP/2 flow control lets it: they queue in the stream, and the
measured time includes that queue (not comparable to a round trip). `--touch-docs 1` reads `response.docs` in the callback, which makes jina
deserialize the documents (a load tool that counts or checks what came back must);
`--touch-docs 0` leaves them undecoded (the least CPU jina's client can spend).
(snake_case file name: Python imports it.)
"""

import argparse
import json
import os
import sys
import time

os.environ.setdefault('JINA_LOG_LEVEL', 'ERROR')

from jina import Client  # noqa: E402
from jina._docarray import docarray_v2  # noqa: E402

if docarray_v2:
    from jina._docarray import LegacyDocumentJina as Doc
else:
    from docarray import Document as Doc


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--host', default='127.0.0.1')
    parser.add_argument('--port', type=int, required=True)
    parser.add_argument('--protocol', default='grpc')
    parser.add_argument('--docs', required=True, help='JSON Lines file of {id, text, tags}')
    parser.add_argument('--offset', type=int, default=0, help='first document (client index x 100, say)')
    parser.add_argument('--request-size', type=int, default=100)
    parser.add_argument('--prefetch', type=int, default=1)
    parser.add_argument('--seconds', type=float, default=5)
    parser.add_argument('--touch-docs', type=int, default=1)
    parser.add_argument('--stream', type=int, default=1, help='1: the Call bidi stream (default); 0: unary calls')
    args = parser.parse_args()

    with open(args.docs, encoding='utf-8') as file:
        docs = [Doc(**json.loads(line)) for line in file if line.strip()]
    size = args.request_size
    client = Client(host=args.host, port=args.port, protocol=args.protocol)
    # Warm-up: connection and first-call set-up happen before the phase, as in ours.
    client.post('/index', inputs=docs[:size], request_size=size, prefetch=args.prefetch)

    starts, dones = [], []
    counted = {'docs': 0, 'errors': 0}

    def documents(deadline):
        index, sent = args.offset, 0
        while True:
            if sent % size == 0:
                if time.monotonic() >= deadline:
                    return
                starts.append(time.perf_counter())
            yield docs[index % len(docs)]
            index += 1
            sent += 1

    def on_done(response):
        dones.append(time.perf_counter())
        counted['docs'] += len(response.docs) if args.touch_docs else size

    def on_error(response):
        dones.append(time.perf_counter())
        counted['errors'] += 1

    print('ready', flush=True)
    sys.stdin.readline()
    cpu_start, wall_start = time.process_time(), time.perf_counter()
    client.post('/index', inputs=documents(time.monotonic() + args.seconds), request_size=size,
                prefetch=args.prefetch, on_done=on_done, on_error=on_error, stream=bool(args.stream))
    wall = time.perf_counter() - wall_start
    cpu = time.process_time() - cpu_start
    latencies = [(done - start) * 1000 for start, done in zip(starts, dones)]
    print(json.dumps({'requests': len(dones), 'docs': counted['docs'], 'errors': counted['errors'],
                      'wallS': wall, 'cpuS': cpu, 'latenciesMs': latencies}), flush=True)


if __name__ == '__main__':
    main()
