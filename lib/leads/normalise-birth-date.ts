import { normaliseCountryCode, usesUsZip } from './normalise-country';
import { cleanText } from './normalise-text';

const MONTH_NAMES = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

function monthOfName(word: string): number | undefined {
  // "feb", "febr", "february" and "sept": at least three letters of one month's English name.
  const prefix = word === 'sept' ? 'sep' : word;
  if (prefix.length < 3) return undefined;
  const index = MONTH_NAMES.findIndex((name) => name.startsWith(prefix));
  return index === -1 ? undefined : index + 1;
}

function formatDate(year: number, month: number, day: number): string | undefined {
  const date = new Date(Date.UTC(year, month - 1, day));
  const valid =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    year >= 1900 &&
    year <= 2099;
  return valid ? `${year}${String(month).padStart(2, '0')}${String(day).padStart(2, '0')}` : undefined;
}

/*
 * The day/month rule for dates written with the year last (Meta's example input "2/16/1997"):
 * a number above 12 is the day, whichever comes first ("16/2/1997" and "2/16/1997" are both
 * 16 February). When both numbers could be the month ("2/3/1997"), the lead's country decides:
 * month first for the US and the territories that use US ZIP codes (PR, GU, VI, AS, MP, UM), day
 * first for every other known country. With no known country such a date is left out rather than
 * guessed: a wrong `db` hash never matches, and a guessed one may match the wrong person.
 */
function yearLast(first: number, second: number, year: number, country: string | undefined) {
  if (first > 12) return formatDate(year, second, first);
  if (second > 12 || first === second) return formatDate(year, first, second);
  if (normaliseCountryCode(country) === undefined) return undefined;
  return usesUsZip(country) ? formatDate(year, first, second) : formatDate(year, second, first);
}

// "16 feb 1997", "february 16th, 1997", "1997-feb-16": the month is named, so there is no ambiguity.
function withMonthName(value: string): string | undefined {
  const tokens = value.split(/[\s,./-]+/).filter((token) => token !== '');
  if (tokens.length !== 3) return undefined;
  const [head = '', middle = '', tail = ''] = tokens;
  const [year, rest] = /^\d{4}$/.test(head) ? [head, [middle, tail]] : [tail, [head, middle]];
  if (!/^\d{4}$/.test(year)) return undefined;
  const monthIndex = rest.findIndex((token) => /^\p{L}+$/u.test(token));
  const month = monthOfName(rest[monthIndex] ?? '');
  const day = /^(\d{1,2})(?:st|nd|rd|th)?$/.exec(rest[1 - monthIndex] ?? '')?.[1];
  return month === undefined || day === undefined ? undefined : formatDate(Number(year), month, Number(day));
}

/**
 * Meta `db`: "YYYYMMDD". Read from the year-first forms (ISO "1997-02-16", "19970216", an ISO
 * timestamp's date part, "1997/2/16", "1997.02.16"), the year-last forms of Meta's own example
 * ("2/16/1997", "16.02.1997", "16-02-1997", eight bare digits "02161997") under the day/month rule
 * above, and English month names ("16 Feb 1997", "February 16, 1997"). Impossible dates
 * ("2023-02-30"), two-digit years and years outside 1900–2099 are dropped; `country` is the lead's.
 */
export function normaliseBirthDate(raw: string | undefined, country?: string): string | undefined {
  const value = cleanText(raw)
    ?.toLowerCase()
    .replace(/\s*([./-])\s*/g, '$1')
    .replace(/\s+/g, ' ');
  if (value === undefined) return undefined;
  // An ISO date, or the date part of a timestamp ("1997-02-16T…", or "1997-02-16 00:00" as SQL writes it).
  const iso = /^(\d{4})-?(\d{2})-?(\d{2})(?:$|t| )/.exec(value);
  const isoDate = iso && formatDate(Number(iso[1]), Number(iso[2]), Number(iso[3]));
  if (isoDate) return isoDate;
  const yearFirst = /^(\d{4})([./ -])(\d{1,2})\2(\d{1,2})$/.exec(value);
  if (yearFirst) return formatDate(Number(yearFirst[1]), Number(yearFirst[3]), Number(yearFirst[4]));
  const numeric =
    /^(\d{1,2})([./ -])(\d{1,2})\2(\d{4})$/.exec(value) ?? /^(\d{2})()(\d{2})(\d{4})$/.exec(value);
  if (numeric) return yearLast(Number(numeric[1]), Number(numeric[3]), Number(numeric[4]), country);
  return withMonthName(value);
}
