export * from './escalation.ts';
export * from './push-dto.ts';
export * from './retry.ts';
export * from './routing.ts';
