/**
 * Tests that need something the machine may lack (Chromium, the Python environments of real
 * Jina) skip with the reason in a local `npm test`. CI sets JINA_STRESS_STRICT=1 after
 * installing them: there, a missing piece is a failure, never a quiet skip.
 */
export const isStrict = process.env.JINA_STRESS_STRICT === '1';

export function skipOrFail(context: { skip(note?: string): never | void }, reason: string): void {
  if (isStrict) throw new Error(`${reason} (JINA_STRESS_STRICT=1: required in CI)`);
  context.skip(reason);
}
