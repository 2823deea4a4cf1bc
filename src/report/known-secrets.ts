import type { Plan } from '../config/plan.ts';
import type { JsonValue } from '../protocol/json-value.ts';
import { isSecretName, secretsFromEnvironment } from './redact-secrets.ts';

const urlCredentials = /\b[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'<>]+:([^\s/@"'<>]+)@/gi;

/**
 * The values a run must never write: what `redactSecrets` replaces wherever a run writes
 * (reports, attachments, rendered copies, the console). Known by name — variables and step
 * `environment` entries whose names say secret (`DB_PASSWORD`, `AWS_SECRET_ACCESS_KEY`), daemon
 * tokens, parameters named like credentials — and by shape: the password of any URL with
 * credentials in the environment or the config, so it is hidden even where it appears alone.
 */
export function knownSecretsOf(plan: Plan, env: NodeJS.ProcessEnv = process.env): string[] {
  const secrets = new Set<string>(secretsFromEnvironment(env));
  const addNamed = (name: string, value: string | undefined): void => {
    if (value === undefined) return;
    if (isSecretName(name)) secrets.add(value);
    for (const password of urlPasswords(value)) secrets.add(password);
  };
  for (const value of Object.values(env)) {
    for (const password of urlPasswords(value ?? '')) secrets.add(password);
  }
  for (const job of plan.jobs) {
    if (job.daemon?.token) secrets.add(job.daemon.token);
    // The job's other agents (issue 13) get the job's token, or JINA_STRESS_AGENT_TOKEN's.
    for (const agent of job.agents ?? []) if (agent.token) secrets.add(agent.token);
    for (const step of job.steps) {
      if ('environment' in step.params) {
        for (const [name, value] of Object.entries(step.params.environment)) addNamed(name, value);
      }
      if (step.kind === 'index' || step.kind === 'query') walkJson(step.params.parameters, addNamed);
    }
  }
  return [...secrets].filter((secret) => secret.length > 0);
}

function urlPasswords(text: string): string[] {
  const passwords: string[] = [];
  for (const match of text.matchAll(urlCredentials)) {
    const password = match[1]!;
    passwords.push(password);
    try {
      const decoded = decodeURIComponent(password);
      if (decoded !== password) passwords.push(decoded);
    } catch {
      // not percent-encoded: the raw form is enough
    }
  }
  return passwords;
}

function walkJson(value: JsonValue | undefined, visit: (name: string, value: string) => void, name = ''): void {
  if (typeof value === 'string') visit(name, value);
  else if (Array.isArray(value)) for (const item of value) walkJson(item, visit, name);
  else if (value !== null && typeof value === 'object') for (const [key, item] of Object.entries(value)) walkJson(item, visit, key);
}
