/**
 * Round-trip times of production, per service, as the bench models them: what a Lambda in us-east-1
 * waits for one call, answer included. DynamoDB single-digit ms (AWS quotes "single-digit millisecond"
 * latency; 5 ms is a same-region round trip through the SDK), the platforms' public APIs a few hundred.
 * Override any of them with BENCH_LATENCY_MS, e.g. `BENCH_LATENCY_MS="dynamodb=8,meta=150"`.
 */
export const SERVICES = [
  'dynamodb',
  'hubspot',
  'oauth',
  'datamanager',
  'googleads',
  'meta',
  'ga4',
  'tiktok',
] as const;
export type Service = (typeof SERVICES)[number];
export type LatencyModel = Record<Service, number>;

export const DEFAULT_LATENCY: LatencyModel = {
  dynamodb: 5,
  hubspot: 120,
  oauth: 80,
  datamanager: 250,
  googleads: 250,
  meta: 200,
  ga4: 200,
  tiktok: 200,
};

/** Platform services whose calls are uploads (the "time to the last upload" ends at the last of them). */
export const UPLOAD_SERVICES: ReadonlySet<string> = new Set<Service>([
  'datamanager',
  'googleads',
  'meta',
  'ga4',
  'tiktok',
]);

function isService(name: string): name is Service {
  return (SERVICES as readonly string[]).includes(name);
}

/** `service=ms` pairs, comma-separated, over the defaults; an unknown service or a bad number throws. */
export function parseLatencyModel(
  spec: string | undefined,
  base: LatencyModel = DEFAULT_LATENCY,
): LatencyModel {
  const model = { ...base };
  if (spec === undefined || spec.trim() === '') return model;
  for (const pair of spec.split(',')) {
    const [name = '', value = ''] = pair.split('=').map((part) => part.trim());
    if (!isService(name)) {
      throw new Error(`BENCH_LATENCY_MS: unknown service "${name}" (one of ${SERVICES.join(', ')})`);
    }
    const ms = Number(value);
    if (value === '' || !Number.isFinite(ms) || ms < 0) {
      throw new Error(`BENCH_LATENCY_MS: ${name} needs a number of milliseconds ≥ 0, got "${value}"`);
    }
    model[name] = ms;
  }
  return model;
}

export function describeLatencyModel(model: LatencyModel): string {
  return SERVICES.map((service) => `${service} ${model[service]} ms`).join(', ');
}
