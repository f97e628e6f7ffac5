/** The domain's types and rules: pure code imports these, never lib/store or lib/config. */
export * from './close';
export * from './consent';
export * from './deal-lifecycle';
export * from './delivery';
export * from './identity';
export * from './intake';
export * from './lead';
export * from './money';
export * from './order';
export * from './processing-check';
export * from './stage';
export * from './stage-inputs';
export * from './subject';
