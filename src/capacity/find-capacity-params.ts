import type { CapacityGate, LoadStepParams } from '../load/load-params.ts';
import type { CapacityObjective, CapacityPlan } from '../load/capacity-result.ts';

/**
 * find_capacity's params (src/steps/find-capacity.ts makes them): the load template every
 * probe runs with (its open model's rate and length set per phase), the objective and the plan.
 */
export interface FindCapacityParams {
  load: LoadStepParams;
  objective: CapacityObjective;
  plan: CapacityPlan;
  /** Compare the capacity with a stored baseline's (absent: no regression gate). */
  regression?: CapacityGate;
}
