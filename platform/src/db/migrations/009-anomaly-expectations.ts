import type { Migration } from './migration.ts';

/**
 * The ingest applies a reading's findings in one round trip when it knows the anomalies' state
 * (docs/performance.md): the transaction first checks that what it knew is still true and aborts
 * with this function's error when not, and the ingest then takes the locking path.
 */
export const anomalyExpectations: Migration = {
  id: 9,
  name: 'anomaly-expectations',
  sql: `
create or replace function dutyroom_expect(ok boolean, what text) returns boolean
language plpgsql as $$
begin
  if ok is not true then
    raise exception 'dutyroom: expectation failed: %', what using errcode = 'P0001';
  end if;
  return true;
end
$$;
`,
};
