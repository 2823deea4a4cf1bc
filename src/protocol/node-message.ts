import type { DenseMessage } from './tensor-message.ts';

/** docarray v2 NodeProto / DocProto as encode-ready objects (protobufjs camelCase members). */
export interface NodeMessage {
  text?: string;
  integer?: number;
  float?: number;
  boolean?: boolean;
  blob?: Uint8Array;
  ndarray?: { dense: DenseMessage };
  doc?: DocMessageV2;
  docArray?: { docs: DocMessageV2[] };
  list?: { data: NodeMessage[] };
  dict?: { data: Record<string, NodeMessage> };
  type?: string;
}

export interface DocMessageV2 {
  data: Record<string, NodeMessage>;
}
