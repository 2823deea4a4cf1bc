import type { DocarrayVersion, JinaDocument } from '../protocol/document.ts';
import type { EndpointSchemas } from '../protocol/endpoint-schema.ts';
import type { JsonObject } from '../protocol/json-value.ts';

/**
 * A data ingester. The seed re-sent its (finite) input every round, so a source cycles: it
 * hands out documents forever, `take(n)` returning the next n in order and wrapping around.
 * Sources are created per client/worker, so they need not be shared across threads.
 */
export interface InputSource {
  readonly name: string;
  /** Documents in one pass of the input (Infinity for generated streams). */
  readonly size: number;
  take(count: number): JinaDocument[];
  close?(): Promise<void>;
}

export interface InputContext {
  /** Folder of the config file: relative paths in kwargs resolve here first, then cwd. */
  baseDir: string;
  /** Folder holding user modules (`helpers/`), looked up for names not in the table. */
  helpersDir: string;
  /** Distinguishes clients so generated inputs differ between them but stay reproducible. */
  clientIndex: number;
  /** The step's endpoint, the documents' wire format and the schemas the gateway published (load steps set them). */
  endpoint?: string;
  docarray?: DocarrayVersion;
  endpointSchemas?: EndpointSchemas;
}

export type InputFactory = (kwargs: JsonObject, context: InputContext) => Promise<InputSource>;
