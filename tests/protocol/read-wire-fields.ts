import protobuf from 'protobufjs';

/** One field record as it sits on the wire, read with protobufjs's Reader (no schema). */
export interface WireField {
  field: number;
  wireType: number;
  /** Varint as a number; fixed32/64 as raw bytes; length-delimited as the payload bytes. */
  value: number | Uint8Array;
}

/** Walks a message's top-level records in wire order. */
export function readWireFields(bytes: Uint8Array): WireField[] {
  const reader = protobuf.Reader.create(bytes);
  const fields: WireField[] = [];
  while (reader.pos < reader.len) {
    const tag = reader.uint32();
    const field = tag >>> 3;
    const wireType = tag & 7;
    switch (wireType) {
      case 0:
        fields.push({ field, wireType, value: Number(reader.uint64()) });
        break;
      case 1:
        fields.push({ field, wireType, value: bytes.slice(reader.pos, reader.pos + 8) });
        reader.skip(8);
        break;
      case 2:
        fields.push({ field, wireType, value: reader.bytes() });
        break;
      case 5:
        fields.push({ field, wireType, value: bytes.slice(reader.pos, reader.pos + 4) });
        reader.skip(4);
        break;
      default:
        throw new Error(`unexpected wire type ${wireType} at field ${field}`);
    }
  }
  return fields;
}

/** The payload of the only record with this field number (fails the caller if not exactly one). */
export function only(fields: WireField[], field: number): WireField {
  const matches = fields.filter((f) => f.field === field);
  if (matches.length !== 1) throw new Error(`expected one field ${field}, found ${matches.length}`);
  return matches[0] as WireField;
}

export function bytesOf(field: WireField): Uint8Array {
  if (!(field.value instanceof Uint8Array) || field.wireType !== 2) throw new Error(`field ${field.field} is not length-delimited`);
  return field.value;
}

export function textOf(field: WireField): string {
  return Buffer.from(bytesOf(field)).toString('utf8');
}

/** Decodes a map<string, V> entry record: key = field 1, value = field 2. */
export function mapEntries(fields: WireField[], field: number): Map<string, Uint8Array> {
  const entries = new Map<string, Uint8Array>();
  for (const entry of fields.filter((f) => f.field === field)) {
    const inner = readWireFields(bytesOf(entry));
    entries.set(textOf(only(inner, 1)), bytesOf(only(inner, 2)));
  }
  return entries;
}

export function float32Of(field: WireField): number {
  if (!(field.value instanceof Uint8Array) || field.wireType !== 5) throw new Error(`field ${field.field} is not fixed32`);
  return Buffer.from(field.value).readFloatLE(0);
}

export function float64Of(field: WireField): number {
  if (!(field.value instanceof Uint8Array) || field.wireType !== 1) throw new Error(`field ${field.field} is not fixed64`);
  return Buffer.from(field.value).readDoubleLE(0);
}
