import type { TestProject } from 'vitest/node';
import { startDynalite } from '../../local/dynalite';

/** One dynalite server on loopback for the whole run; each test file creates its own table in it. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dynamo = await startDynalite();
  project.provide('dynamodbEndpoint', dynamo.endpoint);
  return () => dynamo.stop();
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamodbEndpoint: string;
  }
}
