import { describe, expect, it } from 'vitest';
import { REDACTED, describeErrorRedacted, redactDeep, redactSecrets, secretsFromEnvironment } from '../../src/report/redact-secrets.ts';

const webhook = 'https://hooks.slack.com/services/T0ABCDEF1/B0GHIJKL2/abcdefghijklmnopqrstuvwx';

describe('redactSecrets', () => {
  it('hides a known secret in plain, URL-encoded, JSON-escaped and base64 form', () => {
    const secret = 'p@ss/word"with&odd=chars';
    const text = [
      `plain ${secret}`,
      `url ${encodeURIComponent(secret)}`,
      `json ${JSON.stringify({ value: secret })}`,
      `b64 ${Buffer.from(secret).toString('base64')}`,
    ].join('\n');
    const redacted = redactSecrets(text, [secret]);
    expect(redacted).not.toContain(secret);
    expect(redacted).not.toContain(encodeURIComponent(secret));
    expect(redacted).not.toContain(Buffer.from(secret).toString('base64'));
    expect(redacted.match(/\[REDACTED\]/g)?.length).toBe(4);
  });

  it('hides Slack webhook URLs nobody declared, keeping the host for context', () => {
    const redacted = redactSecrets(`POST ${webhook} failed with 500`);
    expect(redacted).toBe(`POST https://hooks.slack.com/${REDACTED} failed with 500`);
  });

  it('hides AWS keys, bearer tokens, URL credentials and presigned signatures', () => {
    const samples = {
      accessKey: 'AKIAIOSFODNN7EXAMPLE',
      secretKey: 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      bearer: 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig',
      urlUser: 'https://admin:hunter22@db.internal:5432/x',
      presigned: 'https://b.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef&X-Amz-Date=20260101',
      slackToken: 'xoxb-123456789012-abcdefghijkl',
      githubToken: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789',
      json: '{"token": "s3cr3t-value", "name": "visible"}',
    };
    const redacted = redactSecrets(Object.values(samples).join('\n'));
    for (const leaked of [
      'AKIAIOSFODNN7EXAMPLE',
      'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      'eyJhbGciOiJIUzI1NiJ9',
      'hunter22',
      '0123456789abcdef',
      'xoxb-123456789012',
      'ghp_abcdefghij',
      's3cr3t-value',
    ]) {
      expect(redacted).not.toContain(leaked);
    }
    expect(redacted).toContain('X-Amz-Date=20260101');
    expect(redacted).toContain('"name": "visible"');
    expect(redacted).toContain('db.internal:5432');
  });

  it('leaves ordinary log lines alone', () => {
    const line = 'query p99 812.4 ms > 500 ms; Basic validation of 100 docs; Unexpected token in JSON';
    expect(redactSecrets(line)).toBe(line);
  });
});

describe('redactDeep and describeErrorRedacted', () => {
  it('redacts strings nested in objects and arrays', () => {
    const value = { links: [{ url: webhook }], note: 'ok', count: 3 };
    const redacted = redactDeep(value);
    expect(JSON.stringify(redacted)).not.toContain('B0GHIJKL2');
    expect(redacted.count).toBe(3);
    expect(redacted.note).toBe('ok');
  });

  it('walks the cause chain and names codes without leaking the URL', () => {
    const cause = Object.assign(new Error(`connect ECONNREFUSED for ${webhook}`), { code: 'ECONNREFUSED' });
    const error = new Error('fetch failed', { cause });
    const described = describeErrorRedacted(error, [webhook]);
    expect(described).toBe(`fetch failed: caused by: connect ECONNREFUSED for ${REDACTED}`);
  });

  it('collects secret-looking environment values only', () => {
    const found = secretsFromEnvironment({ STRESS_TEST_SLACK_WEBHOOK: webhook, AWS_SECRET_ACCESS_KEY: 'abcdefghij', HOME: '/root' });
    expect(found.sort()).toEqual(['abcdefghij', webhook].sort());
  });
});
