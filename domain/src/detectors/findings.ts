import { z } from 'zod';
import type { MeterStep } from '../meters/register.ts';
import type { DetectorEvent, Severity } from '../model/anomaly.ts';
import type { DeviceContext } from '../site/site-index.ts';

/** Shorthands for a detector's output: data, never calls (STYLE §8.3 "Outputs are data"). */
export const raise = (rule: string, subject: string, severity: Severity, evidence: Record<string, string | number | boolean>): DetectorEvent => ({
  type: 'raise',
  rule,
  subject,
  severity,
  evidence,
});

export const clear = (rule: string, subject: string, closesWorkOrder: boolean): DetectorEvent => ({ type: 'clear', rule, subject, closesWorkOrder });

/** Meter rules speak of the unit when the meter is in one (the owner is phoned), else of the meter. */
export const meterSubject = (device: DeviceContext): string => device.unit?.id ?? device.device.id;

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** Keeps evidence readable: 0.0123456 → 0.012. */
export const round3 = (value: number): number => Math.round(value * 1000) / 1000;

/**
 * Register settings shared by every rule that turns totals into consumption (domain/src/meters/register.ts).
 * Defaults: CJ/T 188 and DL/T 645 registers wrap after 999999.99 (reference/device-ecosystems.md §6, §7).
 */
export const meterConfigFields = (maxPerHour: number) => ({
  /** Register modulus (m³ or kWh); 0 = never wraps. */
  meterRollover: z.number().nonnegative().default(1_000_000),
  /** Beyond this advance per hour a step is an implausible jump, not consumption. */
  meterMaxPerHour: z.number().positive().default(maxPerHour),
});

export const registerOptions = (config: { readonly meterRollover: number; readonly meterMaxPerHour: number }) => ({
  rollover: config.meterRollover,
  maxPerHour: config.meterMaxPerHour,
});

/** A household DN15 water meter's overload flow is 3.125 m³/h; 50 m³/h leaves room for DN50 mains. */
export const WATER_MAX_PER_HOUR = 50;
/** A household supply is 8–16 kW; 500 kWh/h leaves room for a building's mains meter. */
export const ELECTRICITY_MAX_PER_HOUR = 500;

/** The shared register's step of a register reading; the pipeline always passes one (DetectorContext.meter). */
export function meterStep(ctx: { readonly meter?: MeterStep | undefined }): MeterStep {
  if (ctx.meter === undefined) throw new Error('a register reading came without the meter step (DetectorContext.meter)');
  return ctx.meter;
}
