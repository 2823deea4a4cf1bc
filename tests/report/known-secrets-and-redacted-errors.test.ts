import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/config/plan.ts';
import { StressError } from '../../src/errors.ts';
import { knownSecretsOf } from '../../src/report/known-secrets.ts';
import { redactError } from '../../src/report/redact-secrets.ts';

function planWith(steps: unknown[], daemonToken?: string): Plan {
  return {
    configPath: '/x/stress.yaml',
    configDir: '/x',
    configHash: 'abc',
    jobs: [{ name: 'job', ...(daemonToken ? { daemon: { host: 'h', port: 1, token: daemonToken } } : {}), steps: steps as Plan['jobs'][0]['steps'] }],
  };
}

describe('knownSecretsOf', () => {
  it('collects secret-named variables, URL passwords, daemon tokens and credential-named parameters', () => {
    const plan = planWith(
      [
        { kind: 'create_workspace', params: { files: [], environment: { DB_PASSWORD: 'config-password', JINA_PORT: '23456', DSN: 'mysql://u:url%40pass@h/db' } } },
        { kind: 'index', params: { parameters: { auth: { api_key: 'parameter-key-123' }, top_k: 3 } } },
      ],
      'daemon-token-xyz',
    );
    const secrets = knownSecretsOf(plan, { MY_API_TOKEN: 'env-token-value', HOME: '/root', PROXY: 'http://p:proxy-pass@proxy:3128' });
    expect(secrets).toEqual(
      expect.arrayContaining(['env-token-value', 'proxy-pass', 'daemon-token-xyz', 'config-password', 'url%40pass', 'url@pass', 'parameter-key-123']),
    );
    expect(secrets).not.toContain('23456');
    expect(secrets).not.toContain('/root');
  });
});

describe('redactError', () => {
  it('masks message, stack, hint, details and the cause chain, and drops other properties', () => {
    const cause = Object.assign(new Error('axios failed for token s3cr3t-value'), { config: { headers: { Authorization: 's3cr3t-value' } } });
    const error = new StressError('DAEMON_HTTP', 'start_flow → 400: bad value s3cr3t-value', {
      hint: 'not s3cr3t-value',
      details: { detail: 'echo s3cr3t-value', nested: ['s3cr3t-value'] },
      cause,
    });
    const copy = redactError(error, ['s3cr3t-value']);
    expect(copy).toBeInstanceOf(StressError);
    expect((copy as StressError).code).toBe('DAEMON_HTTP');
    const everything = JSON.stringify({ ...copy, message: copy.message, stack: copy.stack, cause: { ...(copy.cause as object), message: (copy.cause as Error).message, stack: (copy.cause as Error).stack } });
    expect(everything).not.toContain('s3cr3t-value');
    expect(copy.message).toBe('start_flow → 400: bad value [REDACTED]');
    expect((copy.cause as Error).message).toBe('axios failed for token [REDACTED]');
    expect((copy.cause as { config?: unknown }).config).toBeUndefined();
  });
});
