import { type LatencyModel, type Service, UPLOAD_SERVICES } from './latency-model';

/**
 * The floor of a path: the round trips it must make, each with why it cannot be dropped and what it must
 * wait for, laid out in their unavoidable order. Its length under a latency model is the critical path
 * (each trip starts when the last trip it waits for has answered); no implementation of the same
 * guarantees can answer sooner. Pure: tested with plain values.
 */
export type RoundTrip = {
  id: string;
  service: Service;
  /** What the trip is (`BatchGetItem receipts + deal pointer`). */
  call: string;
  /** Why it must be made. */
  why: string;
  /** The trips whose answers it needs (their ids). */
  after: readonly string[];
};

export type Floor = {
  /** When the last trip answers: the earliest possible answer to the caller. */
  answerMs: number;
  /** When the last upload answers. */
  lastUploadMs: number;
  /** The trips in waves: every trip of a wave can start once the waves before it have answered. */
  waves: string[][];
  /** Each trip's earliest start and end. */
  schedule: Record<string, { start: number; end: number }>;
  /** Round trips by service. */
  calls: Partial<Record<Service, number>>;
};

export function computeFloor(trips: readonly RoundTrip[], latency: LatencyModel): Floor {
  const byId = new Map<string, RoundTrip>();
  for (const trip of trips) {
    if (byId.has(trip.id)) throw new Error(`round trip "${trip.id}" is listed twice`);
    byId.set(trip.id, trip);
  }
  for (const trip of trips) {
    for (const dependency of trip.after) {
      if (!byId.has(dependency)) throw new Error(`round trip "${trip.id}" waits for unknown "${dependency}"`);
    }
  }
  const schedule: Record<string, { start: number; end: number }> = {};
  const depth = new Map<string, number>();
  const visiting = new Set<string>();
  const place = (id: string): { end: number; depth: number } => {
    const placed = schedule[id];
    if (placed) return { end: placed.end, depth: depth.get(id) ?? 0 };
    if (visiting.has(id)) throw new Error(`round trips wait for each other in a cycle through "${id}"`);
    visiting.add(id);
    const trip = byId.get(id) as RoundTrip;
    let start = 0;
    let level = 0;
    for (const dependency of trip.after) {
      const before = place(dependency);
      start = Math.max(start, before.end);
      level = Math.max(level, before.depth + 1);
    }
    visiting.delete(id);
    schedule[id] = { start, end: start + latency[trip.service] };
    depth.set(id, level);
    return { end: start + latency[trip.service], depth: level };
  };
  for (const trip of trips) place(trip.id);

  const waves: string[][] = [];
  for (const trip of trips) {
    const level = depth.get(trip.id) ?? 0;
    waves[level] = [...(waves[level] ?? []), trip.id];
  }
  const calls: Partial<Record<Service, number>> = {};
  for (const trip of trips) calls[trip.service] = (calls[trip.service] ?? 0) + 1;
  const ends = (filter: (trip: RoundTrip) => boolean) =>
    Math.max(0, ...trips.filter(filter).map((trip) => schedule[trip.id]?.end ?? 0));
  return {
    answerMs: ends(() => true),
    lastUploadMs: ends((trip) => UPLOAD_SERVICES.has(trip.service)),
    waves,
    schedule,
    calls,
  };
}
