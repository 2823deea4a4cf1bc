// Types for the parts of hpack.js 2.1.6 (no types of its own) that h2-header-block.ts uses:
// its bit-level decoder (integers, strings, Huffman) and its header table (static + dynamic).
declare module 'hpack.js' {
  interface Decoder {
    push(chunk: Buffer): void;
    isEmpty(): boolean;
    decodeBit(): number;
    decodeInt(): number;
    /** Raw octets (a Buffer) or, Huffman-coded, the decoded octets. */
    decodeStr(): Buffer | number[];
  }
  interface TableEntry {
    name: string;
    value: string;
    nameSize: number;
  }
  interface Table {
    lookup(index: number): TableEntry;
    add(name: string, value: string, nameSize: number, valueSize: number): void;
    updateSize(size: number): void;
    size: number;
    dynamic: TableEntry[];
  }
  const hpack: {
    decoder: { create(): Decoder };
    table: { create(options: { maxSize: number }): Table };
    utils: { stringify(octets: ArrayLike<number>): string };
  };
  export default hpack;
}
