import { type DestinationOutcomes, outcomeSummary } from '../outcome-summary';
import type { StatusData } from '../status-data';
import { buildStatusReport, type StatusReport } from '../status-report';

/**
 * The overview's numbers (pure), from what `npm run status` reads (status-data.ts) and with its own
 * report code: leads captured, funnel stages reached, closes won and lost and orders by day (UTC) over the last `days` days up to
 * `now`, and, over every delivery in the table, each destination's outcomes (outcome-summary.ts) and the
 * stuck and failed ones (status-report.ts).
 */
export type Overview = {
  days: string[];
  byDay: { leads: number[]; stages: number[]; won: number[]; lost: number[]; orders: number[] };
  period: { leads: number; stages: number; won: number; lost: number; orders: number };
  /** Leads that reached each funnel stage in the period, by stage name. */
  stages: Record<string, number>;
  deliveries: number;
  destinations: { destination: string; total: number; outcomes: DestinationOutcomes }[];
  stuck: StatusReport['oldestWaiting'];
  failures: StatusReport['lastFailures'];
};

const DAY = 86_400_000;
const dayOf = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function buildOverview(data: StatusData, options: { now: number; days: number }): Overview {
  const last = Math.floor(options.now / DAY) * DAY;
  const days = Array.from({ length: options.days }, (_, index) =>
    dayOf(last - (options.days - 1 - index) * DAY),
  );
  const slot = new Map(days.map((day, index) => [day, index]));
  const byDay = {
    leads: days.map(() => 0),
    stages: days.map(() => 0),
    won: days.map(() => 0),
    lost: days.map(() => 0),
    orders: days.map(() => 0),
  };
  const count = (series: number[], at: number) => {
    const index = slot.get(dayOf(at));
    if (index !== undefined) series[index] = (series[index] ?? 0) + 1;
  };
  for (const lead of data.leads) count(byDay.leads, lead.capturedAt);
  const stages: Record<string, number> = {};
  for (const subject of data.subjects) {
    if (!Number.isFinite(subject.at)) continue;
    if (subject.kind === 'stage') {
      count(byDay.stages, subject.at);
      if (slot.has(dayOf(subject.at)) && subject.stage)
        stages[subject.stage] = (stages[subject.stage] ?? 0) + 1;
    } else if (subject.kind === 'order') count(byDay.orders, subject.at);
    else if (subject.outcome === 'won') count(byDay.won, subject.at);
    else if (subject.outcome === 'lost') count(byDay.lost, subject.at);
  }
  const sum = (series: number[]) => series.reduce((total, value) => total + value, 0);
  const report = buildStatusReport(data.deliveries);
  const outcomes = outcomeSummary(data.deliveries);
  return {
    days,
    byDay,
    period: {
      leads: sum(byDay.leads),
      stages: sum(byDay.stages),
      won: sum(byDay.won),
      lost: sum(byDay.lost),
      orders: sum(byDay.orders),
    },
    stages,
    deliveries: report.deliveries,
    destinations: Object.entries(outcomes)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([destination, row]) => ({
        destination,
        total: Object.values(report.totals[destination] ?? {}).reduce((total, value) => total + value, 0),
        outcomes: row,
      })),
    stuck: report.oldestWaiting,
    failures: report.lastFailures,
  };
}
