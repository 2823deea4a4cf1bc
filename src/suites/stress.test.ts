// The one test file of a stress run: the plan (validated in global setup) becomes suites.
import { inject } from 'vitest';
import { buildSuites } from '../vitest/build-suites.ts';

buildSuites(inject('jinaStress'));
