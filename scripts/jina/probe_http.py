"""Probe a real Jina 3.34 HTTP gateway with `requests` and record routes, body shapes, casing,
status codes and error bodies; saves JSON bodies to fixtures/jina-captures/<v1|v2>/.

    .jina-envs/v2/bin/python scripts/jina/probe_http.py   (then the same with .jina-envs/v1)
"""

import json
import os
import signal
import time

import requests

from probe_common import DOCARRAY, report, save_capture, start_flow
from probe_grpc import executor_pid

INDEX_DOCS = [
    {'id': 'doc-0', 'text': 'hello 0', 'tags': {'i': 0, 'group': 'even'}},
    {'id': 'doc-1', 'text': 'hello 1', 'tags': {'i': 1, 'group': 'odd'}},
    {'id': 'doc-2', 'text': 'hello 2', 'tags': {'i': 2, 'group': 'even'}},
    {'id': 'doc-tensor', 'tensor': [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], 'tags': {'kind': 'tensor'}},
]


def call(method, url, body=None, **kwargs):
    started = time.monotonic()
    response = requests.request(method, url, json=body, timeout=30, **kwargs)
    try:
        payload = response.json()
    except ValueError:
        payload = response.text[:500]
    return {'status': response.status_code, 'elapsed_s': round(time.monotonic() - started, 3),
            'content_type': response.headers.get('content-type'), 'body': payload}


def post_body(endpoint, data, parameters=None, **extra):
    """Body for /<endpoint> (v2) or /post (v1, with execEndpoint)."""
    body = {'data': data, **extra}
    if parameters is not None:
        body['parameters'] = parameters
    if DOCARRAY == 'v1':
        body['execEndpoint'] = endpoint
    return body


def post(base, endpoint, data, parameters=None, via_post=None, **extra):
    path = '/post' if (via_post if via_post is not None else DOCARRAY == 'v1') else endpoint
    return call('POST', base + path, post_body(endpoint, data, parameters, **extra))


def keys_tree(value, depth=0):
    """The key structure of a JSON value (lists: first element), to show casing at a glance."""
    if isinstance(value, dict) and depth < 4:
        return {key: keys_tree(item, depth + 1) for key, item in value.items()}
    if isinstance(value, list) and value and depth < 4:
        return [keys_tree(value[0], depth + 1)]
    return type(value).__name__


def probe_query_flow():
    findings = {}
    with start_flow('query', 'http') as flow:
        base = f'http://127.0.0.1:{flow.port}'
        findings['ready_s'] = round(flow.ready_s, 2)
        findings['GET /'] = call('GET', base + '/')
        status = call('GET', base + '/status')
        findings['GET /status'] = {'status': status['status'], 'keys': keys_tree(status['body'])}
        dry = call('GET', base + '/dry_run')
        findings['GET /dry_run'] = dry
        save_capture('http-dry-run-ok.json', json.dumps(dry['body'], indent=2), {'what': 'GET /dry_run body, Flow healthy', 'status': dry['status']})
        openapi = call('GET', base + '/openapi.json')['body']
        findings['openapi_paths'] = {path: sorted(ops) for path, ops in openapi['paths'].items()}

        index_body = post_body('/index', INDEX_DOCS, {})
        index = post(base, '/index', INDEX_DOCS, {})
        save_capture('http-index-request.json', json.dumps(index_body, indent=2), {
            'what': f"POST {'/post' if DOCARRAY == 'v1' else '/index'} request body (as sent by scripts/jina/probe_http.py)"})
        save_capture('http-index-response.json', json.dumps(index['body'], indent=2), {
            'what': f"POST {'/post' if DOCARRAY == 'v1' else '/index'} response body", 'status': index['status'],
            'flow': f'fixtures/flows/jina/{DOCARRAY}/query-http.yml'})
        findings['index'] = {'status': index['status'], 'content_type': index['content_type'], 'keys': keys_tree(index['body'])}
        if isinstance(index['body'], dict):
            first = (index['body'].get('data') or [{}])[0]
            findings['index_first_doc'] = {key: (value if key not in ('embedding', 'tensor') else {'json_type': type(value).__name__, 'value_head': str(value)[:120]})
                                           for key, value in first.items()}
            findings['index_routes'] = index['body'].get('routes')
            findings['index_header'] = index['body'].get('header')
            findings['index_parameters'] = index['body'].get('parameters')

        findings['text_and_tensor_in_one_doc'] = summarize_first_doc(post(
            base, '/index', [{'id': 'both-1', 'text': 'both', 'tensor': [1.0, 2.0]}], {}))
        search = post(base, '/search', [{'id': 'query-1', 'text': 'hello 1'}], {'top_k': 2})
        save_capture('http-search-response.json', json.dumps(search['body'], indent=2), {
            'what': 'search response body (query text "hello 1", top_k 2, 2 shards)', 'status': search['status']})
        findings['search'] = {'status': search['status'], 'keys': keys_tree(search['body'])}

        if DOCARRAY == 'v1':
            findings['POST /index (v1 CRUD route)'] = summarize(call('POST', base + '/index', {'data': [{'text': 'x'}]}))
            findings['POST /search data as {docs: [...]}'] = summarize(call('POST', base + '/search', {'data': {'docs': [{'text': 'x'}]}}))
            findings['POST /post snake_case exec_endpoint'] = summarize(call('POST', base + '/post', {'exec_endpoint': '/count', 'data': [{'text': 'x'}]}))
            findings['POST /post without execEndpoint'] = summarize(call('POST', base + '/post', {'data': [{'text': 'x'}]}))
        else:
            findings['POST /search single doc (not a list)'] = summarize(call('POST', base + '/search', {'data': {'id': 'single-1', 'text': 'x'}}))
            findings['POST /search header.requestId'] = summarize(call('POST', base + '/search', {'data': [{'text': 'x'}], 'header': {'requestId': 'my-id-1'}}))
            findings['POST /search header.request_id'] = summarize(call('POST', base + '/search', {'data': [{'text': 'x'}], 'header': {'request_id': 'my-id-2'}}))
            findings['POST /post'] = summarize(call('POST', base + '/post', {'data': [{'text': 'x'}], 'execEndpoint': '/search'}))
        findings['count'] = summarize(post(base, '/count', [{'text': 'x'}], {}))
        findings['count_without_parameters'] = summarize(post(base, '/count', [{'text': 'x'}]))
        findings['target_executor'] = summarize(post(base, '/search', [{'text': 'hello 1'}], {}, targetExecutor='indexer')
                                                if DOCARRAY == 'v1' else
                                                call('POST', base + '/search', {'data': [{'text': 'hello 1'}], 'header': {'targetExecutor': 'indexer'}}))
        findings['unknown endpoint'] = summarize(post(base, '/no-such-endpoint', [{'text': 'x'}]))
        findings['missing data'] = summarize(call('POST', base + ('/post' if DOCARRAY == 'v1' else '/search'), {'parameters': {}}))
        findings['not json'] = summarize(call('POST', base + ('/post' if DOCARRAY == 'v1' else '/search'), data=b'{oops', headers={'content-type': 'application/json'}))
    return findings


def summarize(result):
    body = result['body']
    out = {'status': result['status']}
    if isinstance(body, dict):
        out['keys'] = sorted(body)
        for key in ('header', 'parameters', 'detail'):
            if key in body:
                out[key] = body[key]
        if 'routes' in body:
            out['routes'] = [route.get('executor') for route in body['routes'] or []]
        if isinstance(body.get('data'), list):
            out['docs'] = len(body['data'])
            if body['data'] and 'matches' in body['data'][0]:
                out['first_doc_matches'] = len(body['data'][0]['matches'] or [])
            if body['data'] and 'embedding' in body['data'][0]:
                out['first_doc_has_embedding'] = body['data'][0]['embedding'] is not None
    else:
        out['body'] = body
    return out


def summarize_first_doc(result):
    body = result['body']
    doc = (body.get('data') or [{}])[0] if isinstance(body, dict) else {}
    return {'status': result['status'], 'text': doc.get('text'), 'tensor': doc.get('tensor')}


def strip_stacks(body):
    if isinstance(body, dict):
        return {key: (f'<{len(value)} lines>' if key == 'stacks' and isinstance(value, list) else strip_stacks(value))
                for key, value in body.items()}
    if isinstance(body, list):
        return [strip_stacks(item) for item in body]
    return body


def probe_failing_flow():
    findings = {}
    with start_flow('failing', 'http') as flow:
        base = f'http://127.0.0.1:{flow.port}'
        ok = post(base, '/index', [{'id': 'ok-1', 'text': 'fine'}], {})
        failed = post(base, '/index', [{'id': 'bad-1', 'text': 'boom'}], {'fail': True})
        save_capture('http-error-response.json', json.dumps(failed['body'], indent=2), {
            'what': 'executor `failing` raised StressFailure (parameters.fail)', 'status': failed['status'],
            'flow': f'fixtures/flows/jina/{DOCARRAY}/failing-http.yml'})
        findings['ok_status'] = ok['status']
        findings['executor_error'] = {'status': failed['status'], 'content_type': failed['content_type'], 'body': strip_stacks(failed['body'])}
        os.kill(executor_pid(flow.log_path, 'failing/rep-0'), signal.SIGKILL)
        time.sleep(1.0)
        down = post(base, '/index', [{'id': 'down-1', 'text': 'down'}], {})
        save_capture('http-executor-down-response.json', json.dumps(down['body'], indent=2) if not isinstance(down['body'], str) else down['body'], {
            'what': 'response after SIGKILL of the `failing` executor process', 'status': down['status'], 'content_type': down['content_type']})
        findings['executor_down'] = {'status': down['status'], 'elapsed_s': down['elapsed_s'], 'content_type': down['content_type'],
                                     'body': strip_stacks(down['body'])}
        dry = call('GET', base + '/dry_run')
        save_capture('http-dry-run-error.json', json.dumps(dry['body'], indent=2), {'what': 'GET /dry_run after SIGKILL of an executor', 'status': dry['status']})
        findings['dry_run_executor_down'] = {'status': dry['status'], 'body': strip_stacks(dry['body'])}
    return findings


if __name__ == '__main__':
    report('http query flow', probe_query_flow())
    report('http failing flow', probe_failing_flow())
