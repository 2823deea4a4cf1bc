/** Public API of jina-stress. */
export { jinaStress } from './vitest/jina-stress.ts';
export type { JinaStressOptions } from './vitest/plugin-options.ts';
export { StressError, isStressError, type StressErrorCode } from './errors.ts';
export type { Plan, JobPlan, StepPlan, StepKind, LoadStepParams, Thresholds } from './config/plan.ts';
export type { StepReport } from './report/step-report.ts';
export type { JinaDocument, Tensor, DocarrayVersion } from './protocol/document.ts';
export type { DataRequest, Route, Status } from './protocol/data-request.ts';
export type { InputSource, InputFactory, InputContext } from './inputs/input-source.ts';
export type { Check, CheckFactory, CheckInput, Violation } from './checks/check.ts';
export { defineInput } from './inputs/define-input.ts';
export { defineCheck } from './checks/define-check.ts';
