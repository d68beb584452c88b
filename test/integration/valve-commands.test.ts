import { topics, valveCommandPayloadSchema } from '@dutyroom/domain';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devicePublisher, login } from '../harness/clients.ts';
import { waitFor } from '../harness/servers.ts';
import { startTestStack } from '../harness/stack.ts';

type Stack = Awaited<ReturnType<typeof startTestStack>>;

/**
 * 关阀 (SPEC §5, vacant-unit water SOP): a remote valve command is confirmed by the operator,
 * stored and audited before it is published, and reaches the meter's gateway over the real broker.
 */
describe('remote valve commands', () => {
  let stack: Stack;
  let gateway: MqttClient;
  const received: unknown[] = [];
  let operator: string;

  beforeAll(async () => {
    stack = await startTestStack({ broker: 'aedes', db: 'pglite' });
    gateway = await devicePublisher(stack.mqttUrl);
    await gateway.subscribeAsync(topics.valveCommand(stack.siteId, 'wm-2-1-101'), { qos: 1 });
    gateway.on('message', (_topic, payload) => received.push(JSON.parse(payload.toString())));
    operator = await login(stack.server.url);
  });
  afterAll(async () => {
    await gateway?.endAsync();
    await stack?.stop();
  });

  const send = async (unitId: string, body: unknown, cookie = operator) => {
    const response = await fetch(`${stack.server.url}/api/v1/site/units/${unitId}/valve`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return {
      status: response.status,
      body: (await response.json()) as { command?: { id: string; status: string }; error?: { code: string; message: string } },
    };
  };

  it('closes the valve of a unit that has one: stored, audited, then published to its gateway', async () => {
    const result = await send('2-1-101', { action: 'close', confirm: true, note: '空置房水表走动' });
    expect(result.status).toBe(200);
    expect(result.body.command).toMatchObject({ status: 'sent', unitId: '2-1-101', deviceId: 'wm-2-1-101', action: 'close' });
    const command = await waitFor(() => received[0], 'the valve command at the gateway');
    expect(valveCommandPayloadSchema.parse(command)).toMatchObject({ action: 'close', commandId: result.body.command?.id, drill: false });
    const audited = await stack.db.query<{ actor: string; detail: { confirmed: boolean } }>(
      "select actor, detail from audit_log where action = 'valve.close' and subject_id = '2-1-101'",
    );
    expect(audited.rows).toEqual([expect.objectContaining({ actor: 'operator', detail: expect.objectContaining({ confirmed: true }) })]);
  });

  it('refuses a command the operator did not confirm, and sends nothing', async () => {
    const before = received.length;
    const result = await send('2-1-101', { action: 'close' });
    expect([result.status, result.body.error?.code]).toEqual([400, 'VALIDATION']);
    expect(result.body.error?.message).toContain('confirm');
    expect(received.length).toBe(before);
  });

  it('says so for a unit without a remote valve, and for a unit that does not exist', async () => {
    expect((await send('1-1-101', { action: 'close', confirm: true })).body.error?.code).toBe('CONFLICT');
    expect((await send('9-9-999', { action: 'close', confirm: true })).status).toBe(404);
  });

  it('lets a steward not command valves (the control room does, SPEC §5)', async () => {
    const steward = await login(stack.server.url, 'li');
    const result = await send('2-1-101', { action: 'close', confirm: true }, steward);
    expect(result.status).toBe(403);
  });
});
