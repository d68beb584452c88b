export * from './hold-down.ts';
export * from './storm.ts';
export * from './incident-grouping.ts';
