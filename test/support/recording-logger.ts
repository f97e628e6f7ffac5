import type { Logger } from '@aws-lambda-powertools/logger';

/** A logger that keeps every line (message and fields) so a test can scan them; prints nothing. */
export function createRecordingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const record =
    (level: string) =>
    (...input: unknown[]) => {
      lines.push(`${level} ${JSON.stringify(input)}`);
    };
  const logger = {
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
    critical: record('critical'),
    addContext: () => undefined,
    appendKeys: () => undefined,
    removeKeys: () => undefined,
    resetKeys: () => undefined,
  } as unknown as Logger;
  return { logger, lines };
}
