"""Probe a real Jina 3.34 gRPC gateway with raw grpc calls (bytes in, bytes out) and record what
it does; saves captures to fixtures/jina-captures/<v1|v2>/.

    .jina-envs/v2/bin/python scripts/jina/probe_grpc.py   (then the same with .jina-envs/v1)
"""

import os
import re
import signal
import time

import grpc
from google.protobuf import empty_pb2, json_format
from grpc_health.v1 import health_pb2
from jina.proto import jina_pb2

from probe_common import (DOCARRAY, client_request, describe, new_doc, parse_request, report,
                          request_bytes, sample_docs, save_capture, start_flow)

IDENTITY = dict(request_serializer=None, response_deserializer=None)


def unary(channel, method, payload: bytes = b'', timeout=10):
    return channel.unary_unary(method, **IDENTITY)(payload, timeout=timeout)


def stream(channel, payloads, metadata=None, timeout=30):
    """Sends all payloads on one /jina.JinaRPC/Call stream; returns [(arrival_s, bytes)] or an error."""
    started = time.monotonic()
    call = channel.stream_stream('/jina.JinaRPC/Call', **IDENTITY)(iter(payloads), metadata=metadata, timeout=timeout)
    out = []
    try:
        for response in call:
            out.append((round(time.monotonic() - started, 3), response))
        return {'responses': out, 'grpc_code': call.code().name}
    except grpc.RpcError as error:
        return {'responses': out, 'grpc_code': error.code().name, 'grpc_details': error.details(),
                'trailing_metadata': [tuple(m) for m in (error.trailing_metadata() or [])]}


def short_status(status):
    out = json_format.MessageToDict(status, preserving_proto_field_name=True, use_integers_for_enums=True)
    stacks = out.get('exception', {}).get('stacks')
    if stacks:  # keep the report readable; captures keep the full stack
        out['exception']['stacks'] = [f'<{len(stacks)} lines>', stacks[-1]]
    return out


def routes_of(proto):
    return [{'executor': r.executor,
             'start': r.start_time.ToJsonString() if r.HasField('start_time') else None,
             'end': r.end_time.ToJsonString() if r.HasField('end_time') else None,
             'status': short_status(r.status) if r.HasField('status') else None}
            for r in proto.routes]


def probe_services(channel):
    findings = {}
    info = unary(channel, '/jina.JinaInfoRPC/_status')
    info_proto = jina_pb2.JinaInfoProto.FromString(info)
    save_capture('grpc-status-info.bin', info, {'message': 'jina.JinaInfoProto', 'rpc': '/jina.JinaInfoRPC/_status',
                                                'jina_keys': sorted(info_proto.jina), 'envs_keys': sorted(info_proto.envs)})
    findings['_status'] = {'jina': dict(info_proto.jina), 'envs_keys': sorted(info_proto.envs)}

    dry = unary(channel, '/jina.JinaGatewayDryRunRPC/dry_run')
    save_capture('grpc-dry-run-ok.bin', dry, {'message': 'jina.StatusProto', 'rpc': '/jina.JinaGatewayDryRunRPC/dry_run',
                                              'status': json_format.MessageToDict(jina_pb2.StatusProto.FromString(dry))})
    findings['dry_run_ok'] = {'bytes_hex': dry.hex(), 'decoded': json_format.MessageToDict(jina_pb2.StatusProto.FromString(dry))}

    try:
        endpoints = unary(channel, '/jina.JinaDiscoverEndpointsRPC/endpoint_discovery')
    except grpc.RpcError as error:
        endpoints = None
        findings['endpoint_discovery'] = {'grpc_code': error.code().name, 'details': error.details()}
    if endpoints is not None:
        endpoints_proto = jina_pb2.EndpointsProto.FromString(endpoints)
        schemas = json_format.MessageToDict(endpoints_proto.schemas)
        save_capture('grpc-endpoints.bin', endpoints, {'message': 'jina.EndpointsProto', 'rpc': '/jina.JinaDiscoverEndpointsRPC/endpoint_discovery',
                                                        'endpoints': list(endpoints_proto.endpoints),
                                                        'write_endpoints': list(endpoints_proto.write_endpoints),
                                                        'schema_endpoints': sorted(schemas)})
        findings['endpoint_discovery'] = {'endpoints': list(endpoints_proto.endpoints),
                                          'write_endpoints': list(endpoints_proto.write_endpoints),
                                          'schemas': {k: {part: (v.get(part) or {}).get('name') for part in ('input', 'output', 'parameters')}
                                                      for k, v in schemas.items()}}

    health = unary(channel, '/grpc.health.v1.Health/Check', health_pb2.HealthCheckRequest().SerializeToString())
    findings['health_check'] = health_pb2.HealthCheckResponse.ServingStatus.Name(health_pb2.HealthCheckResponse.FromString(health).status)
    try:
        from grpc_reflection.v1alpha import reflection_pb2

        call = channel.stream_stream('/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo',
                                     request_serializer=reflection_pb2.ServerReflectionRequest.SerializeToString,
                                     response_deserializer=reflection_pb2.ServerReflectionResponse.FromString)
        answer = next(iter(call(iter([reflection_pb2.ServerReflectionRequest(list_services='')]), timeout=5)))
        findings['reflection_services'] = sorted(s.name for s in answer.list_services_response.service)
    except grpc.RpcError as error:
        findings['reflection_services'] = f'error {error.code().name}'
    return findings


def probe_query_flow():
    findings = {}
    with start_flow('query', 'grpc') as flow, grpc.insecure_channel(f'127.0.0.1:{flow.port}') as channel:
        findings['ready_s'] = round(flow.ready_s, 2)
        findings.update(probe_services(channel))

        index_request = request_bytes(client_request('/index', sample_docs(3), request_id='capture-index-1'))
        save_capture('grpc-index-request.bin', index_request, {
            'message': 'jina.DataRequestProto', 'built_by': 'jina.clients.request.request_generator (what Client.post sends)',
            'summary': describe(parse_request(index_request))})
        result = stream(channel, [index_request])
        index_response = result['responses'][0][1]
        save_capture('grpc-index-response.bin', index_response, {
            'message': 'jina.DataRequestProto', 'flow': f'fixtures/flows/jina/{DOCARRAY}/query-grpc.yml',
            'summary': describe(parse_request(index_response))})
        findings['index'] = {'grpc_code': result['grpc_code'], 'routes': routes_of(parse_request(index_response)),
                             'parameters': json_format.MessageToDict(parse_request(index_response).parameters)}
        # more docs so both shards hold some
        stream(channel, [request_bytes(client_request('/index', sample_docs(6, with_tensor=False, prefix='more')))])

        search_request = request_bytes(client_request('/search', [new_doc(id='query-1', text='hello 1')],
                                                      parameters={'top_k': 2}, request_id='capture-search-1'))
        save_capture('grpc-search-request.bin', search_request, {
            'message': 'jina.DataRequestProto', 'built_by': 'jina.clients.request.request_generator',
            'summary': describe(parse_request(search_request))})
        result = stream(channel, [search_request])
        search_response = result['responses'][0][1]
        described = describe(parse_request(search_response))
        save_capture('grpc-search-response.bin', search_response, {
            'message': 'jina.DataRequestProto', 'flow': f'fixtures/flows/jina/{DOCARRAY}/query-grpc.yml',
            'note': 'indexer has 2 shards polled ALL: the head concatenates both shards\' top_k matches, unsorted',
            'summary': described})
        matches = described['docs'][0]['matches']
        findings['search'] = {'match_ids': [m['id'] for m in matches], 'match_count': len(matches),
                              'first_match': matches[0] if matches else None}

        count = parse_request(stream(channel, [request_bytes(client_request('/count', [new_doc(text='x')]))])['responses'][0][1])
        findings['count_results'] = json_format.MessageToDict(count.parameters)
        no_results_key = parse_request(stream(channel, [request_bytes(client_request('/count', [new_doc(text='x')],
                                                                                          parameters={'top_k': 1}))])['responses'][0][1])
        findings['count_results_when_parameters_given'] = json_format.MessageToDict(no_results_key.parameters)

        bare = jina_pb2.DataRequestProto()
        bare.data.docs.CopyFrom(parse_request(request_bytes(client_request('/x', [new_doc(id='bare-1', text='bare')]))).data.docs)
        bare_response = parse_request(stream(channel, [bare.SerializeToString()])['responses'][0][1])
        findings['bare_request_no_header'] = {'request_id': bare_response.header.request_id,
                                              'exec_endpoint': bare_response.header.exec_endpoint,
                                              'has_exec_endpoint': bare_response.header.HasField('exec_endpoint'),
                                              'routes': [r['executor'] for r in routes_of(bare_response)],
                                              'docs': len(describe(bare_response).get('docs') or [])}
        minimal = jina_pb2.DataRequestProto()
        minimal.header.request_id = 'minimal-doc'
        minimal.header.exec_endpoint = '/search'
        doc = minimal.data.docs.docs.add()
        if DOCARRAY == 'v2':  # only the keys a client has; no `type` markers, no empty fields
            doc.data['id'].text = 'minimal-1'
            doc.data['text'].text = 'hello 1'
            doc.data['tags'].dict.data['n'].integer = 7
        else:
            doc.id = 'minimal-1'
            doc.text = 'hello 1'
            doc.tags.update({'n': 7})
        result = stream(channel, [minimal.SerializeToString()])
        if result['responses']:
            answer = parse_request(result['responses'][0][1])
            findings['minimal_doc_request'] = {'grpc_code': result['grpc_code'], 'status': short_status(answer.header.status),
                                               'docs': describe(answer).get('docs')}
        else:
            findings['minimal_doc_request'] = result
        unknown = parse_request(stream(channel, [request_bytes(client_request('/no-such-endpoint', [new_doc(text='u')]))])['responses'][0][1])
        findings['unknown_endpoint_routes'] = routes_of(unknown)
        findings['unknown_endpoint_docs'] = describe(unknown).get('docs')
        targeted = parse_request(stream(channel, [request_bytes(client_request('/search', [new_doc(text='hello 1')],
                                                                               target_executor='indexer'))])['responses'][0][1])
        findings['target_executor_indexer_routes'] = routes_of(targeted)
        findings['target_executor_indexer_docs'] = describe(targeted).get('docs')
        findings['target_executor_response_header'] = json_format.MessageToDict(targeted.header, preserving_proto_field_name=True)

        single = unary(channel, '/jina.JinaSingleDataRequestRPC/process_single_data',
                       request_bytes(client_request('/search', [new_doc(text='hello 2')], request_id='unary-1')))
        findings['process_single_data'] = {'request_id': parse_request(single).header.request_id,
                                           'routes': [r['executor'] for r in routes_of(parse_request(single))]}

        # ordering: A sleeps 800 ms in `slow`, B does not; both on one stream
        slow_a = request_bytes(client_request('/search', [new_doc(text='a')], parameters={'sleep_ms': 800}, request_id='A-slow'))
        fast_b = request_bytes(client_request('/search', [new_doc(text='b')], parameters={'sleep_ms': 0}, request_id='B-fast'))
        for label, metadata in (('default', None), ('__results_in_order__', (('__results_in_order__', 'true'),))):
            result = stream(channel, [slow_a, fast_b], metadata=metadata)
            findings[f'stream_order_{label}'] = [(t, parse_request(r).header.request_id) for t, r in result['responses']]

        ids = [parse_request(r).header.request_id for _, r in stream(channel, [request_bytes(client_request('/count', [new_doc(text='i')]))])['responses']]
        findings['client_generated_request_id_example'] = ids[0]
    return findings


def executor_pid(log_path: str, name: str) -> int:
    with open(log_path, 'rb') as file:
        text = re.sub(rb'\x1b\[[0-9;]*m', b'', file.read()).decode('utf-8', 'replace')
    return int(re.search(rf'{re.escape(name)}@(\d+)', text).group(1))


def probe_failing_flow():
    findings = {}
    with start_flow('failing', 'grpc') as flow, grpc.insecure_channel(f'127.0.0.1:{flow.port}') as channel:
        payloads = [request_bytes(client_request('/index', [new_doc(id=f'f-{n}', text=f'f {n}')], request_id=f'fail-probe-{n}'))
                    for n in range(4)]
        result = stream(channel, payloads)
        findings['four_requests_on_one_stream'] = {'grpc_code': result['grpc_code'], 'responses': []}
        for _, response in result['responses']:
            proto = parse_request(response)
            findings['four_requests_on_one_stream']['responses'].append({
                'request_id': proto.header.request_id,
                'status': short_status(proto.header.status),
                'routes': routes_of(proto), 'docs': len(describe(proto).get('docs') or [])})
            if proto.header.status.code == 1:
                save_capture('grpc-error-response.bin', response, {
                    'message': 'jina.DataRequestProto', 'flow': f'fixtures/flows/jina/{DOCARRAY}/failing-grpc.yml',
                    'what': 'executor `failing` raised StressFailure; gRPC status of the stream stays OK',
                    'summary': describe(proto)})
        single = unary(channel, '/jina.JinaSingleDataRequestRPC/process_single_data',
                       request_bytes(client_request('/index', [new_doc(text='p')], parameters={'fail': True}, request_id='unary-fail')))
        findings['unary_executor_error'] = {'status_code': parse_request(single).header.status.code,
                                           'description': parse_request(single).header.status.description[:200]}

        pid = executor_pid(flow.log_path, 'failing/rep-0')
        os.kill(pid, signal.SIGKILL)
        time.sleep(1.0)
        started = time.monotonic()
        result = stream(channel, [request_bytes(client_request('/index', [new_doc(text='k')], request_id='after-kill'))])
        after = {'grpc_code': result['grpc_code'], 'grpc_details': result.get('grpc_details'),
                 'elapsed_s': round(time.monotonic() - started, 2)}
        if result['responses']:
            proto = parse_request(result['responses'][0][1])
            after['status'] = short_status(proto.header.status)
            after['routes'] = routes_of(proto)
            save_capture('grpc-executor-down-response.bin', result['responses'][0][1], {
                'message': 'jina.DataRequestProto', 'what': 'response after SIGKILL of the `failing` executor process',
                'summary': describe(proto)})
        findings['after_executor_killed'] = after
        started = time.monotonic()
        try:
            dry = unary(channel, '/jina.JinaGatewayDryRunRPC/dry_run', timeout=30)
            status = jina_pb2.StatusProto.FromString(dry)
            save_capture('grpc-dry-run-error.bin', dry, {'message': 'jina.StatusProto', 'what': 'dry_run after SIGKILL of an executor',
                                                         'status': json_format.MessageToDict(status, use_integers_for_enums=True)})
            findings['dry_run_after_kill'] = {'elapsed_s': round(time.monotonic() - started, 2),
                                              'status': short_status(status)}
        except grpc.RpcError as error:
            findings['dry_run_after_kill'] = {'grpc_code': error.code().name, 'details': error.details()}
    return findings


if __name__ == '__main__':
    report('grpc query flow', probe_query_flow())
    report('grpc failing flow', probe_failing_flow())
