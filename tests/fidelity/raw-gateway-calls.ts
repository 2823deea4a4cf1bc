import * as grpc from '@grpc/grpc-js';
import WebSocket from 'ws';
import { decodeEndpoints, emptyMessageBytes } from '../../src/protocol/codec.ts';
import { jinaGrpcMethods } from '../../src/protocol/grpc-methods.ts';

/** Calls below the clients, to compare what each gateway puts on the wire. */

export interface RawHttpAnswer {
  status: number;
  contentType: string;
  text: string;
  json: unknown;
}

export async function rawHttp(port: number, method: string, path: string, body?: unknown): Promise<RawHttpAnswer> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, contentType, text, json };
}

/**
 * The structure of a JSON value: keys in order, value types, the first element of lists;
 * `null` kept. Two bodies with the same shape differ only in values.
 */
export function jsonShape(value: unknown): unknown {
  if (value === null) return null;
  if (Array.isArray(value)) return value.length === 0 ? [] : [jsonShape(value[0])];
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value as object).map(([key, inner]) => [key, jsonShape(inner)]));
  return typeof value;
}

export interface WebSocketExchange {
  /** What the handshake answer carried in Sec-WebSocket-Protocol (undefined: nothing). */
  echoedProtocol: string | undefined;
  frames: Array<{ isBinary: boolean; text: string }>;
  closeCode: number;
}

/** Opens `ws://…<path>`, sends the frames, and collects answers until the socket closes or `waitMs` passes. */
export function rawWebSocket(port: number, path: string, frames: Array<string | Uint8Array>, headers: Record<string, string>, waitMs: number): Promise<WebSocketExchange> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers, perMessageDeflate: false });
    const exchange: WebSocketExchange = { echoedProtocol: undefined, frames: [], closeCode: 0 };
    socket.once('upgrade', (response) => {
      const echoed = response.headers['sec-websocket-protocol'];
      exchange.echoedProtocol = Array.isArray(echoed) ? echoed.join(',') : echoed;
    });
    socket.on('message', (data: Buffer, isBinary: boolean) => exchange.frames.push({ isBinary, text: isBinary ? data.toString('hex') : data.toString('utf8') }));
    socket.once('open', () => frames.forEach((frame) => socket.send(frame, { binary: typeof frame !== 'string' })));
    socket.once('close', (code) => {
      clearTimeout(timer);
      exchange.closeCode = code;
      resolve(exchange);
    });
    socket.once('error', reject);
    const timer = setTimeout(() => socket.terminate(), waitMs);
  });
}

/** `ws` given `protocols: ['bytes']`: the handshake outcome (Jina never echoes one). */
export function wsWithProtocolsOption(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}/`, ['bytes']);
    socket.once('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.once('error', (error) => resolve(error.message));
  });
}

export type EndpointDiscovery = { status: 'ok'; endpoints: string[] } | { status: 'failed'; code: string; details: string };

export function grpcEndpointDiscovery(port: number): Promise<EndpointDiscovery> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      jinaGrpcMethods.endpointDiscovery,
      (bytes: Uint8Array) => Buffer.from(bytes),
      (buffer: Buffer) => buffer,
      emptyMessageBytes,
      { deadline: Date.now() + 10_000 },
      (error, buffer) => {
        client.close();
        if (error) resolve({ status: 'failed', code: grpc.status[error.code] ?? String(error.code), details: error.details });
        else resolve({ status: 'ok', endpoints: decodeEndpoints(buffer!).endpoints.sort() });
      },
    );
  });
}

export function grpcDryRunBytes(port: number): Promise<number> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(jinaGrpcMethods.dryRun, (bytes: Uint8Array) => Buffer.from(bytes), (buffer: Buffer) => buffer, emptyMessageBytes, (error, buffer) => {
      client.close();
      if (error) reject(error);
      else resolve(buffer!.byteLength);
    });
  });
}

/** `process_single_data` with the given DataRequestProto bytes; the raw answer. */
export function grpcProcessSingleData(port: number, bytes: Uint8Array): Promise<Buffer> {
  const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(jinaGrpcMethods.processSingleData, (b: Uint8Array) => Buffer.from(b), (buffer: Buffer) => buffer, bytes, (error, buffer) => {
      client.close();
      if (error) reject(error);
      else resolve(buffer!);
    });
  });
}
