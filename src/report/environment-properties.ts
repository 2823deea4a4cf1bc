import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { GatewayInfo } from '../gateway/gateway-client.ts';
import { REDACTED, isSecretName, redactSecrets, secretsFromEnvironment } from './redact-secrets.ts';

/** What the run was pointed at; one entry per job. */
export interface JobTarget {
  job: string;
  /** `http://host:port` of the daemon (never with its token). */
  daemon?: string;
  /** `grpc://host:port` (protocol://host:port) of the gateway. */
  gateway?: string;
  /** The gateway's `_status` answer: Jina and library versions, and its JINA_* environment. */
  gatewayInfo?: GatewayInfo;
}

export interface EnvironmentFacts {
  configPath: string;
  configHash: string;
  runId?: string;
  targets: JobTarget[];
  /** The run's known secrets (report/known-secrets.ts), masked in every value. */
  knownSecrets?: readonly string[];
}

export const ENVIRONMENT_FILE = 'environment.properties';

/**
 * The Allure "Environment" entries of a run. Daemon and gateway are per job (`<job>.gateway`);
 * Jina facts come from the gateway's status (`jina.<key>`, `jina.env.<NAME>`), the first
 * job's answer winning where jobs disagree. Values are redacted: a Flow's environment may hold
 * tokens.
 */
export function describeEnvironment(facts: EnvironmentFacts): Record<string, string> {
  const entries: Record<string, string> = {
    config: basename(facts.configPath),
    'config.hash': facts.configHash,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
  };
  if (facts.runId) entries['run.id'] = facts.runId;
  for (const target of facts.targets) {
    if (target.daemon) entries[`${target.job}.daemon`] = target.daemon;
    if (target.gateway) entries[`${target.job}.gateway`] = target.gateway;
    const info = target.gatewayInfo;
    if (!info) continue;
    for (const [key, value] of Object.entries(info.jina)) entries[`jina.${key}`] ??= value;
    for (const [key, value] of Object.entries(info.envs)) entries[`jina.env.${key}`] ??= isSecretName(key) ? REDACTED : value;
  }
  const secrets = [...secretsFromEnvironment(), ...(facts.knownSecrets ?? [])];
  return Object.fromEntries(Object.entries(entries).map(([key, value]) => [key, redactSecrets(value, secrets)]));
}

/** Java .properties escaping, as Allure's reader parses it. */
function escapeProperty(text: string, isKey: boolean): string {
  let escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t');
  escaped = escaped.replace(/[^\x20-\x7e]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (isKey) escaped = escaped.replace(/([=: #!])/g, '\\$1');
  else escaped = escaped.replace(/^([ #!])/, '\\$1');
  return escaped;
}

export function formatProperties(entries: Record<string, string>): string {
  return Object.entries(entries)
    .map(([key, value]) => `${escapeProperty(key, true)}=${escapeProperty(value, false)}`)
    .join('\n')
    .concat('\n');
}

/** Parses what `formatProperties` writes (one entry per line); enough to merge our own file. */
export function parseProperties(text: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const unescape = (part: string): string =>
    part.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_, code: string) => {
      if (code.length === 5) return String.fromCharCode(Number.parseInt(code.slice(1), 16));
      return { n: '\n', r: '\r', t: '\t' }[code] ?? code;
    });
  for (const line of text.split('\n')) {
    if (line.trim() === '' || /^\s*[#!]/.test(line)) continue;
    const separator = /(?<!\\)(?:\\\\)*[=:]/.exec(line);
    if (!separator) continue;
    const end = separator.index + separator[0].length;
    entries[unescape(line.slice(0, end - 1))] = unescape(line.slice(end));
  }
  return entries;
}

/**
 * Write (or merge into) `environment.properties` in the Allure results folder. Several jobs
 * or workers may each add their targets; later values for the same key win. The file is
 * replaced atomically so the report never reads half of it.
 */
export async function writeEnvironmentProperties(resultsDir: string, entries: Record<string, string>): Promise<string> {
  await mkdir(resultsDir, { recursive: true });
  const path = join(resultsDir, ENVIRONMENT_FILE);
  let existing: Record<string, string> = {};
  try {
    existing = parseProperties(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, formatProperties({ ...existing, ...entries }));
  await rename(temporary, path);
  return path;
}
