import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { skipOrFail } from '../support/skip-or-fail.ts';
import { startTestAgent, workspaceRootEntries, type TestAgent } from './test-agent.ts';

const CHROMIUM = process.env.JINA_STRESS_CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_MISSING = `${CHROMIUM} not found: the browser checks need Debian's chromium (apt-get install -y chromium)`;
// rebind.test resolves to 127.0.0.1, as an attacker's name does after a DNS rebinding.
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run', '--host-resolver-rules=MAP rebind.test 127.0.0.1'];

/** What a hostile page does: a blind multipart form post with a file, and a no-cors fetch of one. */
function attackPage(target: string): string {
  return `<!doctype html><body><iframe name="sink"></iframe>
<form id="f" method="post" enctype="multipart/form-data" action="${target}/workspaces" target="sink">
  <input type="file" name="files"><input name="workspace_id" value="pwned-by-form">
</form>
<script>
  const file = new DataTransfer();
  file.items.add(new File(['x'], 'pwned.yml'));
  document.querySelector('input[type=file]').files = file.files;
  document.getElementById('f').submit();
  const form = new FormData();
  form.append('files', new Blob(['x']), 'pwned.yml');
  form.append('workspace_id', 'pwned-by-fetch');
  fetch('${target}/workspaces', { method: 'POST', mode: 'no-cors', body: form }).finally(() => { document.title = 'sent'; });
</script></body>`;
}

interface Recorder {
  origin: string;
  requests: Array<{ method: string; path: string; contentType: string }>;
  close(): Promise<void>;
}

/** A loopback server that records what reaches it: the control that the browser really sends such posts. */
async function startServer(handle: (request: IncomingMessage) => string | undefined): Promise<Recorder> {
  const requests: Recorder['requests'] = [];
  const server: Server = createServer((request, response) => {
    requests.push({ method: request.method ?? '', path: request.url ?? '', contentType: request.headers['content-type'] ?? '' });
    request.resume();
    request.on('end', () => {
      const page = handle(request);
      response.setHeader('content-type', page ? 'text/html' : 'text/plain');
      response.end(page ?? 'ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

let browser: Browser | undefined;
let server: TestAgent;
beforeAll(async () => {
  server = await startTestAgent({ runtime: undefined });
  if (existsSync(CHROMIUM)) browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await server.agent.close();
});

async function runPage(pageServer: Recorder): Promise<void> {
  const page = await (browser as Browser).newPage();
  try {
    // localhost: another origin than the 127.0.0.1 the posts go to, as an attacker's site is.
    await page.goto(pageServer.origin.replace('127.0.0.1', 'localhost'));
    // A string: the function runs in the page, where `document` exists (tsc has no DOM types here).
    await page.waitForFunction("document.title === 'sent'", undefined, { timeout: 10_000 });
    // The form's answer loads into the frame; wait until it did (or gave up).
    await page.waitForLoadState('load');
    await new Promise((resolve) => setTimeout(resolve, 300));
  } finally {
    await page.close();
  }
}

test('a page on another origin posting forms (with a file) to the agent creates nothing', async (context) => {
  if (!browser) return skipOrFail(context, CHROMIUM_MISSING);
  // Control: the same page aimed at a plain loopback server, to show the browser sends both posts.
  const control = await startServer(() => undefined);
  const controlPage = await startServer((request) => (request.url === '/' ? attackPage(control.origin) : undefined));
  const agentPage = await startServer((request) => (request.url === '/' ? attackPage(server.address.url) : undefined));
  try {
    await runPage(controlPage);
    const posts = control.requests.filter((request) => request.method === 'POST' && request.path === '/workspaces');
    expect(posts).toHaveLength(2);
    expect(posts.every((post) => post.contentType.startsWith('multipart/form-data'))).toBe(true);

    await runPage(agentPage);
    expect(workspaceRootEntries(server.agent)).toEqual([]);
    expect((await server.call('GET', '/workspaces')).body.size).toBe(0);
  } finally {
    await Promise.all([control.close(), controlPage.close(), agentPage.close()]);
  }
}, 60_000);

test('DNS rebinding: a page whose name now points at 127.0.0.1 cannot use the agent, even same-origin with the header', async (context) => {
  if (!browser) return skipOrFail(context, CHROMIUM_MISSING);
  const page = await browser.newPage();
  try {
    const landing = await page.goto(`http://rebind.test:${server.address.port}/status`);
    expect(landing?.status()).toBe(403);
    const answers = await page.evaluate(async () => {
      const form = new FormData();
      form.append('files', new Blob(['x']), 'pwned.yml');
      form.append('workspace_id', 'pwned-by-rebinding');
      const post = await fetch('/workspaces', { method: 'POST', headers: { 'X-Jina-Stress': '1' }, body: form });
      const read = await fetch('/status');
      return { post: post.status, read: read.status, detail: ((await post.json()) as { detail: string }).detail };
    });
    expect(answers).toEqual({ post: 403, read: 403, detail: expect.stringContaining('is not a name of this agent') });
    expect(workspaceRootEntries(server.agent)).toEqual([]);
  } finally {
    await page.close();
  }
}, 60_000);
