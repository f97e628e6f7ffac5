import * as v from 'valibot';

/**
 * The standard Google API error body (google.rpc.Status over REST), which both Data Manager and the Google
 * Ads API answer with: {error: {code, message, status, details[{@type, …}]}}. Details we read:
 * google.rpc.BadRequest {fieldViolations[{field, description, reason}]}, google.rpc.ErrorInfo {reason},
 * google.rpc.RequestInfo {requestId}, and the Ads API's GoogleAdsFailure {errors[], requestId}.
 * Source: Data Manager guide "Understand API errors" (fail-fast model; check BadRequest for the fields).
 */
const DetailSchema = v.looseObject({
  '@type': v.optional(v.string()),
  reason: v.optional(v.string()),
  requestId: v.optional(v.string()),
  fieldViolations: v.optional(
    v.array(
      v.looseObject({
        field: v.optional(v.string()),
        description: v.optional(v.string()),
        reason: v.optional(v.string()),
      }),
    ),
  ),
});

export const GoogleErrorBodySchema = v.object({
  error: v.looseObject({
    code: v.optional(v.number()),
    message: v.optional(v.string()),
    status: v.optional(v.string()),
    details: v.optional(v.array(DetailSchema)),
  }),
});
export type GoogleErrorBody = v.InferOutput<typeof GoogleErrorBodySchema>;
export type GoogleErrorDetail = v.InferOutput<typeof DetailSchema>;

export type GoogleError = {
  status: string;
  message: string;
  details: GoogleErrorDetail[];
  /** ErrorInfo reasons, e.g. ACCESS_TOKEN_SCOPE_INSUFFICIENT. */
  reasons: string[];
  fieldViolations: { field: string; description: string; reason: string | undefined }[];
  requestId: string | undefined;
};

export function parseGoogleError(body: unknown): GoogleError | undefined {
  const parsed = v.safeParse(GoogleErrorBodySchema, body);
  if (!parsed.success) return undefined;
  const { error } = parsed.output;
  const details = error.details ?? [];
  const isType = (detail: GoogleErrorDetail, name: string) => (detail['@type'] ?? '').endsWith(name);
  return {
    status: error.status ?? '',
    message: error.message ?? '',
    details,
    reasons: details
      .filter((detail) => isType(detail, 'ErrorInfo') && detail.reason)
      .map((d) => d.reason as string),
    fieldViolations: details
      .filter((detail) => isType(detail, 'BadRequest'))
      .flatMap((detail) => detail.fieldViolations ?? [])
      .map((violation) => ({
        field: violation.field ?? '',
        description: violation.description ?? '',
        reason: violation.reason,
      })),
    requestId: details.find((detail) => detail.requestId)?.requestId,
  };
}

/** True for the 403 a token gets when its grant lacks the API's OAuth scope. */
export function isMissingScope(error: GoogleError | undefined): boolean {
  if (!error) return false;
  return (
    error.reasons.includes('ACCESS_TOKEN_SCOPE_INSUFFICIENT') ||
    /insufficient authentication scopes|ACCESS_TOKEN_SCOPE_INSUFFICIENT/i.test(error.message)
  );
}
