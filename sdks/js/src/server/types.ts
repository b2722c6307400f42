// Request and response types of each operation, read from the generated OpenAPI types.
import type { components, operations } from '../generated/openapi';

export type OperationId = keyof operations;
export type Schemas = components['schemas'];

type JsonContent<R> = R extends { content: { 'application/json': infer T } } ? T : void;

/** The JSON body of an operation's success response (void for 204). */
export type OpResult<K extends OperationId> = operations[K]['responses'] extends infer R
  ? 200 extends keyof R
    ? JsonContent<R[200]>
    : 201 extends keyof R
      ? JsonContent<R[201]>
      : 202 extends keyof R
        ? JsonContent<R[202]>
        : void
  : never;

/** The JSON request body of an operation. */
export type OpBody<K extends OperationId> = operations[K] extends {
  requestBody?: { content: { 'application/json': infer B } };
}
  ? B
  : never;

/** The query parameters of an operation. */
export type OpQuery<K extends OperationId> = operations[K]['parameters'] extends { query?: infer Q }
  ? NonNullable<Q>
  : never;

/** The item type of a list operation's `data`. */
export type OpItem<K extends OperationId> = OpResult<K> extends { data: (infer T)[] } ? T : never;
