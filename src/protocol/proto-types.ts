import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { DocarrayVersion } from './document.ts';

/**
 * The protobufjs reflection types of one jina.proto build. Two builds exist because
 * `DataContentProto.docs` is a DocumentArrayProto (docarray v1) or a DocListProto (v2).
 * Reflection (`loadSync` + `lookupType().encode`) was the fastest encoder measured here
 * (docs/ecosystem-notes.md), faster than proto-loader's path.
 */
export interface ProtoTypes {
  readonly root: protobuf.Root;
  readonly dataRequest: protobuf.Type;
  /** DataRequestProtoWoData: header, parameters, routes (decoding it skips the documents). */
  readonly dataRequestWithoutData: protobuf.Type;
  readonly dataRequestList: protobuf.Type;
  readonly singleDocumentRequest: protobuf.Type;
  readonly header: protobuf.Type;
  readonly route: protobuf.Type;
  readonly status: protobuf.Type;
  readonly jinaInfo: protobuf.Type;
  readonly endpoints: protobuf.Type;
  readonly empty: protobuf.Type;
  readonly struct: protobuf.Type;
  /** DocumentArrayProto (v1) or DocListProto (v2). */
  readonly documentList: protobuf.Type;
  /** DocumentProto (v1) or DocProto (v2). */
  readonly document: protobuf.Type;
}

const protoFiles = {
  v1: fileURLToPath(new URL('./proto/jina-v1.proto', import.meta.url)),
  v2: fileURLToPath(new URL('./proto/jina-v2.proto', import.meta.url)),
} satisfies Record<DocarrayVersion, string>;

const documentTypeNames = {
  v1: { list: 'docarray.DocumentArrayProto', document: 'docarray.DocumentProto' },
  v2: { list: 'docarray.DocListProto', document: 'docarray.DocProto' },
} satisfies Record<DocarrayVersion, { list: string; document: string }>;

const loaded = new Map<DocarrayVersion, ProtoTypes>();

/** Loads (once per process) and returns the types of the given docarray build. */
export function protoTypes(docarray: DocarrayVersion): ProtoTypes {
  const cached = loaded.get(docarray);
  if (cached) return cached;
  const root = protobuf.loadSync(protoFiles[docarray]);
  root.resolveAll();
  const names = documentTypeNames[docarray];
  const types: ProtoTypes = {
    root,
    dataRequest: root.lookupType('jina.DataRequestProto'),
    dataRequestWithoutData: root.lookupType('jina.DataRequestProtoWoData'),
    dataRequestList: root.lookupType('jina.DataRequestListProto'),
    singleDocumentRequest: root.lookupType('jina.SingleDocumentRequestProto'),
    header: root.lookupType('jina.HeaderProto'),
    route: root.lookupType('jina.RouteProto'),
    status: root.lookupType('jina.StatusProto'),
    jinaInfo: root.lookupType('jina.JinaInfoProto'),
    endpoints: root.lookupType('jina.EndpointsProto'),
    empty: root.lookupType('google.protobuf.Empty'),
    struct: root.lookupType('google.protobuf.Struct'),
    documentList: root.lookupType(names.list),
    document: root.lookupType(names.document),
  };
  loaded.set(docarray, types);
  return types;
}
