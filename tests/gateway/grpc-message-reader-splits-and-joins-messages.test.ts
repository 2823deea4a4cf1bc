import { expect, test } from 'vitest';
import { GrpcMessageReader } from '../../src/gateway/grpc-message-reader.ts';

/** gRPC's length-prefixed framing: flag 0, big-endian uint32 length, the bytes. */
function framed(body: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

function read(chunks: Buffer[]): string[] {
  const messages: string[] = [];
  const reader = new GrpcMessageReader((message) => messages.push(message.toString('utf8')));
  for (const chunk of chunks) reader.push(chunk);
  expect(reader.isMidMessage).toBe(false);
  return messages;
}

test('several messages in one chunk come out one by one, an empty one included', () => {
  const wire = Buffer.concat([framed(Buffer.from('first')), framed(Buffer.alloc(0)), framed(Buffer.from('third'))]);
  expect(read([wire])).toEqual(['first', '', 'third']);
});

test('a message split anywhere — inside the prefix or the body — is joined whole', () => {
  const big = Buffer.from('x'.repeat(40_000) + 'end');
  const wire = Buffer.concat([framed(Buffer.from('a')), framed(big), framed(Buffer.from('b'))]);
  for (const cuts of [[3], [6, 7, 8], [2, 9, 16_384, 32_768], [wire.length - 2]]) {
    const chunks: Buffer[] = [];
    let from = 0;
    for (const cut of cuts) {
      chunks.push(wire.subarray(from, cut));
      from = cut;
    }
    chunks.push(wire.subarray(from));
    expect(read(chunks)).toEqual(['a', big.toString('utf8'), 'b']);
  }
});

test('a stream cut inside a message is noticed; a compressed message is refused', () => {
  const reader = new GrpcMessageReader(() => undefined);
  reader.push(framed(Buffer.from('complete')).subarray(0, 8));
  expect(reader.isMidMessage).toBe(true);
  const compressed = framed(Buffer.from('zz'));
  compressed[0] = 1;
  expect(() => new GrpcMessageReader(() => undefined).push(compressed)).toThrow('received a compressed gRPC message, but no compression was offered');
});
