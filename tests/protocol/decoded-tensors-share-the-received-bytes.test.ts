import { describe, expect, it } from 'vitest';
import { decodeDataRequest, encodeDataRequest } from '../../src/protocol/codec.ts';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import { createTensor } from '../../src/protocol/tensor.ts';

/**
 * A check that reads ids, tags or matches (validate_images) gets documents whose tensors were
 * not copied or converted: each tensor's bytes are a view of the received message, so a
 * 150 KB image costs nothing until something reads its values. Without a check the documents
 * are not decoded at all (skipDocs).
 */
const image = new Uint8Array(150 * 1024).map((_, i) => i % 251);
const request: DataRequest = {
  header: { requestId: 'r1' },
  parameters: {},
  routes: [],
  docs: [{ id: 'img', tensor: createTensor(image, { shape: [image.length] }), embedding: createTensor(new Float32Array([1, 2])), tags: { filename: 'a.png' } }],
};

describe.each(['v1', 'v2'] as const)('docarray %s response tensors', (docarray) => {
  it('are views into the received bytes, not copies', () => {
    const received = Buffer.from(encodeDataRequest(request, docarray));
    const [doc] = decodeDataRequest(received, docarray).docs;
    const tensor = doc!.tensor!;
    expect(tensor.buffer.byteLength).toBe(image.length);
    expect(tensor.buffer.buffer).toBe(received.buffer);
    expect(Buffer.from(tensor.buffer.buffer, tensor.buffer.byteOffset, tensor.buffer.byteLength).equals(Buffer.from(image))).toBe(true);
  });

  it('are not decoded at all with skipDocs', () => {
    const received = Buffer.from(encodeDataRequest(request, docarray));
    expect(decodeDataRequest(received, docarray, { skipDocs: true })).toMatchObject({ header: { requestId: 'r1' }, docs: [] });
  });
});
