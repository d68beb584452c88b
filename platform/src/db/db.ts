/** The relational store port: PGlite (embedded) and PostgreSQL implement it with the same SQL. */
export interface Queryable {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<{ rows: Row[] }>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

/** One parameterised statement. Parameters are scalars: text, numbers, booleans, null. */
export interface Statement {
  readonly sql: string;
  readonly params: readonly (string | number | boolean | null)[];
}

/** A transaction's connection. */
export interface Transaction extends Queryable {
  /**
   * Runs `statements` in order and returns each one's rows; the first that fails fails the batch
   * (and the transaction). With PostgreSQL they travel in one round trip, the transaction's
   * `begin` with the first batch and, with `commit`, its `commit` with the last: a transaction of
   * two batches costs two round trips instead of one per statement. `commit` ends the transaction.
   */
  batch<Row = Record<string, unknown>>(statements: readonly Statement[], options?: { readonly commit?: boolean }): Promise<{ rows: Row[] }[]>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction; rolls back when it throws. */
  transaction<T>(work: (tx: Transaction) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
