"""Probe a real Jina 3.34 WebSocket gateway with the `websockets` library: handshake headers,
`bytes` and `json` sub-protocols, end-of-input markers, ordering, errors, dry_run; saves frames
to fixtures/jina-captures/<v1|v2>/.

    .jina-envs/v2/bin/python scripts/jina/probe_websocket.py   (then the same with .jina-envs/v1)
"""

import json
import os
import signal
import time

from google.protobuf import json_format
from jina.proto import jina_pb2
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from probe_common import (DOCARRAY, client_request, describe, new_doc, parse_request, report,
                          request_bytes, sample_docs, save_capture, start_flow)
from probe_grpc import executor_pid, routes_of, short_status
from probe_http import INDEX_DOCS, call, strip_stacks


def exchange(url, frames, subprotocols=None, expect=None, wait_s=10.0):
    """Sends frames, reads until `expect` frames arrived, the socket closed or wait_s passed."""
    out = {'frames': [], 'closed': None}
    started = time.monotonic()
    with connect(url, subprotocols=subprotocols, open_timeout=10) as ws:
        out['handshake_subprotocol'] = ws.subprotocol
        out['response_headers'] = {k: v for k, v in ws.response.headers.raw_items() if k.lower().startswith('sec-websocket')}
        for frame in frames:
            ws.send(frame)
        try:
            while expect is None or len(out['frames']) < expect:
                message = ws.recv(timeout=max(0.1, wait_s - (time.monotonic() - started)))
                out['frames'].append((round(time.monotonic() - started, 3), message))
        except TimeoutError:
            out['closed'] = 'no more frames (timeout)'
        except ConnectionClosed as closed:
            out['closed'] = {'code': closed.rcvd.code if closed.rcvd else None,
                             'reason': closed.rcvd.reason if closed.rcvd else None}
    return out


def frame_kind(message):
    return 'binary' if isinstance(message, bytes) else 'text'


def probe_query_flow():
    findings = {}
    with start_flow('query', 'websocket') as flow:
        base = f'ws://127.0.0.1:{flow.port}'
        findings['ready_s'] = round(flow.ready_s, 2)
        findings['GET /'] = call('GET', f'http://127.0.0.1:{flow.port}/')
        findings['GET /dry_run'] = call('GET', f'http://127.0.0.1:{flow.port}/dry_run')['body']
        findings['GET /status keys'] = sorted(call('GET', f'http://127.0.0.1:{flow.port}/status')['body'])

        index = request_bytes(client_request('/index', sample_docs(3), request_id='ws-index-1'))
        search = request_bytes(client_request('/search', [new_doc(id='query-1', text='hello 1')], parameters={'top_k': 2}, request_id='ws-search-1'))
        result = exchange(base + '/', [index, search, b'\x00'], subprotocols=['bytes'], expect=2)
        findings['bytes_mode'] = {
            'handshake_subprotocol': result['handshake_subprotocol'], 'response_headers': result['response_headers'],
            'frames': [(t, frame_kind(m), parse_request(m).header.request_id, [r['executor'] for r in routes_of(parse_request(m))])
                       for t, m in result['frames']],
            'closed': result['closed']}
        # the search above may overtake the index; search again once the index is in
        searched = exchange(base + '/', [search, b'\x00'], subprotocols=['bytes'], expect=1)
        for _, message in [frame for frame in result['frames'] if parse_request(frame[1]).header.request_id == 'ws-index-1'] + searched['frames']:
            proto = parse_request(message)
            name = 'ws-bytes-index-response.bin' if proto.header.request_id == 'ws-index-1' else 'ws-bytes-search-response.bin'
            save_capture(name, message, {'message': 'jina.DataRequestProto (one binary frame)', 'subprotocol': 'bytes',
                                         'summary': describe(proto)})
        after_end = exchange(base + '/', [b'\x00'], subprotocols=['bytes'], wait_s=2)
        findings['bytes_mode_only_end_marker'] = {'frames': len(after_end['frames']), 'closed': after_end['closed']}
        no_end = exchange(base + '/', [index], subprotocols=['bytes'], expect=1)
        findings['bytes_mode_without_end_marker'] = {'frames': len(no_end['frames']), 'closed': no_end['closed']}

        slow_a = request_bytes(client_request('/search', [new_doc(text='a')], parameters={'sleep_ms': 800}, request_id='A-slow'))
        fast_b = request_bytes(client_request('/search', [new_doc(text='b')], parameters={'sleep_ms': 0}, request_id='B-fast'))
        ordered = exchange(base + '/', [slow_a, fast_b], subprotocols=['bytes'], expect=2)
        findings['bytes_mode_order'] = [(t, parse_request(m).header.request_id) for t, m in ordered['frames']]

        json_request = {'execEndpoint': '/index', 'data': INDEX_DOCS[:2], 'parameters': {}}
        result = exchange(base + '/', [json.dumps(json_request), json.dumps({})], expect=1, wait_s=8)
        findings['json_mode'] = {'handshake_subprotocol': result['handshake_subprotocol'], 'response_headers': result['response_headers'],
                                 'frames': [(t, frame_kind(m), (m if isinstance(m, str) else m.decode('utf-8', 'replace'))[:300]) for t, m in result['frames']],
                                 'closed': result['closed']}
        if result['frames']:
            message = result['frames'][0][1]
            text = message if isinstance(message, str) else message.decode('utf-8')
            save_capture('ws-json-index-request.json', json.dumps(json_request, indent=2), {'what': 'text frame sent (json sub-protocol: no Sec-WebSocket-Protocol header)'})
            save_capture('ws-json-index-response.json', json.dumps(json.loads(text), indent=2), {
                'what': 'text frame received for ws-json-index-request.json', 'frame_type': frame_kind(message)})
            body = json.loads(text)
            findings['json_mode_keys'] = {key: (sorted(value) if isinstance(value, dict) else type(value).__name__) for key, value in body.items()}
            findings['json_mode_routes'] = body.get('routes')
            findings['json_mode_first_doc_keys'] = sorted((body.get('data') or [{}])[0])
        search_json = {'execEndpoint': '/search', 'data': [{'text': 'hello 1'}], 'parameters': {'top_k': 1}}
        count_json = {'exec_endpoint': '/count', 'data': [{'text': 'x'}]}  # snake_case key on purpose
        two = exchange(base + '/', [json.dumps(search_json), json.dumps(count_json)], expect=2, wait_s=8)
        findings['json_mode_two_requests'] = {'frames': [(t, json.loads(m).get('header')) for t, m in two['frames']], 'closed': two['closed']}
        with_id = exchange(base + '/', [json.dumps(dict(search_json, requestId='my-json-id', header={'request_id': 'my-header-id'}))], expect=1, wait_s=8)
        findings['json_mode_request_id_attempt'] = [json.loads(m).get('header') for _, m in with_id['frames']] or with_id['closed']

        findings['node_ws_handshake'] = {'with bytes subprotocol': node_ws_handshake(base + '/', 'bytes'),
                                         'without subprotocol': node_ws_handshake(base + '/', None)}
        payload = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'fixtures', 'jina-captures', DOCARRAY, 'node-ws-request.bin')
        with open(payload, 'wb') as file:
            file.write(index)
        findings['node_ws_header_option'] = node_ws_header_send(base + '/', payload)
        os.remove(payload)
        dry_bytes = exchange(base + '/dry_run', [b''], subprotocols=['bytes'], expect=1, wait_s=5)
        findings['ws_dry_run_bytes'] = {'frames': [(frame_kind(m), m.hex() if isinstance(m, bytes) else m) for _, m in dry_bytes['frames']],
                                        'closed': dry_bytes['closed']}
        if dry_bytes['frames'] and isinstance(dry_bytes['frames'][0][1], bytes):
            save_capture('ws-dry-run-ok.bin', dry_bytes['frames'][0][1], {'message': 'jina.StatusProto', 'url': 'ws://host:port/dry_run', 'subprotocol': 'bytes',
                                                                          'status': json_format.MessageToDict(jina_pb2.StatusProto.FromString(dry_bytes['frames'][0][1]))})
        dry_json = exchange(base + '/dry_run', [], expect=1, wait_s=5)
        findings['ws_dry_run_json'] = {'frames': [(frame_kind(m), m if isinstance(m, str) else m.hex()) for _, m in dry_json['frames']],
                                       'closed': dry_json['closed']}
    return findings


NODE_WS_CHECK = '''
const WebSocket = require(process.argv[1] + '/node_modules/ws');
const ws = new WebSocket(process.argv[2], process.argv[3] ? [process.argv[3]] : undefined);
ws.on('open', () => { console.log(JSON.stringify({open: true, protocol: ws.protocol})); ws.close(); });
ws.on('error', (error) => { console.log(JSON.stringify({open: false, error: error.message})); });
'''


NODE_WS_HEADER_SEND = '''
const WebSocket = require(process.argv[1] + '/node_modules/ws');
const payload = require('fs').readFileSync(process.argv[3]);
const ws = new WebSocket(process.argv[2], {headers: {'Sec-WebSocket-Protocol': 'bytes'}});
ws.on('open', () => ws.send(payload));
ws.on('message', (data, isBinary) => { console.log(JSON.stringify({isBinary, bytes: data.length})); ws.send(Buffer.from([0])); });
ws.on('close', (code) => console.log(JSON.stringify({closed: code})));
ws.on('error', (error) => console.log(JSON.stringify({error: error.message})));
'''


def node_ws_header_send(url, payload_path):
    """Node `ws` with the sub-protocol header set by hand, sending one DataRequestProto."""
    import shutil
    import subprocess

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    if not shutil.which('node') or not os.path.isdir(os.path.join(root, 'node_modules', 'ws')):
        return 'skipped: node or node_modules/ws missing'
    done = subprocess.run(['node', '-e', NODE_WS_HEADER_SEND, root, url, payload_path], capture_output=True, text=True, timeout=20)
    return [json.loads(line) for line in done.stdout.strip().splitlines()] or done.stderr[-300:]


def node_ws_handshake(url, subprotocol):
    """How Node's `ws` (the TS client's library) takes the gateway's handshake."""
    import shutil
    import subprocess

    root = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
    if not shutil.which('node') or not os.path.isdir(os.path.join(root, 'node_modules', 'ws')):
        return 'skipped: node or node_modules/ws missing'
    done = subprocess.run(['node', '-e', NODE_WS_CHECK, root, url, subprotocol or ''], capture_output=True, text=True, timeout=20)
    return json.loads(done.stdout.strip().splitlines()[-1]) if done.stdout.strip() else done.stderr[-300:]


def probe_failing_flow():
    findings = {}
    with start_flow('failing', 'websocket') as flow:
        base = f'ws://127.0.0.1:{flow.port}'
        frames = [request_bytes(client_request('/index', [new_doc(id=f'f-{n}', text=f'f {n}')], request_id=f'ws-fail-{n}')) for n in range(2)]
        result = exchange(base + '/', frames + [b'\x00'], subprotocols=['bytes'], expect=2)
        findings['bytes_executor_error'] = []
        for _, message in result['frames']:
            proto = parse_request(message)
            findings['bytes_executor_error'].append({'request_id': proto.header.request_id, 'status': short_status(proto.header.status),
                                                     'routes': [(r['executor'], bool(r['status'])) for r in routes_of(proto)]})
            if proto.header.status.code == 1:
                save_capture('ws-bytes-error-response.bin', message, {'message': 'jina.DataRequestProto', 'subprotocol': 'bytes',
                                                                      'what': 'executor `failing` raised StressFailure', 'summary': describe(proto)})
        if DOCARRAY == 'v1':
            failed = exchange(base + '/', [json.dumps({'execEndpoint': '/index', 'data': [{'text': 'x'}], 'parameters': {'fail': True}})], expect=1)
            if failed['frames']:
                body = json.loads(failed['frames'][0][1])
                save_capture('ws-json-error-response.json', json.dumps(body, indent=2), {'what': 'json text frame, executor `failing` raised'})
                findings['json_executor_error'] = strip_stacks({key: body[key] for key in ('header', 'routes') if key in body})
        os.kill(executor_pid(flow.log_path, 'failing/rep-0'), signal.SIGKILL)
        time.sleep(1.0)
        down = exchange(base + '/', [request_bytes(client_request('/index', [new_doc(text='down')], request_id='ws-down'))], subprotocols=['bytes'], expect=1)
        findings['bytes_executor_down'] = {'frames': [describe(parse_request(m)) for _, m in down['frames']], 'closed': down['closed']}
        down_json = exchange(base + '/', [json.dumps({'execEndpoint': '/index', 'data': [{'text': 'x'}]})], expect=1)
        findings['json_executor_down'] = {'frames': [m[:300] for _, m in down_json['frames']], 'closed': down_json['closed']}
        dry = exchange(base + '/dry_run', [b''], subprotocols=['bytes'], expect=1, wait_s=5)
        if dry['frames'] and isinstance(dry['frames'][0][1], bytes):
            status = jina_pb2.StatusProto.FromString(dry['frames'][0][1])
            findings['ws_dry_run_executor_down'] = short_status(status)
        else:
            findings['ws_dry_run_executor_down'] = dry
    return findings


if __name__ == '__main__':
    report('websocket query flow', probe_query_flow())
    report('websocket failing flow', probe_failing_flow())
