"""What the probe scripts share: which docarray major this venv runs, sample documents built with
the real docarray, requests built by jina's own client code, readable summaries of
DataRequestProto bytes, and writing captures to fixtures/jina-captures/<v1|v2>/.

Every probe runs from one venv and probes that venv's wire format, e.g.
    .jina-envs/v1/bin/python scripts/jina/probe_grpc.py
"""

import json
import os
import sys

import numpy as np
from google.protobuf import json_format
from jina._docarray import docarray_v2
from jina.clients.request import request_generator
from jina.proto import jina_pb2

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flow_process import FlowProcess  # noqa: E402  (re-exported for the probes)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
DOCARRAY = 'v2' if docarray_v2 else 'v1'
CAPTURES = os.path.join(ROOT, 'fixtures', 'jina-captures', DOCARRAY)

if docarray_v2:
    from docarray import DocList
    from jina._docarray import LegacyDocumentJina as _Doc
else:
    from docarray import Document as _Doc
    from docarray import DocumentArray


def flow_yaml(kind: str, protocol: str) -> str:
    return os.path.join(ROOT, 'fixtures', 'flows', 'jina', DOCARRAY, f'{kind}-{protocol}.yml')


def start_flow(kind: str, protocol: str, **kwargs) -> FlowProcess:
    return FlowProcess(flow_yaml(kind, protocol), **kwargs)


def sample_docs(count: int = 3, with_tensor: bool = True, prefix: str = 'doc'):
    """<prefix>-0..n-1 with text 'hello <i>' and tags {i, group}; plus <prefix>-tensor carrying only a
    2x3 float32 tensor (docarray v1 keeps text/tensor/blob in one proto oneof: a doc with both
    would lose its text on the wire)."""
    docs = [_Doc(id=f'{prefix}-{i}', text=f'hello {i}', tags={'i': i, 'group': 'even' if i % 2 == 0 else 'odd'})
            for i in range(count)]
    if with_tensor:
        docs.append(_Doc(id=f'{prefix}-tensor', tensor=np.arange(6, dtype=np.float32).reshape(2, 3), tags={'kind': 'tensor'}))
    return DocList[_Doc](docs) if docarray_v2 else DocumentArray(docs)


def new_doc(**fields):
    return _Doc(**fields)


def client_request(endpoint: str, docs, parameters=None, request_id=None, target_executor=None):
    """The DataRequest jina's Client would send (same builder, same __results__ rule)."""
    from jina.clients.mixin import _include_results_field_in_param

    parameters = _include_results_field_in_param(dict(parameters) if parameters else None)
    request = next(iter(request_generator(exec_endpoint=endpoint, data=docs, request_size=len(docs) or 1,
                                          parameters=parameters, target_executor=target_executor)))
    if request_id is not None:
        request.header.request_id = request_id
    return request


def request_bytes(request) -> bytes:
    from jina.proto.serializer import DataRequestProto

    return DataRequestProto.SerializeToString(request)


def parse_request(data: bytes):
    proto = jina_pb2.DataRequestProto()
    proto.ParseFromString(data)
    return proto


def _node_value(node):
    """docarray v2 NodeProto -> plain Python (ndarrays summarised)."""
    kind = node.WhichOneof('content')
    if kind is None:
        return None
    value = getattr(node, kind)
    if kind in ('text', 'integer', 'float', 'boolean'):
        return value
    if kind == 'blob':
        return {'blob_bytes': len(value)}
    if kind == 'ndarray':
        return _ndarray_summary(value)
    if kind == 'doc':
        return _doc_v2(value)
    if kind == 'doc_array':
        return [_doc_v2(doc) for doc in value.docs]
    if kind in ('list', 'set', 'tuple'):
        return [_node_value(item) for item in value.data]
    if kind == 'dict':
        return {key: _node_value(item) for key, item in value.data.items()}
    return f'<{kind}>'


def _ndarray_summary(nd):
    dense = nd.dense
    out = {'dtype': dense.dtype, 'shape': list(dense.shape), 'buffer_bytes': len(dense.buffer)}
    if hasattr(nd, 'cls_name') and nd.cls_name:
        out['cls_name'] = nd.cls_name
    if dense.buffer and dense.dtype:
        out['head'] = [round(float(x), 6) for x in np.frombuffer(dense.buffer, dtype=dense.dtype)[:4]]
    return out


def _doc_v2(doc):
    out = {}
    for key, node in sorted(doc.data.items()):
        out[key] = _node_value(node)
        if node.type:
            out.setdefault('_types', {})[key] = node.type
    return out


def _doc_v1(doc):
    out = json_format.MessageToDict(doc, preserving_proto_field_name=True)
    for key in ('tensor', 'embedding'):
        if doc.HasField(key):
            out[key] = _ndarray_summary(getattr(doc, key))
    if doc.matches:
        out['matches'] = [_doc_v1(match) for match in doc.matches]
    return out


def describe(proto) -> dict:
    """Readable summary of a DataRequestProto: header, parameters, routes, docs."""
    out = json_format.MessageToDict(proto, preserving_proto_field_name=True, use_integers_for_enums=True)
    out.pop('data', None)
    which = proto.data.WhichOneof('documents')
    if which == 'docs':
        docs = proto.data.docs.docs
        out['docs'] = [_doc_v2(doc) if docarray_v2 else _doc_v1(doc) for doc in docs]
    elif which:
        out['docs'] = f'<{which}: {len(proto.data.docs_bytes)} bytes>'
    out['data_oneof'] = which
    return out


def save_capture(name: str, data: bytes | str, meta: dict) -> str:
    """Writes <name> (binary or text) and a sidecar describing it: x.bin -> x.json, x.json -> x.meta.json."""
    os.makedirs(CAPTURES, exist_ok=True)
    path = os.path.join(CAPTURES, name)
    with open(path, 'wb' if isinstance(data, bytes) else 'w') as file:
        file.write(data)
    meta = dict(meta, docarray=DOCARRAY, jina='3.34.0', file=name,
                bytes=len(data) if isinstance(data, bytes) else len(data.encode('utf-8')))
    base, extension = os.path.splitext(path)
    with open(base + ('.meta.json' if extension == '.json' else '.json'), 'w') as file:
        json.dump(meta, file, indent=2, default=str)
        file.write('\n')
    return path


def report(section: str, findings: dict):
    print(json.dumps({'docarray': DOCARRAY, 'section': section, **findings}, indent=2, default=str), flush=True)
