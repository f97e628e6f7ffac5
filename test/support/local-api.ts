import type { FunctionName } from '../../lib/http/routes';
import type { AnyHandler } from '../../local/functions';
import { listenOnLoopback } from '../../local/loopback-server';
import { createLocalServer } from '../../local/server';

export type LocalApi = { baseUrl: string; close: () => Promise<void> };

/** DESIGN.md's routes on a loopback port over the given handlers, exactly as `npm start` serves them. */
export async function startLocalApi(handlers: Partial<Record<FunctionName, AnyHandler>>): Promise<LocalApi> {
  const { url, close } = await listenOnLoopback(createLocalServer(async (name) => handlers[name]));
  return { baseUrl: url, close };
}
