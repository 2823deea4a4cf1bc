// What the gateway client spends per request outside grpc-js, and what two changes there
// would save (evidence for src/gateway, which this bench does not change): building the
// request from a template (header written by hand, parameters Struct encoded once) instead of
// reflection, and decoding a response without its documents when no check needs them
// (DataRequestProtoWoData: fields 1-3 only, field 4 skipped). CPU µs per call.
// Usage: npx tsx bench/load/client-costs.ts
import protobuf from 'protobufjs';
import { encodePostRequest, newRequestId } from '../../src/gateway/post-request-encoding';
import { decodeDataRequest, encodeDocuments } from '../../src/protocol/codec';
import { protoTypes } from '../../src/protocol/proto-types';
import { headerFromMessage, routeFromMessage } from '../../src/protocol/header-message';
import { structToJson, jsonToStruct } from '../../src/protocol/struct';
import { loadFactories } from './bench-load-factories';
const input = await loadFactories.createInput({ method: 'b', kwargs: { num_docs: 1000 } }, { baseDir: '', helpersDir: '', clientIndex: 0 });
const types = protoTypes('v1');
const woData = types.root.lookupType('jina.DataRequestProtoWoData');
for (const size of [1, 100]) {
  const docs = input.take(size);
  const enc = encodeDocuments(docs, 'v1');
  const bytes = encodePostRequest({ endpoint: '/index', docs, encodedDocs: enc, parameters: {} }, newRequestId(), 'v1');
  const bench = (name: string, fn: () => unknown, n = 200_000 / Math.sqrt(size)): void => {
    for (let i = 0; i < n / 5; i++) fn();
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) fn();
    const c = process.cpuUsage(cpu);
    console.log(size, name.padEnd(40), ((c.user + c.system) / n).toFixed(2), 'µs');
  };
  bench('encodePostRequest (pre-encoded docs)', () => encodePostRequest({ endpoint: '/index', docs, encodedDocs: enc, parameters: {} }, 'abcdefabcdefabcdefabcdefabcdef12', 'v1'));
  const paramsBytes = types.struct.encode(jsonToStruct({ __results__: {} }, 'p')).finish();
  bench('template encode (manual header, cached params)', () => {
    // DataRequestProto: 1 header {1 request_id, 3 exec_endpoint}, 2 parameters, 4 data {1 docs {1 doc…}}.
    const writer = protobuf.Writer.create();
    writer.uint32(10).fork().uint32(10).string('abcdefabcdefabcdefabcdefabcdef12').uint32(26).string('/index').ldelim();
    writer.uint32(18).bytes(paramsBytes);
    writer.uint32(34).fork().uint32(10).fork();
    for (const doc of enc) writer.uint32(10).bytes(doc);
    writer.ldelim().ldelim();
    return writer.finish();
  });
  bench('decodeDataRequest (full)', () => decodeDataRequest(bytes, 'v1'));
  bench('decode without docs (WoData type)', () => {
    const message = woData.decode(bytes) as unknown as { header: Parameters<typeof headerFromMessage>[0]; parameters: Parameters<typeof structToJson>[0]; routes?: Array<Parameters<typeof routeFromMessage>[0]> };
    return { header: headerFromMessage(message.header), parameters: structToJson(message.parameters), routes: (message.routes ?? []).map(routeFromMessage), docs: [] };
  });
  bench('newRequestId', () => newRequestId());
}
