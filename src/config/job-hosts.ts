import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { DaemonAddress } from './addresses.ts';
import type { PathContext } from './config-paths.ts';
import { suggestionHint } from './did-you-mean.ts';
import { text } from './field-schemas.ts';
import { DEFAULT_AGENT_PORT, flowExecutorNames, readFlowPlacements } from './flow-placement.ts';
import { findDefaultInstancesFile, readInstancesFile } from './instances-file.ts';
import { renderTemplateText } from './mustache-template.ts';
import type { ProblemList } from './problem-list.ts';
import { buildTemplateView } from './template-rendering.ts';

/** The job's `hosts:` key: executor name → the agent that runs it. */
export const hostsSchema = z
  .record(
    text('An executor name of a Flow the job starts.'),
    text(`The agent that runs it: an address (the agent on port ${DEFAULT_AGENT_PORT}), address:port, or a name of instances.yaml.`),
    { error: 'expected a mapping of executor name to agent address, e.g. {encoder: 10.1.0.2, indexer: 10.1.0.3:8001}' },
  )
  .describe('Which agent runs which executor (issue 13): the executor starts on that host, the gateway on the job\'s daemon.');

/** What a start_flow step renders its Flow with (its params, as the step made them). */
export interface StartedFlowSource {
  /** The step's YAML path, for problems. */
  at: readonly PropertyKey[];
  file: string;
  environment: Readonly<Record<string, string>>;
  instancesFile?: string;
  /** The step's `runtime` (absent: the agent's default). */
  runtime?: string;
}

/** Where a job's executors run, as the Plan carries it (plain JSON). */
export interface JobHosts {
  /** `hosts:`, each resolved to an agent (the job's token on each). */
  hosts: Record<string, DaemonAddress>;
  /** Every agent besides the job's daemon that its Flows place executors on, once each. */
  agents: DaemonAddress[];
}

/**
 * Resolves `hosts:` and finds every agent the job uses: those it names and those the Flows
 * of its start_flow steps place executors on (`host:` rendered from instances.yaml, the
 * seed's style). A name in `hosts:` that no started Flow has is a problem at its line.
 */
export function planJobHosts(
  job: string,
  written: Readonly<Record<string, string>> | undefined,
  flows: readonly StartedFlowSource[],
  daemon: DaemonAddress | undefined,
  context: { paths: PathContext; problems: ProblemList },
): JobHosts {
  const token = daemon?.token;
  const instancesFile = flows.find((flow) => flow.instancesFile)?.instancesFile ?? findDefaultInstancesFile(context.paths);
  const instances = instancesFile ? readInstancesFile(instancesFile) : undefined;
  const named = instances?.status === 'ok' ? instances.values : {};
  const hosts: Record<string, DaemonAddress> = {};
  for (const [name, value] of Object.entries(written ?? {})) {
    const address = parseAgentAddress(named[value] ?? value);
    if (!address) {
      context.problems.add(['jobs', job, 'hosts', name], `expected an address or address:port, got ${JSON.stringify(value)}`, {
        hint: 'e.g. 10.1.0.3 (its agent on port 8000), 10.1.0.3:8001, or a name of instances.yaml',
      });
      continue;
    }
    hosts[name] = { ...address, ...(token ? { token } : {}) };
  }
  const known = new Set<string>();
  const agents = new Map<string, DaemonAddress>();
  let isEveryFlowRead = true;
  for (const flow of flows) {
    const view = buildTemplateView({ environment: flow.environment, ...(flow.instancesFile ? { instancesFile: flow.instancesFile } : {}) });
    if (view.status === 'invalid') continue; // reported by the step's own template check
    const rendered = renderTemplateText(readFileSync(flow.file, 'utf8'), view.view);
    let names: string[];
    try {
      names = flowExecutorNames(rendered, flow.file);
    } catch (error) {
      // A Flow that is not YAML places nothing: the agent refuses it when the step runs, as
      // before placements existed. Only a job that names hosts needs it read now.
      if (written !== undefined) {
        isEveryFlowRead = false;
        context.problems.add([...flow.at, 'file'], `cannot read the Flow's executors for hosts: ${error instanceof Error ? error.message : String(error)}`);
      }
      continue;
    }
    for (const name of names) known.add(name);
    try {
      const placed = readFlowPlacements(rendered, {
        source: path.basename(flow.file),
        hosts,
        mainHost: daemon?.host ?? '127.0.0.1',
        ...(token ? { token } : {}),
        searchDirs: [path.dirname(flow.file)],
        view: view.view,
      });
      for (const { agent } of placed) agents.set(`${agent.host}:${agent.port}`, agent);
    } catch (error) {
      isEveryFlowRead = false;
      context.problems.add([...flow.at, 'file'], `cannot place the Flow's executors: ${error instanceof Error ? error.message : String(error)}`, {
        hint: 'an executor placed on another host needs uses: a class name or an executor YAML next to the Flow',
      });
    }
  }
  // Names are judged only against Flows that could be read: a broken one is its own problem.
  if (flows.length > 0 && isEveryFlowRead) {
    for (const name of Object.keys(written ?? {})) {
      if (!known.has(name)) {
        context.problems.add(['jobs', job, 'hosts', name], `"${name}" is not an executor of any Flow this job starts`, {
          role: 'key',
          hint: suggestionHint(name, [...known], 'executors'),
        });
      }
    }
  }
  return { hosts, agents: [...agents.values()] };
}

/** `10.1.0.3` (port 8000), `10.1.0.3:8001`, `[fd00::3]:8001`. */
export function parseAgentAddress(value: string): { host: string; port: number } | undefined {
  const trimmed = value.trim();
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(trimmed);
  const plain = /^([^:\s/]+)(?::(\d+))?$/.exec(trimmed);
  const match = bracketed ?? plain;
  if (!match) return undefined;
  const port = match[2] === undefined ? DEFAULT_AGENT_PORT : Number(match[2]);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host: match[1] as string, port };
}
