import { basename } from 'node:path';
import type { ArrivalModel, LoadStepParams } from '../load/load-params.ts';
import type { LoadResult } from '../load/load-result.ts';

export interface AllureLabel {
  name: 'parentSuite' | 'suite' | 'feature' | 'story' | 'tag';
  value: string;
}

export interface AllureParameter {
  name: string;
  value: string;
}

/** Labels and parameters of one step's test result; plain data, applied by `applyAllureMetadata`. */
export interface AllureMetadata {
  labels: AllureLabel[];
  parameters: AllureParameter[];
}

/** `closed` for the seed's model, else `open 20 → 80 req/s over 30 s` and its in-flight cap. */
export function describeArrivalModel(arrival: ArrivalModel | undefined): string {
  if (!arrival) return 'closed';
  const rate = arrival.rampTo === undefined ? `${arrival.arrivalRate}` : `${arrival.arrivalRate} → ${arrival.rampTo}`;
  const cap = arrival.maxInFlight === undefined ? '' : `, max ${arrival.maxInFlight} in flight`;
  return `open ${rate} req/s over ${arrival.durationS} s${cap}`;
}

/** The seed's parameter names, so a report reads like the config that produced it. */
export function describeLoadParameters(params: LoadStepParams): AllureParameter[] {
  const parameters: AllureParameter[] = [
    { name: 'client', value: params.client },
    { name: 'num_clients', value: String(params.numClients) },
    { name: 'request_size', value: String(params.requestSize) },
    { name: 'execution_time', value: `${params.executionTimeS} s` },
  ];
  if (params.topK !== undefined) parameters.push({ name: 'top_k', value: String(params.topK) });
  parameters.push({ name: 'arrival model', value: describeArrivalModel(params.arrival) });
  parameters.push({ name: 'inputs', value: params.inputs.method });
  if (params.onAlways) parameters.push({ name: 'on_always', value: params.onAlways.method });
  return parameters;
}

function labelsFor(configPath: string, job: string, kind: string, name: string, withSuites: boolean): AllureLabel[] {
  const labels: AllureLabel[] = [
    ...(withSuites
      ? ([
          { name: 'parentSuite', value: basename(configPath) },
          { name: 'suite', value: job },
        ] satisfies AllureLabel[])
      : []),
    { name: 'feature', value: kind },
    { name: 'story', value: name },
  ];
  if (kind === 'index' || kind === 'query') labels.push({ name: 'tag', value: 'load' });
  return labels;
}

/**
 * Labels (feature = step kind, story = step name) and parameters for any step, known before it
 * runs, for the running test. Parent suite (config file) and suite (job) are not among them:
 * allure-vitest labels those from the describe path, and labels can only be added, so a second
 * copy would show twice on the test page.
 */
export function describeStepForAllure(configPath: string, job: string, step: { kind: string; name: string }, parameters: AllureParameter[]): AllureMetadata {
  return { labels: labelsFor(configPath, job, step.kind, step.name, false), parameters };
}

/** The same for a finished load step, from its report alone, parent suite and suite included. */
export function describeReportForAllure(configPath: string, report: LoadResult): AllureMetadata {
  return {
    labels: labelsFor(configPath, report.job, report.method, report.step, true),
    parameters: describeLoadParameters(report.config),
  };
}
