import type { NoiseRunResult } from './run.ts';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The bench's table, the false anomalies (first 20), the per-incident outcomes and the PASS/FAIL lines. */
export function formatNoiseResult(result: NoiseRunResult, simStart?: number): string {
  const r = result.report;
  const perIncident = (n: number) => (r.trueIncidents === 0 ? '–' : (n / r.trueIncidents).toFixed(2));
  const ordersOnTrue = r.outcomes.reduce((s, o) => s + o.workOrders, 0);
  const pushesOnTrue = r.outcomes.reduce((s, o) => s + o.pushes, 0);
  const rows: [string, string][] = [
    ['simulated time', `${(result.simulatedMs / 86_400_000).toFixed(2)} days in ${Math.round(result.wallMs / 1000)} s wall`],
    ['devices / simulator starts', `${result.devices} / ${result.simulatorStarts}`],
    [
      'messages published / handled by the ingest',
      `${result.published} / ${result.handled} (max lag ${result.maxLag}, clock held ${Math.round(result.backlogPauseMs / 1000)} s for the ingest)`,
    ],
    ['true incidents injected', `${r.trueIncidents}`],
    ['true incidents detected', `${r.detected}`],
    ['anomalies opened: real / drill', `${r.anomaliesReal} / ${r.anomaliesDrill}`],
    ['incidents (rule incident)', `${r.incidents}`],
    ...Object.entries(r.tolerated).map(([label, n]): [string, string] => [`accepted: ${label}`, `${n}`]),
    ['FALSE anomalies', `${r.falseAnomalies.length}`],
    ['work orders opened (on true incidents / not due)', `${r.workOrders} (${ordersOnTrue} / ${r.workOrdersOutside})`],
    ['pushes for anomalies (on true incidents / not due)', `${r.pushes} (${pushesOnTrue} / ${r.pushesOutside}); SLA escalation pushes ${r.slaPushes}`],
    ['work orders per true incident', perIncident(ordersOnTrue)],
    ['pushes per true incident', perIncident(pushesOnTrue)],
  ];
  const lines = ['', 'Noise budget', ...rows.map(([k, v]) => `  ${pad(k, 56)} ${v}`), ''];
  lines.push('Per true incident: anomalies / work orders (expected) / pushes');
  for (const o of r.outcomes)
    lines.push(
      `  ${o.detected ? 'detected' : 'MISSED  '} ${pad(o.label, 58)} ${o.anomalies} / ${o.workOrders} (${o.workOrdersExpected}) / ${o.pushes}${o.missing.length > 0 ? `  missing ${o.missing.join(', ')}` : ''}`,
    );
  lines.push('');
  if (r.falseAnomalies.length > 0) {
    lines.push(
      `False anomalies by rule: ${Object.entries(r.falseByRule)
        .map(([rule, n]) => `${rule} ${n}`)
        .join(', ')}`,
    );
    lines.push(
      `False anomalies by what they came after: ${Object.entries(r.falseAfter)
        .map(([cause, n]) => `${cause} ${n}`)
        .join(', ')}`,
    );
    lines.push(`First ${Math.min(20, r.falseAnomalies.length)} of ${r.falseAnomalies.length} (rule, subject, opened after, evidence):`);
    for (const f of r.falseAnomalies.slice(0, 20)) {
      const when = simStart === undefined ? '' : ` day ${((f.openedAt - simStart) / 86_400_000).toFixed(3)}`;
      lines.push(
        `  ${f.drill ? '[drill] ' : ''}${f.rule} ${f.subject}${f.inIncident ? ' (member of an incident)' : ''}${when}, after ${f.after}: ${f.evidence}`,
      );
    }
    lines.push('');
  }
  for (const v of r.verdict) lines.push(`${v.pass ? 'PASS' : 'FAIL'} ${v.check}: ${v.detail}`);
  lines.push(`${r.verdict.every((v) => v.pass) ? 'PASS' : 'FAIL'} noise budget`);
  return lines.join('\n');
}
