// What reading one HTTP answer costs the client, per step, on an answer as the reference
// gateway writes it (docarray v1, one document, two routes): JSON.parse of the whole body, the
// conversion without documents (header, parameters, four RFC 3339 route timestamps), and the
// alternative tried in Round 4 of docs/benchmarks.md — skipping `data` with a validating
// string-aware scan and parsing the rest. CPU µs per call.
// Usage: npx tsx bench/load/http-answer-costs.ts
import { dataRequestFromJson } from '../../src/protocol/data-request-json.ts';
import { parseRfc3339 } from '../../src/protocol/timestamp.ts';

const answer = JSON.stringify({"header":{"requestId":"73d788401f844cffbeb6ad390df4e8c5","status":null,"execEndpoint":"/index","targetExecutor":""},"parameters":{"__results__":{}},"routes":[{"executor":"gateway","startTime":"2026-12-06T04:01:50.643520+00:00","endTime":"2026-12-06T04:01:50.643561+00:00","status":null},{"executor":"pass","startTime":"2026-12-06T04:01:50.643537+00:00","endTime":"2026-12-06T04:01:50.643551+00:00","status":null}],"data":[{"id":"2ee1426ba41d2d2a6abfcb33e379258b","parent_id":null,"granularity":null,"adjacency":null,"blob":null,"tensor":null,"mime_type":null,"text":"major front place total right water march heavy wrong brief urban. total party front first court extra light extra. local royal south large first level aware stage price wrong daily light. group right royal state usual party final point local issue green royal. joint sense thing bread month class clear other legal early civil party woman final bread","weight":null,"uri":null,"tags":{"filename":"filename 0"},"offset":null,"location":null,"embedding":null,"modality":null,"evaluations":null,"scores":null,"chunks":null,"matches":null}]});

/**
 * Skips one JSON value from `i`, checking it as JSON.parse would (strings with their escapes
 * and no raw control characters, numbers, literals, nesting); the index after it, or -1.
 */
const isDigit = (code: number): boolean => code >= 48 && code <= 57;

function skipSpace(text: string, i: number): number {
  let code = text.charCodeAt(i);
  while (code === 32 || code === 10 || code === 13 || code === 9) code = text.charCodeAt(++i);
  return i;
}

function skipString(text: string, i: number): number {
  for (i++; ; ) {
    const code = text.charCodeAt(i);
    if (code === 34) return i + 1;
    if (code === 92) {
      const escaped = text.charCodeAt(i + 1);
      if (escaped === 117) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return -1;
        i += 6;
      } else if ([34, 92, 47, 98, 102, 110, 114, 116].includes(escaped)) i += 2;
      else return -1;
      continue;
    }
    // A raw control character, or the end of the text (NaN).
    if (code < 32 || Number.isNaN(code)) return -1;
    i++;
  }
}

function skipNumber(text: string, i: number): number {
  if (text.charCodeAt(i) === 45) i++;
  if (text.charCodeAt(i) === 48) i++;
  else if (isDigit(text.charCodeAt(i))) while (isDigit(text.charCodeAt(i))) i++;
  else return -1;
  if (text.charCodeAt(i) === 46) {
    if (!isDigit(text.charCodeAt(++i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  if (text.charCodeAt(i) === 101 || text.charCodeAt(i) === 69) {
    i++;
    if (text.charCodeAt(i) === 43 || text.charCodeAt(i) === 45) i++;
    if (!isDigit(text.charCodeAt(i))) return -1;
    while (isDigit(text.charCodeAt(i))) i++;
  }
  return i;
}

function skipValue(text: string, i: number): number {
  i = skipSpace(text, i);
  const code = text.charCodeAt(i);
  if (code === 34) return skipString(text, i);
  if (code === 123 || code === 91) {
    const isObject = code === 123;
    const close = isObject ? 125 : 93;
    i = skipSpace(text, i + 1);
    if (text.charCodeAt(i) === close) return i + 1;
    for (;;) {
      if (isObject) {
        if (text.charCodeAt(i) !== 34) return -1;
        i = skipSpace(text, skipString(text, i));
        if (i < 0 || text.charCodeAt(i) !== 58) return -1;
        i++;
      }
      i = skipValue(text, i);
      if (i < 0) return -1;
      i = skipSpace(text, i);
      if (text.charCodeAt(i) === close) return i + 1;
      if (text.charCodeAt(i) !== 44) return -1;
      i = skipSpace(text, i + 1);
    }
  }
  for (const literal of ['null', 'true', 'false']) if (text.startsWith(literal, i)) return i + literal.length;
  return skipNumber(text, i);
}

const dataAt = answer.indexOf('"data":');
const bench = (name: string, fn: () => unknown, n = 300_000): void => {
  for (let i = 0; i < n / 5; i++) fn();
  const cpu = process.cpuUsage();
  for (let i = 0; i < n; i++) fn();
  const c = process.cpuUsage(cpu);
  console.log(name.padEnd(56), ((c.user + c.system) / n).toFixed(3), 'µs');
};
if (skipValue(answer, 0) !== answer.length || skipValue(answer, dataAt + 7) !== answer.length - 1) throw new Error('scanner does not match the answer');
const json = JSON.parse(answer) as unknown;
for (let round = 0; round < 2; round++) {
  bench('JSON.parse of the whole answer', () => JSON.parse(answer));
  bench('dataRequestFromJson, skipDocs (header, routes)', () => dataRequestFromJson(json, 'v1', { skipDocs: true }));
  bench('parseRfc3339 (+00:00, 6 digits)', () => parseRfc3339('2026-12-06T03:57:22.970596+00:00'));
  bench('validating scan of `data` only', () => skipValue(answer, dataAt + 7));
  bench('JSON.parse of the answer without `data`', () => JSON.parse(`${answer.slice(0, dataAt)}"data":null}`));
}
