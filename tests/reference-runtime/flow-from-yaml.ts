import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DataRequest } from '../../src/protocol/data-request.ts';
import type { JinaDocument } from '../../src/protocol/document.ts';
import type { JsonObject } from '../../src/protocol/json-value.ts';
import { readFlowYaml } from '../../src/reference-runtime/read-flow-yaml.ts';
import { ReferenceFlow } from '../../src/reference-runtime/reference-flow.ts';
import type { FlowOutcome } from '../../src/reference-runtime/route-request.ts';

/** A started ReferenceFlow from YAML text, in its own temporary workdir. */
export async function flowFromYaml(
  yaml: string,
  options: { workdir?: string; environment?: Record<string, string> } = {},
): Promise<{ flow: ReferenceFlow; workdir: string; cleanup(): Promise<void> }> {
  const workdir = options.workdir ?? (await mkdtemp(join(tmpdir(), 'reference-flow-')));
  const environment = options.environment ?? {};
  const spec = readFlowYaml(yaml, { source: 'test.yml', environment, searchDirs: [workdir] });
  const flow = await ReferenceFlow.start(spec, workdir, environment);
  return {
    flow,
    workdir,
    async cleanup() {
      await flow.close();
      if (!options.workdir) await rm(workdir, { recursive: true, force: true });
    },
  };
}

let counter = 0;

export function dataRequest(
  endpoint: string,
  docs: JinaDocument[],
  extra: { parameters?: JsonObject; targetExecutor?: string } = {},
): DataRequest {
  counter++;
  return {
    header: { requestId: `req-${counter}`, execEndpoint: endpoint, ...(extra.targetExecutor ? { targetExecutor: extra.targetExecutor } : {}) },
    parameters: extra.parameters ?? { __results__: {} },
    routes: [],
    docs,
  };
}

/** The response of an outcome that must be one (fails loudly otherwise). */
export function responseOf(outcome: FlowOutcome): DataRequest {
  if (outcome.status !== 'response') throw new Error(`expected a response, got ${JSON.stringify(outcome)}`);
  return outcome.response;
}

export function textDocs(texts: string[], prefix = 'doc'): JinaDocument[] {
  return texts.map((text, index) => ({ id: `${prefix}-${index}`, text, tags: { filename: `${prefix} ${index}` } }));
}
