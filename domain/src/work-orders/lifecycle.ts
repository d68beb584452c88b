/**
 * The work-order lifecycle of 物业跟随制 (SPEC §6). Pure: the server stores, times and audits.
 *
 *   from \ action   dispatch  accept  arrive  resolve  feedBack  returnVisit  close  cancel  falseAlarm  reopen
 *   created         dispatched                                                      cancelled false-alarm
 *   dispatched      dispatched accepted                                             cancelled false-alarm
 *   accepted        dispatched         on-site                                      cancelled false-alarm
 *   on-site                                    resolved                             cancelled false-alarm
 *   resolved                                            fed-back
 *   fed-back                                                     visited       closed                       reopened
 *   visited                                                                   closed                       reopened
 *   reopened        dispatched
 *
 * `dispatch` again from dispatched/accepted is a reassignment.
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

export const workOrderActions = ['dispatch', 'accept', 'arrive', 'resolve', 'feedBack', 'returnVisit', 'close', 'cancel', 'falseAlarm', 'reopen'] as const;
export type WorkOrderAction = (typeof workOrderActions)[number];

const cancellable = { cancel: 'cancelled', falseAlarm: 'false-alarm' } as const;

const transitions: Readonly<Record<WorkOrderStatus, Partial<Record<WorkOrderAction, WorkOrderStatus>>>> = {
  created: { dispatch: 'dispatched', ...cancellable },
  dispatched: { dispatch: 'dispatched', accept: 'accepted', ...cancellable },
  accepted: { dispatch: 'dispatched', arrive: 'on-site', ...cancellable },
  'on-site': { resolve: 'resolved', ...cancellable },
  resolved: { feedBack: 'fed-back' },
  'fed-back': { returnVisit: 'visited', close: 'closed', reopen: 'reopened' },
  visited: { close: 'closed', reopen: 'reopened' },
  reopened: { dispatch: 'dispatched' },
  closed: {},
  cancelled: {},
  'false-alarm': {},
};

export const OPEN_STATUSES: readonly WorkOrderStatus[] = workOrderStatuses.filter((s) => s !== 'closed' && s !== 'cancelled' && s !== 'false-alarm');

export class WorkOrderTransitionError extends Error {
  readonly code = 'WO_INVALID_TRANSITION';
  constructor(
    readonly from: WorkOrderStatus,
    readonly action: WorkOrderAction,
  ) {
    super(`a work order that is ${from} cannot ${action}`);
  }
}

/** The next status, or a WorkOrderTransitionError for an illegal step. */
export function nextStatus(from: WorkOrderStatus, action: WorkOrderAction): WorkOrderStatus {
  const to = transitions[from][action];
  if (to === undefined) throw new WorkOrderTransitionError(from, action);
  return to;
}

export function allowedActions(from: WorkOrderStatus): WorkOrderAction[] {
  return workOrderActions.filter((a) => transitions[from][a] !== undefined);
}
