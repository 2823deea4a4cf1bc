import hpack from 'hpack.js';

/** Header fields as received: lower-case names; a repeated field's values joined with ", ". */
export type HeaderFields = Record<string, string>;

/** The HPACK dynamic table size we leave at its default (we announce no SETTINGS_HEADER_TABLE_SIZE). */
const headerTableSize = 4096;

/**
 * A request's header block (HPACK, RFC 7541), encoded once per connection and sent as is on
 * every call: each field a literal without indexing and with a literal name (§6.2.2), so the
 * block never touches either side's dynamic table and the same bytes stay valid for every
 * stream. A few bytes more than indexed names; no per-call encoding at all.
 */
export function encodeHeaderBlock(fields: ReadonlyArray<readonly [string, string]>): Buffer {
  const parts: number[] = [];
  const string = (text: string): void => {
    const bytes = Buffer.from(text, 'latin1');
    integer(parts, 7, 0, bytes.length);
    for (const byte of bytes) parts.push(byte);
  };
  for (const [name, value] of fields) {
    parts.push(0x00);
    string(name);
    string(value);
  }
  return Buffer.from(parts);
}

/** An HPACK integer with an N-bit prefix (§5.1); `high` holds the bits above the prefix. */
function integer(parts: number[], prefixBits: number, high: number, value: number): void {
  const max = (1 << prefixBits) - 1;
  if (value < max) {
    parts.push(high | value);
    return;
  }
  parts.push(high | max);
  value -= max;
  while (value >= 0x80) {
    parts.push((value & 0x7f) | 0x80);
    value >>>= 7;
  }
  parts.push(value);
}

/**
 * Decodes the header blocks of one connection's answers (HEADERS + CONTINUATION, joined) with
 * hpack.js's decoder — integers, strings, Huffman — and its header table, static and dynamic,
 * with dynamic table size updates. The connection's blocks must be decoded in the order they
 * arrived, each exactly once: the dynamic table is shared by all of its streams. hpack.js's
 * own `Decompressor` wraps the same parts in a Duplex stream per connection; this loop is
 * its `_execute` without the stream (one object per header field, events on the next tick).
 * Any error is a COMPRESSION_ERROR: the connection cannot go on (RFC 9113 §4.3).
 */
export class HeaderBlockDecoder {
  private readonly decoder = hpack.decoder.create();
  private readonly table = hpack.table.create({ maxSize: headerTableSize });

  decode(block: Buffer): HeaderFields {
    const fields: HeaderFields = {};
    const { decoder, table } = this;
    decoder.push(block);
    while (!decoder.isEmpty()) {
      // §6.1 indexed field: 1xxxxxxx
      if (decoder.decodeBit()) {
        const entry = table.lookup(decoder.decodeInt());
        add(fields, entry.name, entry.value);
        continue;
      }
      // §6.2.1 with incremental indexing: 01xxxxxx; §6.3 table size update: 001xxxxx;
      // §6.2.2 / §6.2.3 without / never indexed: 0000xxxx / 0001xxxx
      const isIncremental = decoder.decodeBit() === 1;
      if (!isIncremental) {
        if (decoder.decodeBit()) {
          table.updateSize(decoder.decodeInt());
          continue;
        }
        decoder.decodeBit();
      }
      const index = decoder.decodeInt();
      let name: string;
      let nameSize: number;
      if (index === 0) {
        const octets = decoder.decodeStr();
        name = hpack.utils.stringify(octets);
        nameSize = octets.length;
      } else {
        const entry = table.lookup(index);
        name = entry.name;
        nameSize = entry.nameSize;
      }
      const valueOctets = decoder.decodeStr();
      const value = hpack.utils.stringify(valueOctets);
      if (isIncremental) table.add(name, value, nameSize, valueOctets.length);
      add(fields, name, value);
    }
    return fields;
  }
}

function add(fields: HeaderFields, name: string, value: string): void {
  const previous = fields[name];
  fields[name] = previous === undefined ? value : `${previous}, ${value}`;
}
