import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

// Reads a V8 `.cpuprofile` (node --cpu-prof) and prints where the time went: self time by
// function and by file (node internals, grpc-js, ours…), and total (inclusive) time of the
// functions matching --match. For reading profiles of the load generator in a terminal.
// Usage: npx tsx bench/profile/summarize-cpu-profile.ts FILE.cpuprofile [--top 40] [--match grpc-client]

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '40' }, match: { type: 'string' } } });
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
const profile = JSON.parse(readFileSync(positionals[0]!, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const selfUs = new Map<number, number>();
profile.samples.forEach((id, index) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
const totalUs = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idleIds = new Set(profile.nodes.filter((node) => ['(idle)', '(program)', '(garbage collector)'].includes(node.callFrame.functionName)).map((node) => node.id));
const busyUs = [...selfUs].filter(([id]) => !idleIds.has(id)).reduce((sum, [, us]) => sum + us, 0);

const shortFile = (url: string): string => url.replace(/^file:\/\/.*?\/node_modules\//, '').replace(/^file:\/\/.*?\/(src|bench)\//, '$1/').replace(/^node:/, 'node:');
const label = (node: ProfileNode): string => `${node.callFrame.functionName || '(anonymous)'} ${shortFile(node.callFrame.url)}:${node.callFrame.lineNumber + 1}`;
const add = (map: Map<string, number>, key: string, us: number): void => {
  map.set(key, (map.get(key) ?? 0) + us);
};
const byFunction = new Map<string, number>();
const byFile = new Map<string, number>();
for (const [id, us] of selfUs) {
  const node = byId.get(id)!;
  add(byFunction, label(node), us);
  const file = shortFile(node.callFrame.url) || node.callFrame.functionName;
  add(byFile, file.startsWith('@grpc/grpc-js') ? '@grpc/grpc-js/*' : file, us);
}
const top = Number(values.top);
const pct = (us: number): string => `${((us / totalUs) * 100).toFixed(1)}%`.padStart(6);
console.log(`total ${(totalUs / 1000).toFixed(0)} ms sampled, busy (not idle/program/GC) ${(busyUs / 1000).toFixed(0)} ms; shares of the total\n`);
console.log('self time by file:');
for (const [file, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${file}`);
console.log('\nself time by function:');
for (const [name, us] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);

if (values.match) {
  // Inclusive time: a sample counts for every matching frame on its stack (once per function).
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at)!;
      const key = label(node);
      if (!seen.has(key) && key.includes(values.match)) {
        seen.add(key);
        add(inclusive, key, us);
      }
    }
  }
  console.log(`\ninclusive time of functions matching "${values.match}":`);
  for (const [name, us] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(us)}  ${name}`);
}
