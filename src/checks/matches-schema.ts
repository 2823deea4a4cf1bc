import type { ErrorObject, ValidateFunction } from 'ajv';
import { StressError } from '../errors.ts';
import { kwarg } from '../kwargs/kwarg.ts';
import { kwargsSchema, withKwargs } from '../kwargs/kwargs-schema.ts';
import { documentFieldValues } from '../protocol/document-fields.ts';
import type { Check, CheckContext, Violation } from './check.ts';
import { withNestedNdArrays } from './ndarray-schemas.ts';

const EXAMPLES = 3;

/**
 * `matches_schema`: every returned document validates against its endpoint's output schema,
 * as the gateway published it (gRPC endpoint_discovery, HTTP /openapi.json; read once per
 * step, see src/gateway/endpoint-schemas.ts). kwargs: `endpoint` (default: each request's).
 * A step whose gateway published no schema fails at the start with the reason. Violations
 * name the field path, the value found, what the schema wants, and the document.
 */
export const matchesSchema = withKwargs(
  kwargsSchema({ kind: 'check', name: 'matches_schema' }, { endpoint: kwarg.string('an endpoint like "/find"') }),
  async ({ endpoint: fixedEndpoint }, context: CheckContext): Promise<Check> => {
    const schemas = context.endpointSchemas;
    if (!schemas || schemas.status !== 'found') {
      throw new StressError('CHECK', `matches_schema: the gateway published no output schemas (${schemas?.status === 'unavailable' ? schemas.reason : 'not read'})`, {
        hint: 'Use a docarray v2 Flow over grpc or http (their gateways publish schemas), or check fields with `expect`.',
      });
    }
    if (fixedEndpoint && !schemas.endpoints[fixedEndpoint]?.output) {
      throw new StressError('CHECK', `matches_schema: no output schema for ${fixedEndpoint}; the gateway published: ${Object.keys(schemas.endpoints).join(', ') || '(none)'}`);
    }
    // Imported here: ajv loads only for a run that checks schemas, not with every run's steps.
    const { Ajv } = await import('ajv');
    // strict: false — docarray's schemas carry keywords of their own ("tensor/array shape", "example").
    const ajv = new Ajv({ strict: false, allErrors: true });
    const validators = new Map<string, ValidateFunction | undefined>();
    const validatorOf = (endpoint: string): ValidateFunction | undefined => {
      if (!validators.has(endpoint)) {
        const output = schemas.endpoints[endpoint]?.output;
        validators.set(endpoint, output ? ajv.compile(withNestedNdArrays(output) as object) : undefined);
      }
      return validators.get(endpoint);
    };
    return ({ response, endpoint }) => {
      const requestId = response.header.requestId;
      const validate = validatorOf(fixedEndpoint ?? endpoint);
      if (!validate) return [{ requestId, message: `matches_schema: the gateway published no output schema for ${endpoint}` }];
      const problems: string[] = [];
      const violations: Violation[] = [];
      for (const doc of response.docs) {
        let json: unknown;
        try {
          // As JSON: NdArrays as nested lists, the form the schema describes.
          json = JSON.parse(JSON.stringify(documentFieldValues(doc)));
        } catch (error) {
          violations.push({ requestId, message: `document ${doc.id}: ${(error as Error).message}` });
          continue;
        }
        if (!validate(json)) for (const error of validate.errors ?? []) problems.push(`${describe(error, json)} (document ${doc.id})`);
      }
      if (problems.length > 0) {
        const shown = problems.slice(0, EXAMPLES).join('; ') + (problems.length > EXAMPLES ? `; … ${problems.length - EXAMPLES} more` : '');
        violations.push({ requestId, message: `matches_schema ${fixedEndpoint ?? endpoint}: ${shown}` });
      }
      return violations;
    };
  },
);

/** `hits[0].score = "high" must be number`, from ajv's JSON-pointer instancePath. */
function describe(error: ErrorObject, root: unknown): string {
  const segments = error.instancePath.split('/').slice(1).map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'));
  let value: unknown = root;
  let path = '';
  for (const segment of segments) {
    value = (value as Record<string, unknown> | undefined)?.[segment];
    path = /^\d+$/.test(segment) ? `${path}[${segment}]` : path ? `${path}.${segment}` : segment;
  }
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty?: string }).missingProperty);
    return `${path ? `${path}.` : ''}${missing} is missing (required)`;
  }
  const shown = JSON.stringify(value) ?? String(value);
  return `${path || '(document)'} = ${shown.length > 80 ? `${shown.slice(0, 77)}…` : shown} ${error.message ?? 'does not match'}`;
}
