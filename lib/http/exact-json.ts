/**
 * JSON with integers beyond `Number.MAX_SAFE_INTEGER` kept as their exact decimal text. HubSpot object and
 * event IDs are 64-bit numbers written as JSON numbers: `JSON.parse` rounds two IDs above 2^53 to the same
 * double, so two deals (or two webhook events) would collide. The reviver's third argument (the source text,
 * ES2025 "JSON.parse source text access", Node 21+) says what was written; a runtime without it keeps the
 * plain reading.
 */
type ReviverContext = { source?: string } | undefined;

/** Where an ID may stand: a key naming one (`eventId`, `objectId`, `hs_object_id`, `mergedObjectIds`) or a list entry. */
const ID_KEY = /(?:id|ids)$|^\d+$/i;

function exactInteger(key: string, value: unknown, context?: ReviverContext): unknown {
  if (typeof value !== 'number' || Number.isSafeInteger(value)) return value;
  // Anywhere else a huge number stays a number, so a schema that wants text still refuses it.
  if (!ID_KEY.test(key)) return value;
  const source = context?.source;
  return source !== undefined && /^-?\d+$/.test(source) ? source : value;
}

export function parseJsonExact(text: string): unknown {
  return JSON.parse(text, exactInteger as (key: string, value: unknown) => unknown);
}
