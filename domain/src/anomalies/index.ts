export * from './hold-down.ts';
export * from './storm.ts';
