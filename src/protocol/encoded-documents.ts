import type { RequestHeader, Route } from './data-request.ts';
import type { DocarrayVersion, JinaDocument } from './document.ts';
import { documentMappings } from './document-message.ts';
import { headerToMessage, routeToMessage } from './header-message.ts';
import type { JsonObject } from './json-value.ts';
import { protoTypes } from './proto-types.ts';
import { jsonToStruct } from './struct.ts';

/**
 * The fast path for load generation: encode each document once, then build many requests
 * from the stored bytes. It works because protobuf repeated message fields are plain
 * concatenations of `tag, length, bytes` records, so
 *   DataRequestProto.data (4) → DataContentProto.docs (1) → DocumentArrayProto/DocListProto.docs (1)
 * can be written around pre-encoded DocumentProto/DocProto bytes. The output is identical,
 * byte for byte, to `encodeDataRequest` (tests/protocol prove it).
 */
export function encodeDocuments(docs: readonly JinaDocument[], docarray: DocarrayVersion): Uint8Array[] {
  const { toMessage } = documentMappings[docarray];
  const type = protoTypes(docarray).document;
  return docs.map((doc, i) => type.encode(toMessage(doc, `docs[${i}]`)).finish());
}

// Tags of length-delimited fields: (field number << 3) | wire type 2.
const dataRequestDataTag = (4 << 3) | 2;
const dataContentDocsTag = (1 << 3) | 2;
const documentListDocsTag = (1 << 3) | 2;

export function encodeDataRequestWithEncodedDocs(
  header: RequestHeader,
  parameters: JsonObject,
  encodedDocs: readonly Uint8Array[],
  docarray: DocarrayVersion,
  routes: readonly Route[] = [],
): Uint8Array {
  // Fields 1-3 through reflection; protobufjs writes fields in number order, so field 4
  // appended afterwards lands exactly where the reflective encoder would put it.
  const writer = protoTypes(docarray).dataRequest.encode({
    header: headerToMessage(header),
    parameters: jsonToStruct(parameters, 'parameters'),
    routes: routes.map(routeToMessage),
  });
  writer.uint32(dataRequestDataTag).fork();
  writer.uint32(dataContentDocsTag).fork();
  for (const doc of encodedDocs) writer.uint32(documentListDocsTag).bytes(doc);
  writer.ldelim();
  writer.ldelim();
  return writer.finish();
}
