/** Public API of jina-stress. */
export { jinaStress } from './vitest/jina-stress.ts';
export type { JinaStressOptions } from './vitest/plugin-options.ts';
export { StressError, isStressError, type StressErrorCode } from './errors.ts';
export type { Plan, JobPlan, StepPlan, StepKind } from './config/plan.ts';
export type { LoadStepParams, Thresholds } from './load/load-params.ts';
export type { LoadResult } from './load/load-result.ts';
export type { HostMetrics, AgentHostMetrics, ProcessMetrics, ExecutorResources, BusiestProcess } from './load/host-metrics.ts';
/** @deprecated the load step's result is `LoadResult`; this alias keeps older helpers compiling. */
export type { LoadResult as StepReport } from './load/load-result.ts';
export type { CapacityResult, CapacityProbe } from './load/capacity-result.ts';
export type { JinaDocument, Tensor, DocarrayVersion } from './protocol/document.ts';
export type { DataRequest, Route, Status } from './protocol/data-request.ts';
export type { InputSource, InputFactory, InputContext } from './inputs/input-source.ts';
export type { Check, CheckFactory, CheckInput, Violation } from './checks/check.ts';
export { defineInput } from './inputs/define-input.ts';
export { defineCheck } from './checks/define-check.ts';
