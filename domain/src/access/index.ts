export * from './coverage.ts';
export * from './grid-scope.ts';
export * from './masking.ts';
export * from './roles.ts';
