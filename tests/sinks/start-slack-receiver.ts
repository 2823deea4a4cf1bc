import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SlackMessage } from '../../src/sinks/slack-message.ts';

export interface SlackPost {
  path: string;
  body: SlackMessage;
}

export interface SlackReceiver {
  /** The webhook URL to give the run (loopback, with `webhookPath`). */
  url: string;
  posts: SlackPost[];
  close(): Promise<void>;
}

/** A stand-in for hooks.slack.com on loopback: records each post, answers `ok`. */
export async function startSlackReceiver(webhookPath: string): Promise<SlackReceiver> {
  const posts: SlackPost[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      posts.push({ path: request.url ?? '', body: JSON.parse(text) as SlackMessage });
      response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}${webhookPath}`, posts, close: () => new Promise((done) => server.close(() => done())) };
}
