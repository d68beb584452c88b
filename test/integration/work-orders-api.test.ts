import type { MonthlyReport, PhotoDto, WorkOrderDto } from '@dutyroom/domain';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { available } from '../harness/servers.ts';
import { type DbKind, type Fixture, insertAnomaly, MINUTE, P2_HOLD, startFixture } from './work-orders-fixtures.ts';

type One = { workOrder: WorkOrderDto };
type Err = { error: { code: string; message: string } };
type OpenApi = { paths: Record<string, Record<string, { parameters: { name: string; in: string }[]; requestBody?: unknown; security?: unknown[] }>> };

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

/** The REST API's edges: the OpenAPI document, photos, monthly reports and exports, the audit log. */
for (const kind of ['pglite', 'postgres'] as DbKind[]) {
  const present = kind === 'pglite' || (await available('postgres'));

  describe.skipIf(!present)(`work-order API on ${kind}`, () => {
    let f: Fixture;
    beforeAll(async () => {
      f = await startFixture(kind);
    });
    afterAll(async () => {
      await f?.close();
    });

    const act = (id: string, body: object) => f.api<One>('POST', `/api/v1/work-orders/${id}/transitions`, body);
    const upload = (id: string, bytes: Buffer, type: string, field = 'photo') => {
      const form = new FormData();
      form.append(field, new Blob([bytes], { type }), 'photo.bin');
      return fetch(`${f.server.url}/api/v1/work-orders/${id}/photos`, { method: 'POST', headers: { cookie: f.cookie }, body: form });
    };

    it('serves an OpenAPI document that lists every registered route with its parameters and body', async () => {
      const response = await fetch(`${f.server.url}/api/v1/openapi.json`);
      const doc = (await response.json()) as OpenApi;
      const listed = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
      const registered = f.server.routes.map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
      expect(registered.length).toBeGreaterThan(20);
      expect(listed.sort()).toEqual(registered.sort());
      const transition = doc.paths['/api/v1/work-orders/{id}/transitions']?.['post'];
      expect(transition?.parameters).toEqual([expect.objectContaining({ name: 'id', in: 'path' })]);
      expect(JSON.stringify(transition?.requestBody)).toContain('falseAlarm');
      expect(doc.paths['/api/v1/work-orders']?.['get']?.parameters.map((p) => p.name)).toContain('overdue');
      expect(doc.paths['/healthz']?.['get']?.security).toEqual([]);
    });

    it('refuses every non-public route without a session', async () => {
      const doc = (await (await fetch(`${f.server.url}/api/v1/openapi.json`)).json()) as OpenApi;
      for (const [path, ops] of Object.entries(doc.paths)) {
        for (const [method, op] of Object.entries(ops)) {
          if (op.security !== undefined) continue;
          const url = path.replace('{id}', '1').replace('{itemId}', 'x').replace('{photoId}', '1');
          const response = await fetch(`${f.server.url}${url}${url.includes('reports') ? '?month=2026-03' : ''}`, {
            method: method.toUpperCase(),
            ...(method === 'get' ? {} : { headers: { 'content-type': 'application/json' }, body: '{}' }),
          });
          expect([400, 401, 415], `${method} ${path}`).toContain(response.status);
        }
      }
    });

    it('stores photos under the data directory, checks type and size, and serves them back', async () => {
      const order = (await f.api<One>('POST', '/api/v1/work-orders', { category: 'repair', channel: 'app', unitId: '1-1-101', description: '墙面渗水' })).body
        .workOrder;
      const ok = await upload(order.id, PNG, 'image/png');
      expect(ok.status).toBe(201);
      const { photo } = (await ok.json()) as { photo: PhotoDto };
      expect(photo).toMatchObject({ contentType: 'image/png', sizeBytes: PNG.length });
      const back = await fetch(`${f.server.url}${photo.url}`, { headers: { cookie: f.cookie } });
      expect(Buffer.from(await back.arrayBuffer()).equals(PNG)).toBe(true);

      const wrongType = await upload(order.id, Buffer.from('%PDF-1.4'), 'application/pdf');
      expect(wrongType.status).toBe(415);
      expect(((await wrongType.json()) as Err).error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
      const disguised = await upload(order.id, Buffer.from('not an image at all'), 'image/png');
      expect(((await disguised.json()) as Err).error.message).toBe('the file is not a image/png image');
      const tooLarge = await upload(order.id, Buffer.concat([PNG, Buffer.alloc(10 * 1024 * 1024)]), 'image/png');
      expect(tooLarge.status).toBe(413);
      expect(((await tooLarge.json()) as Err).error.code).toBe('PAYLOAD_TOO_LARGE');
      const json = await f.api<Err>('POST', `/api/v1/work-orders/${order.id}/photos`, { photo: 'x' });
      expect(json.status).toBe(415);
      expect((await f.api<{ photos: PhotoDto[] }>('GET', `/api/v1/work-orders/${order.id}`)).body.photos).toHaveLength(1);

      // An action names the photos that document it; a photo of another order is refused.
      const cancel = await act(order.id, { action: 'cancel', reason: '业主自行处理', photoIds: ['999999'] });
      expect(cancel.status).toBe(400);
      const withPhoto = await act(order.id, { action: 'cancel', reason: '业主自行处理', photoIds: [photo.id] });
      expect(withPhoto.status).toBe(200);
      const timeline = (await f.api<{ timeline: { action: string; payload: { photoIds?: string[] } }[] }>('GET', `/api/v1/work-orders/${order.id}`)).body
        .timeline;
      expect(timeline.find((e) => e.action === 'cancel')?.payload.photoIds).toEqual([photo.id]);
    });

    it('回访规程 每月末汇总: monthly statistics per site, department and person, as JSON, CSV and XLSX', async () => {
      // Two routine repairs by maintenance: one visited next day, one not visited; one false alarm of an anomaly.
      const done = (await f.api<One>('POST', '/api/v1/work-orders', { category: 'repair', channel: 'phone', unitId: '1-1-102', description: '灯不亮' })).body
        .workOrder;
      const late = (await f.api<One>('POST', '/api/v1/work-orders', { category: 'repair', channel: 'phone', unitId: '1-1-102', description: '门锁坏' })).body
        .workOrder;
      for (const id of [done.id, late.id])
        for (const step of [
          { action: 'dispatch', department: 'maintenance', assigneeId: 'chen' },
          { action: 'accept' },
          { action: 'arrive' },
          { action: 'resolve', note: '修好' },
          { action: 'feedBack' },
        ])
          expect((await act(id, step)).status).toBe(200);
      // The next day (次日内): a visit the same day would be early (issue 23) and not count as next-day.
      f.clock.advance(24 * 60 * MINUTE);
      expect((await act(done.id, { action: 'returnVisit', satisfaction: 'satisfied', method: 'phone' })).status).toBe(200);
      const anomaly = await insertAnomaly(f.db, f.siteId, { at: f.clock.now });
      // Still open when its P2 hold (20 s) has passed: it gets its order.
      f.clock.advance(P2_HOLD);
      await f.server.workOrders.onAnomaly(anomaly);
      const { rows } = await f.db.query<{ id: string }>('select id::text as id from work_orders where anomaly_id = $1', [anomaly]);
      await act(rows[0]?.id ?? '', { action: 'falseAlarm', reason: '抄表误差' });

      const report = (await f.api<MonthlyReport>('GET', '/api/v1/reports/monthly?month=2026-03&groupBy=person')).body;
      const chen = report.rows.find((r) => r.key === 'chen');
      expect(chen).toMatchObject({
        label: '陈工',
        returnVisitsDue: 2,
        returnVisitsDone: 1,
        returnVisitRate: 0.5,
        returnVisitsEarly: 0,
        routineNextDayRate: 0.5,
        routineNextDayTarget: 0.7,
      });
      expect(chen?.onTime.contact).toMatchObject({ steps: 2, onTime: 2, rate: 1 });
      expect(report.falseAlarmsByRule).toContainEqual({ rule: 'vacant-unit-water', orders: 1, falseAlarms: 1, rate: 1 });
      const bySite = (await f.api<MonthlyReport>('GET', '/api/v1/reports/monthly?month=2026-03')).body;
      expect(bySite.rows).toHaveLength(1);
      expect(bySite.rows[0]?.satisfactionRate).toBe(1);
      expect((await f.api<MonthlyReport>('GET', '/api/v1/reports/monthly?month=2026-04')).body.rows).toEqual([]);
      expect((await f.api<Err>('GET', '/api/v1/reports/monthly?month=2026-13')).status).toBe(400);

      const csv = await fetch(`${f.server.url}/api/v1/reports/monthly?month=2026-03&groupBy=department&format=csv`, { headers: { cookie: f.cookie } });
      expect(csv.headers.get('content-type')).toContain('text/csv');
      const bytes = Buffer.from(await csv.arrayBuffer());
      // A BOM first, so spreadsheet programs read the Chinese labels as UTF-8.
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.subarray(3).toString('utf8');
      expect(text.split('\r\n')[0]).toMatch(/^department,label,created,completed,completionRate,dispatch\.steps/);
      expect(text).toContain('maintenance,工程 maintenance,');

      const xlsx = await fetch(`${f.server.url}/api/v1/reports/monthly?month=2026-03&groupBy=department&format=xlsx`, { headers: { cookie: f.cookie } });
      const book = new ExcelJS.Workbook();
      await book.xlsx.load(await xlsx.arrayBuffer());
      expect(book.worksheets.map((w) => w.name)).toEqual(['2026-03 department', 'false alarms', 'SOP', 'SOP exceptions']);
      const sheet = book.worksheets[0];
      const maintenance = sheet?.getRows(2, sheet.rowCount - 1)?.find((r) => r.getCell(1).value === 'maintenance');
      expect(maintenance?.getCell(3).value).toBeGreaterThanOrEqual(2);
      expect(book.worksheets[1]?.getRow(2).values).toEqual([undefined, 'vacant-unit-water', 1, 1, 1]);
    });

    it('keeps the audit log append-only', async () => {
      await expect(f.db.query(`update audit_log set actor = 'someone else'`)).rejects.toThrow('append-only');
      await expect(f.db.query('delete from audit_log')).rejects.toThrow('append-only');
      const page = await f.api<{ items: { action: string }[]; total: number }>('GET', '/api/v1/audit?action=work-order.falseAlarm');
      expect(page.body.total).toBe(1);
    });
  });
}
