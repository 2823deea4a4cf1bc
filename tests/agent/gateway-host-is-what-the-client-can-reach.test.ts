import { request } from 'node:http';
import { afterEach, expect, test } from 'vitest';
import { freePort } from './free-port.ts';
import { flowYaml, startTestAgent, type TestAgent } from './test-agent.ts';

// Listening beyond loopback needs a token, and with one any Host name is answered.
const token = 'gateway-host-token-3c7e';
let server: TestAgent | undefined;
afterEach(async () => {
  await server?.agent.close();
});

// node:http rather than fetch, which does not let a caller choose the Host header.
function getJson(port: number, path: string, host: string | undefined): Promise<any> {
  return new Promise((resolve, reject) => {
    const headers = { authorization: `Bearer ${token}`, ...(host === undefined ? {} : { host }) };
    request({ host: '127.0.0.1', port, path, headers }, (response) => {
      let text = '';
      response.on('data', (chunk) => (text += chunk));
      response.on('end', () => resolve(JSON.parse(text)));
    })
      .on('error', reject)
      .end();
  });
}

async function gatewayHost(target: TestAgent, host?: string): Promise<string> {
  const port = await freePort();
  const flowId = (await target.call('POST', '/flows', { parts: [{ name: 'flow', filename: 'flow.yml', content: flowYaml(port) }] })).body;
  const flow = await getJson(target.address.port, `/flows/${flowId}`, host);
  expect(flow.gateway.port).toBe(port);
  return flow.gateway.host;
}

test('listening on all interfaces, the gateway host is the host the client used to reach the agent', async () => {
  server = await startTestAgent({ host: '0.0.0.0', token });
  expect(await gatewayHost(server, `stress-box.internal:${server.address.port}`)).toBe('stress-box.internal');
  expect(await gatewayHost(server, `0.0.0.0:${server.address.port}`)).toBe('127.0.0.1');
});

test('--advertise-host wins over everything', async () => {
  server = await startTestAgent({ host: '0.0.0.0', advertiseHost: '10.1.2.3', token });
  expect(await gatewayHost(server, 'elsewhere')).toBe('10.1.2.3');
});

test('listening on one address, that address is the gateway host', async () => {
  server = await startTestAgent({ host: '127.0.0.1', token });
  expect(await gatewayHost(server, 'elsewhere')).toBe('127.0.0.1');
});
