export * from './escalation.ts';
export * from './retry.ts';
export * from './routing.ts';
