/** Public API of jina-stress. */
export { jinaStress } from './vitest/jina-stress';
export type { JinaStressOptions } from './vitest/plugin-options';
export { StressError, isStressError, type StressErrorCode } from './errors';
export type { Plan, JobPlan, StepPlan, StepKind, LoadStepParams, Thresholds } from './config/plan';
export type { StepReport } from './report/step-report';
export type { JinaDocument, Tensor, DocarrayVersion } from './protocol/document';
export type { DataRequest, Route, Status } from './protocol/data-request';
export type { InputSource, InputFactory, InputContext } from './inputs/input-source';
export type { Check, CheckFactory, CheckInput, Violation } from './checks/check';
export { defineInput } from './inputs/define-input';
export { defineCheck } from './checks/define-check';
