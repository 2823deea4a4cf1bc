import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import { Job } from 'kubernetes-models/batch/v1';
import { PersistentVolumeClaim } from 'kubernetes-models/v1';
import { expect, test } from 'vitest';

const examples = resolve(import.meta.dirname, '../../examples');
const load = async (path: string) => loadAll(await readFile(resolve(examples, path), 'utf8')) as Array<Record<string, unknown>>;

// kubernetes-models bundles the Kubernetes API's OpenAPI schemas and validates offline.
const models = { Job, PersistentVolumeClaim } as const;
function validate(document: Record<string, unknown>) {
  const Model = models[document.kind as keyof typeof models];
  expect(Model, `no model for ${String(document.kind)}`).toBeDefined();
  const resource = new Model(document as never);
  resource.validate();
  return resource;
}

test('the Kubernetes generators and merge manifests validate against the Kubernetes API schemas', async () => {
  const generators = (await load('kubernetes/stress-generators.yaml')).map(validate);
  const [merge] = (await load('kubernetes/stress-merge.yaml')).map(validate);
  const job = generators.find((resource) => resource.kind === 'Job') as Job;
  expect(job.spec?.completionMode).toBe('Indexed');
  expect(job.spec?.completions).toBe(3);
  expect(job.spec?.parallelism).toBe(3);
  // Index 0..n-1 becomes segment 1/n..n/n, each writing its own blob to the shared volume.
  const script = job.spec?.template.spec?.containers[0]?.args?.join(' ') ?? '';
  expect(script).toContain('STRESS_SEGMENT=$((JOB_COMPLETION_INDEX + 1))/3');
  expect(script).toContain('--reporter=blob --outputFile=/reports/blobs/blob-$JOB_COMPLETION_INDEX.json');
  expect((merge as Job).spec?.template.spec?.containers[0]?.command).toEqual(['npx', 'vitest', '--merge-reports=/reports/blobs']);
});

test('a manifest with a mistake is refused by the same validation (the check can fail)', async () => {
  const [, job] = await load('kubernetes/stress-generators.yaml');
  const broken = structuredClone(job!) as { spec: { completions: unknown } };
  broken.spec.completions = 'three';
  expect(() => validate(broken as never)).toThrow(/completions/);
});

test('the GitHub Actions workflow runs one generator per matrix entry and merges their blobs', async () => {
  const [workflow] = (await load('github-actions/stress-from-several-machines.yml')) as Array<{
    jobs: Record<string, { needs?: string; if?: string; strategy?: { 'fail-fast': boolean; matrix: { segment: number[] } }; steps: Array<Record<string, unknown>> }>;
  }>;
  const { generate, merge } = workflow!.jobs;
  expect(generate!.strategy!.matrix.segment).toEqual([1, 2, 3]);
  expect(generate!.strategy!['fail-fast']).toBe(false);
  const run = generate!.steps.find((step) => String(step.run ?? '').includes('--reporter=blob'))!;
  expect((run.env as Record<string, string>).STRESS_SEGMENT).toBe(`\${{ matrix.segment }}/${generate!.strategy!.matrix.segment.length}`);
  expect(String(run.run)).toContain('--outputFile=.vitest-reports/blob-${{ matrix.segment }}.json');
  const upload = generate!.steps.find((step) => step.uses === 'actions/upload-artifact@v4')!;
  expect(upload.if).toBe('always()');
  expect(merge!.needs).toBe('generate');
  expect(merge!.if).toBe('always()');
  const download = merge!.steps.find((step) => step.uses === 'actions/download-artifact@v4')!;
  expect(download.with).toMatchObject({ pattern: 'blob-*', path: '.vitest-reports', 'merge-multiple': true });
  expect(merge!.steps.some((step) => step.run === 'npx vitest --merge-reports')).toBe(true);
});
