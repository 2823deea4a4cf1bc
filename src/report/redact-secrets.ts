import { StressError } from '../errors.ts';

/**
 * Secrets must not reach logs, errors, reports or attachments. Two layers: values the caller
 * knows are secret (a webhook URL read from the environment, a daemon token) are replaced
 * wherever they occur, in any common encoding; and well-known secret shapes (Slack webhooks and
 * tokens, AWS keys, bearer tokens, credentials in URLs and query strings) are replaced even
 * when nobody said they were secret.
 */
export const REDACTED = '[REDACTED]';

interface SecretPattern {
  name: string;
  pattern: RegExp;
  /** Replacement; `$1`… keep the non-secret part of the match (a key name, a URL scheme). */
  replacement: string;
}

const secretPatterns = [
  {
    name: 'slack-webhook',
    pattern: /https?:\/\/hooks\.slack(?:-gov)?\.com\/(?:services|workflows|triggers)\/[^\s"'<>)\]]+/gi,
    replacement: `https://hooks.slack.com/${REDACTED}`,
  },
  { name: 'slack-token', pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replacement: REDACTED },
  { name: 'slack-app-token', pattern: /\bxapp-[A-Za-z0-9-]{10,}/g, replacement: REDACTED },
  { name: 'github-token', pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{30,})/g, replacement: REDACTED },
  {
    name: 'aws-access-key-id',
    pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g,
    replacement: REDACTED,
  },
  {
    // A secret access key is 40 base64 characters: too generic to catch alone, so only next to
    // a name that says what it is (env files, JSON, SDK config dumps).
    name: 'aws-secret-key',
    pattern: /((?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{40}/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    name: 'aws-session-token',
    pattern: /((?:aws_?)?session_?token["']?\s*[:=]\s*["']?)[A-Za-z0-9/+=]{16,}/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    name: 'presigned-url-signature',
    pattern: /([?&](?:X-Amz-Signature|X-Amz-Credential|X-Amz-Security-Token|Signature|AWSAccessKeyId)=)[^&\s"'<>]+/gi,
    replacement: `$1${REDACTED}`,
  },
  { name: 'bearer-token', pattern: /\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}/g, replacement: `$1${REDACTED}` },
  {
    name: 'authorization-header',
    pattern: /(authorization["']?\s*[:=]\s*["']?(?:Basic\s+|Bearer\s+|token\s+)?)[^\s"',;}]{4,}/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    name: 'url-credentials',
    pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/:@"'<>]+:[^\s/@"'<>]+@/gi,
    replacement: `$1${REDACTED}@`,
  },
  {
    name: 'query-credential',
    pattern: /([?&;](?:access_token|token|password|passwd|secret|api[_-]?key|apikey|signature)=)[^&\s"'<>]+/gi,
    replacement: `$1${REDACTED}`,
  },
  {
    name: 'json-credential',
    pattern: /("(?:password|passwd|secret|token|api[_-]?key|apikey|authorization|webhook(?:_?url)?)"\s*:\s*")[^"]+"/gi,
    replacement: `$1${REDACTED}"`,
  },
] as const satisfies readonly SecretPattern[];

/** Below this length a "secret" is more likely a placeholder that would redact half a log. */
const MIN_KNOWN_SECRET_LENGTH = 6;

/** The forms a known secret takes when it passes through URLs, JSON or form bodies. */
function encodingsOf(secret: string): string[] {
  const forms = new Set([secret, encodeURIComponent(secret), encodeURI(secret), JSON.stringify(secret).slice(1, -1)]);
  forms.add(Buffer.from(secret).toString('base64'));
  return [...forms].filter((form) => form.length >= MIN_KNOWN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** Replace known secrets (in any encoding) and recognisable secret shapes in `text`. */
export function redactSecrets(text: string, knownSecrets: Iterable<string | undefined> = []): string {
  let result = text;
  for (const secret of knownSecrets) {
    if (secret === undefined || secret.length < MIN_KNOWN_SECRET_LENGTH) continue;
    for (const form of encodingsOf(secret)) result = result.split(form).join(REDACTED);
  }
  for (const { pattern, replacement } of secretPatterns) result = result.replace(pattern, replacement);
  return result;
}

/** Redact every string inside a JSON-like value (keys are kept: they name, not hold, secrets). */
export function redactDeep<T>(value: T, knownSecrets: Iterable<string | undefined> = []): T {
  const secrets = [...knownSecrets];
  const visit = (item: unknown): unknown => {
    if (typeof item === 'string') return redactSecrets(item, secrets);
    if (Array.isArray(item)) return item.map(visit);
    if (item !== null && typeof item === 'object') {
      return Object.fromEntries(Object.entries(item).map(([key, inner]) => [key, visit(inner)]));
    }
    return item;
  };
  return visit(value) as T;
}

/**
 * A one-line description of any thrown value, redacted: message, code and the cause chain.
 * Library errors (axios, fetch, the AWS SDK) carry the request URL and headers in their
 * properties; only the message and code are read here, never the whole object.
 */
export function describeErrorRedacted(error: unknown, knownSecrets: Iterable<string | undefined> = []): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    if (current instanceof Error) {
      const code = (current as { code?: unknown }).code;
      parts.push(typeof code === 'string' && !current.message.includes(code) ? `${current.message} (${code})` : current.message);
      current = current.cause;
    } else {
      parts.push(String(current));
      break;
    }
  }
  return redactSecrets(parts.filter((part) => part.length > 0).join(': caused by: '), knownSecrets);
}

const SECRET_ENV_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|WEBHOOK|API_?KEY|ACCESS_KEY|CREDENTIAL|PRIVATE_KEY)/i;

/** Whether a variable or field name says its value is secret (`SLACK_WEBHOOK`, `authToken`). */
export function isSecretName(name: string): boolean {
  return SECRET_ENV_NAME.test(name);
}

/** Values of environment variables whose names say they are secret (for `knownSecrets`). */
export function secretsFromEnvironment(env: NodeJS.ProcessEnv = process.env): string[] {
  return Object.entries(env)
    .filter(([name, value]) => isSecretName(name) && value !== undefined && value.length >= MIN_KNOWN_SECRET_LENGTH)
    .map(([, value]) => value as string);
}

/**
 * A copy of a thrown value that is safe to hand to Vitest, Allure or a log: message, stack,
 * hint and details redacted, the cause chain copied the same way. Other properties are left
 * behind: library errors carry request configs, headers and bodies that Vitest would print
 * as the "Serialized Error". A StressError stays one (same code), so categories still match.
 */
export function redactError(error: unknown, knownSecrets: Iterable<string | undefined> = [], depth = 0): Error {
  const secrets = [...knownSecrets];
  if (!(error instanceof Error)) return new Error(redactSecrets(String(error), secrets));
  const cause = error.cause !== undefined && depth < 5 ? { cause: redactError(error.cause, secrets, depth + 1) } : {};
  let copy: Error;
  if (error instanceof StressError) {
    copy = new StressError(error.code, redactSecrets(error.message, secrets), {
      ...(error.hint !== undefined ? { hint: redactSecrets(error.hint, secrets) } : {}),
      ...(error.details !== undefined ? { details: redactDeep(error.details, secrets) } : {}),
      ...cause,
    });
  } else {
    copy = new Error(redactSecrets(error.message, secrets), cause);
    copy.name = error.name;
  }
  if (error.stack !== undefined) copy.stack = redactSecrets(error.stack, secrets);
  return copy;
}
