export * from './hold-down.ts';
export * from './incident-grouping.ts';
export * from './storm.ts';
