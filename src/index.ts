/** Public API of jina-stress. */
export { jinaStress } from './vitest/jina-stress';
export type { JinaStressOptions } from './vitest/plugin-options';
export { StressError, isStressError, type StressErrorCode } from './errors';
export type { Plan, JobPlan, StepPlan, StepKind } from './config/plan';
export type { LoadStepParams, Thresholds } from './load/load-params';
export type { LoadResult } from './load/load-result';
/** @deprecated the load step's result is `LoadResult`; this alias keeps older helpers compiling. */
export type { LoadResult as StepReport } from './load/load-result';
export type { JinaDocument, Tensor, DocarrayVersion } from './protocol/document';
export type { DataRequest, Route, Status } from './protocol/data-request';
export type { InputSource, InputFactory, InputContext } from './inputs/input-source';
export type { Check, CheckFactory, CheckInput, Violation } from './checks/check';
export { defineInput } from './inputs/define-input';
export { defineCheck } from './checks/define-check';
