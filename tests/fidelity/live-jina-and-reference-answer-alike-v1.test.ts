import { describeLiveDifferential } from './live-differential.ts';

// Needs .jina-envs/v1 (scripts/setup-jina.sh); skips with the reason locally, fails under JINA_STRESS_STRICT=1.
describeLiveDifferential('v1');
