import { type Html, html, raw } from './html';

/**
 * Charts as inline SVG, drawn on the server: they show with JavaScript off, need no library in the page,
 * and a test can read their numbers (each bar carries its value in a <title>, and the table beside it).
 */
export type Series = { name: string; color: string; values: readonly number[] };

/** Bars per day, one per series side by side; `labels` are the days. */
export function dailyBars(
  labels: readonly string[],
  series: readonly Series[],
  options: { id: string },
): Html {
  const height = 160;
  const groupWidth = Math.max(18, series.length * 10 + 8);
  const width = Math.max(320, labels.length * groupWidth + 40);
  const max = Math.max(1, ...series.flatMap((line) => line.values));
  const bar = (series.length > 0 ? (groupWidth - 6) / series.length : 0) | 0;
  const y = (value: number) => height - 20 - (value / max) * (height - 40);
  const bars = labels.map((label, day) =>
    series.map((line, index) => {
      const value = line.values[day] ?? 0;
      const x = 30 + day * groupWidth + index * bar;
      return html`<rect x="${x}" y="${y(value)}" width="${Math.max(1, bar - 1)}" height="${height - 20 - y(value)}" fill="${line.color}" data-series="${line.name}" data-day="${label}" data-value="${value}"><title>${label}: ${line.name} ${value}</title></rect>`;
    }),
  );
  const ticks = labels.map((label, day) =>
    day % Math.ceil(labels.length / 7) === 0
      ? html`<text x="${30 + day * groupWidth}" y="${height - 4}" font-size="10" fill="#5b6b7c">${label.slice(5)}</text>`
      : '',
  );
  return html`<figure><svg id="${options.id}" role="img" aria-label="by day" viewBox="0 0 ${width} ${height}" width="100%" height="${height}" preserveAspectRatio="xMinYMin meet"><text x="0" y="12" font-size="10" fill="#5b6b7c">${max}</text><line x1="28" x2="${width}" y1="${height - 20}" y2="${height - 20}" stroke="#c5ccd5"/>${bars}${ticks}</svg>${legend(series)}</figure>`;
}

/** One horizontal bar split into parts (a destination's deliveries by outcome). */
export function stackedBar(
  parts: readonly { name: string; color: string; value: number }[],
  id: string,
): Html {
  const total = parts.reduce((sum, part) => sum + part.value, 0);
  let x = 0;
  const rects = parts.map((part) => {
    const width = total === 0 ? 0 : (part.value / total) * 600;
    const rect = html`<rect x="${x}" y="0" width="${width}" height="18" fill="${part.color}" data-part="${part.name}" data-value="${part.value}"><title>${part.name}: ${part.value}</title></rect>`;
    x += width;
    return rect;
  });
  return html`<svg id="${id}" role="img" aria-label="outcomes" viewBox="0 0 600 18" width="100%" height="18" preserveAspectRatio="none">${
    total === 0 ? raw('<rect x="0" y="0" width="600" height="18" fill="#eef1f4"/>') : rects
  }</svg>`;
}

export function legend(series: readonly { name: string; color: string }[]): Html {
  return html`<div class="legend">${series.map((line) => html`<span><i style="background:${line.color}"></i>${line.name}</span>`)}</div>`;
}
