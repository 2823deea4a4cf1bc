import type { DecodedNdArray } from './tensor-message.ts';

/** A decoded NodeProto: `content` names the set member of the oneof. */
export interface DecodedNode {
  content?: string;
  text?: string;
  integer?: number;
  float?: number;
  boolean?: boolean;
  blob?: Uint8Array;
  ndarray?: DecodedNdArray;
  doc?: DecodedDocV2;
  docArray?: { docs?: DecodedDocV2[] };
  list?: { data?: DecodedNode[] };
  set?: { data?: DecodedNode[] };
  tuple?: { data?: DecodedNode[] };
  dict?: { data?: Record<string, DecodedNode> };
  type?: string;
}

export interface DecodedDocV2 {
  data?: Record<string, DecodedNode>;
}
