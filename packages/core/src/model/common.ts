import { z } from 'zod';

/** An ISO 8601 timestamp with an offset, as every model timestamp is stored and serialized. */
export const timestampSchema = z.iso.datetime({ offset: true });

/** Any JSON value: what `raw` payloads and attributes hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export const jsonValueSchema: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([
    z.string(),
    z.number(),
    z.boolean(),
    z.null(),
    z.array(jsonValueSchema),
    z.record(z.string(), jsonValueSchema),
  ]),
);
