import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestHosts, HOST_PREFIX, netnsUnavailableReason, sweepStaleHosts, type TestHost, type TestHosts } from './netns-hosts.ts';
import { skipOrFail } from './skip-or-fail.ts';

// A TCP echo listener started inside a host (ping is not installed: reachability is TCP).
const listenerSource = `
const server = require('node:net').createServer((socket) => socket.pipe(socket));
server.listen(Number(process.argv[2]), process.argv[1], () => console.log('listening'));`;

async function startListener(host: TestHost, port: number): Promise<ChildProcess> {
  const child = host.spawn(process.execPath, ['-e', listenerSource, host.address, String(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const [chunk] = (await once(child.stdout!, 'data')) as [Buffer];
  expect(chunk.toString()).toContain('listening');
  return child;
}

/** Sends a line from this (root) process; resolves with what came back, or the error code. */
async function echoFromRoot(address: string, port: number, timeoutMs = 1_500): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port, timeout: timeoutMs });
    socket.once('connect', () => socket.write('hello\n'));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString());
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve('TIMEOUT');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'ERROR'));
  });
}

const clientSource = `
const socket = require('node:net').connect({ host: process.argv[1], port: Number(process.argv[2]) });
socket.on('connect', () => socket.write('from-host\\n'));
socket.on('data', (data) => { process.stdout.write(data); socket.destroy(); });
socket.on('error', (error) => { process.stdout.write('ERR ' + error.code); });`;

function echoFromHost(host: TestHost, address: string, port: number): string {
  return execFileSync('ip', ['netns', 'exec', host.namespace, process.execPath, '-e', clientSource, address, String(port)], {
    encoding: 'utf8',
    timeout: 10_000,
  });
}

const unavailable = netnsUnavailableReason();

describe('network-namespace test hosts', () => {
  let hosts: TestHosts | undefined;
  afterEach(() => {
    hosts?.close();
    hosts = undefined;
  });

  it('reach each other and the root, a cut link isolates one, close removes every namespace and link', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    hosts = createTestHosts(2);
    const [a, b] = hosts.hosts as [TestHost, TestHost];
    const listNamespaces = (): string => execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
    expect(listNamespaces()).toContain(a.namespace);
    expect(a.address).not.toBe(b.address);

    const listener = await startListener(b, 7801);
    expect(b.pids()).toContain(listener.pid);
    expect(await echoFromRoot(b.address, 7801)).toBe('hello\n');
    expect(echoFromHost(a, b.address, 7801)).toBe('from-host\n');
    // Nothing listens on b's address in the root namespace: the answer came from inside b.
    expect(await echoFromRoot('127.0.0.1', 7801)).toBe('ECONNREFUSED');

    b.cut();
    expect(await echoFromRoot(b.address, 7801, 800)).toMatch(/TIMEOUT|EHOSTUNREACH/);
    b.restore();
    // The bridge port needs a moment to forward again after the link comes up.
    let answer = '';
    for (let attempt = 0; attempt < 20 && answer !== 'hello\n'; attempt++) answer = await echoFromRoot(b.address, 7801, 1_000);
    expect(answer).toBe('hello\n');

    const exited = once(listener, 'exit');
    const { bridge } = hosts;
    hosts.close();
    hosts = undefined;
    await exited;
    const left = listNamespaces();
    expect(left).not.toContain(a.namespace);
    expect(left).not.toContain(b.namespace);
    const links = execFileSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' });
    expect(links).not.toContain(bridge);
    expect(links).not.toContain(a.rootLink);
    expect(links).not.toContain(b.rootLink);
  });

  it('the sweep removes namespaces of dead processes and keeps those of live ones', async (context) => {
    if (unavailable) return skipOrFail(context, unavailable);
    const dead = spawn(process.execPath, ['-e', '']);
    await once(dead, 'exit');
    const stale = `${HOST_PREFIX}-${dead.pid}-h1`;
    const live = `${HOST_PREFIX}-${process.pid}-h9`;
    execFileSync('ip', ['netns', 'add', stale]);
    execFileSync('ip', ['netns', 'add', live]);
    try {
      const removed = sweepStaleHosts();
      expect(removed).toContain(stale);
      const left = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
      expect(left).not.toContain(stale);
      expect(left).toContain(live);
    } finally {
      execFileSync('ip', ['netns', 'del', live]);
      try {
        execFileSync('ip', ['netns', 'del', stale], { stdio: 'ignore' });
      } catch {
        // removed by the sweep
      }
    }
  });
});
