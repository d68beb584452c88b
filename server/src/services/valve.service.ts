import {
  type SiteFile,
  topics,
  type UserDto,
  type ValveCommandDto,
  type ValveCommandPayload,
  type ValveCommandRequest,
  valveCommandPayloadSchema,
} from '@dutyroom/domain';
import type { Db, Logger } from '@dutyroom/platform';
import type { MqttClient } from 'mqtt';
import { audit } from '../repositories/audit.repository.ts';
import { historyRepository } from '../repositories/work-order-history.repository.ts';
import { requirePermission } from './access.ts';
import { ServiceError } from './errors.ts';

export interface ValveDeps {
  readonly db: Db;
  readonly site: SiteFile;
  /** The server's MQTT connection, once it is up. */
  readonly mqtt: () => MqttClient | undefined;
  readonly now: () => number;
  readonly log: Logger;
  /** A close command for a work order went out: the order's close-valve item ticks itself (issue 23). */
  readonly onCloseSent?: (workOrderId: string, commandId: string, by: string) => Promise<void>;
}

interface Row {
  id: string;
  unit_id: string;
  device_id: string;
  action: 'close' | 'open';
  status: 'sent' | 'failed';
  issued_by: string;
  issued_at: number;
  work_order_id: string | null;
}

const COLUMNS = `id::text as id, unit_id, device_id, action, status, issued_by, (extract(epoch from issued_at) * 1000)::float8 as issued_at,
  work_order_id::text as work_order_id`;

const toDto = (r: Row): ValveCommandDto => ({
  id: r.id,
  unitId: r.unit_id,
  deviceId: r.device_id,
  action: r.action,
  status: r.status,
  issuedBy: r.issued_by,
  issuedAt: r.issued_at,
  workOrderId: r.work_order_id,
});

/**
 * Remote valve commands (SPEC §5: "remote command if the meter has a valve, with operator
 * confirmation and audit"). Persist, then publish: the command row and its audit entry are
 * committed first; a publish that fails marks the row failed and says so, so nobody believes a
 * valve closed that was never told to.
 */
export function createValveService(deps: ValveDeps) {
  const siteId = deps.site.site.id;
  const valves = new Map(
    deps.site.units.flatMap((u) => u.devices.filter((d) => d.kind === 'water-meter' && d.hasValve === true).map((d) => [u.id, d.id] as const)),
  );

  return {
    async command(user: UserDto | undefined, unitId: string, request: ValveCommandRequest): Promise<ValveCommandDto> {
      const actor = requirePermission(user, 'valve:command', siteId);
      const deviceId = valves.get(unitId);
      if (deviceId === undefined) {
        const known = deps.site.units.some((u) => u.id === unitId);
        throw known
          ? new ServiceError('CONFLICT', `unit ${unitId} has no remotely controlled water valve: close it on site`)
          : new ServiceError('NOT_FOUND', `no unit ${unitId}`);
      }
      const now = deps.now();
      const row = await deps.db.transaction(async (tx) => {
        if (request.workOrderId !== undefined) {
          const order = await tx.query<{ unit_id: string | null }>('select unit_id from work_orders where id = $1 and site_id = $2', [
            request.workOrderId,
            siteId,
          ]);
          if (order.rows[0] === undefined) throw new ServiceError('NOT_FOUND', `no work order ${request.workOrderId}`);
          if (order.rows[0].unit_id !== unitId)
            throw new ServiceError('VALIDATION', `workOrderId: work order ${request.workOrderId} is not about unit ${unitId}`);
        }
        const { rows } = await tx.query<Row>(
          `insert into valve_commands (site_id, unit_id, device_id, action, work_order_id, issued_by, issued_at)
           values ($1, $2, $3, $4, $5, $6, to_timestamp($7 / 1000.0)) returning ${COLUMNS}`,
          [siteId, unitId, deviceId, request.action, request.workOrderId ?? null, actor.displayName, now],
        );
        const inserted = rows[0];
        if (inserted === undefined) throw new Error('valve command not stored');
        await audit(tx, {
          actor: actor.username,
          action: `valve.${request.action}`,
          subjectType: 'unit',
          subjectId: unitId,
          detail: { siteId, deviceId, commandId: inserted.id, workOrderId: request.workOrderId ?? null, note: request.note ?? null, confirmed: true },
          at: now,
        });
        if (request.workOrderId !== undefined)
          await historyRepository.addEvent(tx, {
            workOrderId: request.workOrderId,
            at: now,
            actor: actor.displayName,
            action: `valve-${request.action}`,
            payload: { deviceId, commandId: inserted.id, ...(request.note === undefined ? {} : { note: request.note }) },
          });
        return inserted;
      });

      const payload: ValveCommandPayload = valveCommandPayloadSchema.parse({ commandId: row.id, action: request.action, ts: now, drill: false });
      try {
        const client = deps.mqtt();
        if (client === undefined) throw new Error('no MQTT connection');
        await client.publishAsync(topics.valveCommand(siteId, deviceId), JSON.stringify(payload), { qos: 1 });
        deps.log.info({ unitId, deviceId, action: request.action, commandId: row.id }, 'valve command sent');
        if (request.action === 'close' && request.workOrderId !== undefined)
          await deps
            .onCloseSent?.(request.workOrderId, row.id, row.issued_by)
            .catch((error: unknown) => deps.log.error({ err: error, workOrderId: request.workOrderId }, 'close-valve not ticked on the work order'));
        return toDto(row);
      } catch (error) {
        await deps.db.query(`update valve_commands set status = 'failed', error = $2 where id = $1`, [row.id, (error as Error).message]);
        deps.log.error({ err: error, unitId, deviceId }, 'valve command not sent');
        throw new ServiceError('INTERNAL', `the valve command could not be sent (${(error as Error).message}); close the valve on site`);
      }
    },

    async history(user: UserDto | undefined, unitId: string): Promise<ValveCommandDto[]> {
      requirePermission(user, 'valve:command', siteId);
      const { rows } = await deps.db.query<Row>(`select ${COLUMNS} from valve_commands where site_id = $1 and unit_id = $2 order by id desc limit 50`, [
        siteId,
        unitId,
      ]);
      return rows.map(toDto);
    },
  };
}

export type ValveService = ReturnType<typeof createValveService>;
