/**
 * The work-order lifecycle of 物业跟随制 (SPEC §6). Pure: the server stores, times and audits.
 *
 *   from \ action   dispatch  accept  arrive  resolve  feedBack  returnVisit  close  cancel  falseAlarm  reopen  autoClose
 *   created         dispatched                                                      cancelled false-alarm          closed
 *   dispatched      dispatched accepted                                             cancelled false-alarm          closed
 *   accepted        dispatched         on-site                                      cancelled false-alarm          closed
 *   on-site                                    resolved                             cancelled false-alarm
 *   resolved                                            fed-back
 *   fed-back                                                     visited       closed                       reopened
 *   visited                                                                   closed                       reopened
 *   reopened        dispatched                                                      cancelled
 *
 * `dispatch` again from dispatched/accepted is a reassignment. `autoClose` is the system's: an
 * anomaly whose clear closes its order (a device back online) before anybody arrived (SPEC §5).
 * Cancel, false alarm and reopen need a reason; every action's payload is in actions.ts.
 */
export const workOrderStatuses = [
  'created',
  'dispatched',
  'accepted',
  'on-site',
  'resolved',
  'fed-back',
  'visited',
  'closed',
  'cancelled',
  'false-alarm',
  'reopened',
] as const;
export type WorkOrderStatus = (typeof workOrderStatuses)[number];

export const workOrderActions = [
  'dispatch',
  'accept',
  'arrive',
  'resolve',
  'feedBack',
  'returnVisit',
  'close',
  'cancel',
  'falseAlarm',
  'reopen',
  'autoClose',
] as const;
export type WorkOrderAction = (typeof workOrderActions)[number];

const cancellable = { cancel: 'cancelled', falseAlarm: 'false-alarm' } as const;

const transitions: Readonly<Record<WorkOrderStatus, Partial<Record<WorkOrderAction, WorkOrderStatus>>>> = {
  created: { dispatch: 'dispatched', ...cancellable, autoClose: 'closed' },
  dispatched: { dispatch: 'dispatched', accept: 'accepted', ...cancellable, autoClose: 'closed' },
  accepted: { dispatch: 'dispatched', arrive: 'on-site', ...cancellable, autoClose: 'closed' },
  'on-site': { resolve: 'resolved', ...cancellable },
  resolved: { feedBack: 'fed-back' },
  'fed-back': { returnVisit: 'visited', close: 'closed', reopen: 'reopened' },
  visited: { close: 'closed', reopen: 'reopened' },
  reopened: { dispatch: 'dispatched', cancel: 'cancelled' },
  closed: {},
  cancelled: {},
  'false-alarm': {},
};

/** Actions only the server takes on its own; a person's request for them is refused. */
export const SYSTEM_ACTIONS: readonly WorkOrderAction[] = ['autoClose'];

export const OPEN_STATUSES: readonly WorkOrderStatus[] = workOrderStatuses.filter((s) => s !== 'closed' && s !== 'cancelled' && s !== 'false-alarm');

export class WorkOrderTransitionError extends Error {
  readonly code = 'WO_INVALID_TRANSITION';
  constructor(
    readonly from: WorkOrderStatus,
    readonly action: WorkOrderAction,
  ) {
    const next = allowedActions(from);
    super(`a work order that is ${from} cannot ${action}${next.length > 0 ? ` (it can: ${next.join(', ')})` : ' (it is finished)'}`);
  }
}

export const isOpenStatus = (status: WorkOrderStatus) => OPEN_STATUSES.includes(status);

/** The next status, or a WorkOrderTransitionError for an illegal step. */
export function nextStatus(from: WorkOrderStatus, action: WorkOrderAction): WorkOrderStatus {
  const to = transitions[from][action];
  if (to === undefined) throw new WorkOrderTransitionError(from, action);
  return to;
}

/** What a person can do next (the system's own actions are left out). */
export function allowedActions(from: WorkOrderStatus): WorkOrderAction[] {
  return workOrderActions.filter((a) => transitions[from][a] !== undefined && !SYSTEM_ACTIONS.includes(a));
}
