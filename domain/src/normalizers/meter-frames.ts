import { reject } from '../model/rejection.ts';
import type { DeviceContext } from '../site/site-index.ts';
import { hex } from './bcd.ts';
import { type Cjt188Frame, isCjt188Water, isMeteringDataDi, readCjt188At, readCjt188MeteringData } from './cjt188.ts';
import { localTimeToEpoch } from './clock.ts';
import { type BodyOrRejection, type DecodeBatch, meterRate, meterTotal } from './device-quirks.ts';
import { type Dlt645Frame, interpretDlt645, readDlt645At } from './dlt645.ts';
import { contentHash } from './message-key.ts';
import type { DeviceLookup } from './normalizer.ts';

/**
 * Meter frames relayed by a concentrator or DTU (透传): one message may hold several CJ/T 188 and
 * DL/T 645 frames for many meters, as hex text (any case, any whitespace) or raw bytes. The
 * meter address in each frame finds the device: `source: { ecosystem: cjt188 | dlt645, address }`.
 *
 * Rules (docs/protocol.md §Meter frames): FE wake-up bytes are skipped; a frame starts at 0x68 and
 * its length, end byte, checksum and BCD are checked; a bad checksum skips that frame only; bytes
 * that form no frame (garbage, a frame cut off at the end of the message) are one `bad-frame`
 * rejection; read requests carry no data and are ignored; error replies are `device-error`.
 * Frames are not reassembled across messages.
 */

export type ScannedFrame = Cjt188Frame | Dlt645Frame;
export interface FrameScan {
  readonly frames: readonly ScannedFrame[];
  readonly checksumErrors: readonly string[];
  /** Bytes other than FE preambles that belong to no frame. */
  readonly strayBytes: number;
}

/**
 * Every frame in a buffer, resynchronising on 0x68 after garbage or a broken frame. A span whose
 * checksum fails is only reported once no valid frame starts inside it: a stray 0x68 in garbage
 * can look like the start of a frame that swallows the real one.
 */
export function scanMeterFrames(bytes: Uint8Array): FrameScan {
  const frames: ScannedFrame[] = [];
  const checksumErrors: string[] = [];
  let strayBytes = 0;
  let pending: { detail: string; end: number; strayBefore: number } | undefined;
  let i = 0;
  while (i < bytes.length) {
    if (pending !== undefined && i >= pending.end) {
      checksumErrors.push(pending.detail);
      strayBytes = pending.strayBefore;
      pending = undefined;
    }
    const b = bytes[i];
    if (b === 0xfe) {
      i++;
      continue;
    }
    if (b === 0x68) {
      // DL/T 645 first: its second 68 at offset 7 is a stricter shape than CJ/T 188's.
      const dlt = readDlt645At(bytes, i);
      const attempt = dlt.kind === 'no-frame' ? readCjt188At(bytes, i) : dlt;
      if (attempt.kind === 'frame') {
        pending = undefined;
        frames.push(attempt.frame);
        i = attempt.end;
        continue;
      }
      if (attempt.kind === 'checksum' && pending === undefined) pending = { detail: attempt.detail, end: attempt.end, strayBefore: strayBytes };
    }
    strayBytes++;
    i++;
  }
  if (pending !== undefined) {
    checksumErrors.push(pending.detail);
    strayBytes = pending.strayBefore;
  }
  return { frames, checksumErrors, strayBytes };
}

const isHexText = (payload: Uint8Array): boolean => {
  let digits = 0;
  for (const c of payload) {
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66)) digits++;
    else if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) return false;
  }
  return digits > 0;
};

const hexValue = (c: number): number => (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);

/**
 * Hex text → bytes; raw bytes pass through. A raw frame always holds 0x68 ("h"), which is no hex
 * digit, so the two forms cannot be confused. Undefined for hex text with an odd digit count.
 */
export function framePayloadBytes(payload: Uint8Array): Uint8Array | undefined {
  if (!isHexText(payload)) return payload;
  const out: number[] = [];
  let high = -1;
  for (const c of payload) {
    if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (high < 0) high = hexValue(c);
    else {
      out.push((high << 4) | hexValue(c));
      high = -1;
    }
  }
  return high >= 0 ? undefined : Uint8Array.from(out);
}

function cjt188Readings(frame: Cjt188Frame, device: DeviceContext, timezone: string): { parts: BodyOrRejection[]; deviceTs: number | undefined } | undefined {
  const c = frame.control;
  if ((c & 0x80) === 0) return undefined; // a request from the concentrator: nothing to record
  if ((c & 0x40) !== 0)
    return { parts: [reject('device-error', `CJ/T 188 meter ${frame.address}: error reply C=0x${c.toString(16)} ${hex(frame.data)}`)], deviceTs: undefined };
  if ((c & 0x3f) !== 0x01 || !isMeteringDataDi(frame.data))
    return {
      parts: [reject('unsupported', `CJ/T 188 control 0x${c.toString(16)} DI ${hex(frame.data, 0, 2)} is not read by the ingest`)],
      deviceTs: undefined,
    };
  if (!isCjt188Water(frame.meterType))
    return { parts: [reject('unsupported', `CJ/T 188 meter type 0x${frame.meterType.toString(16)} is not a water meter`)], deviceTs: undefined };
  const data = readCjt188MeteringData(frame.data, 3);
  if (!data.ok) return { parts: [reject(data.reason, `CJ/T 188 meter ${frame.address}: ${data.detail}`)], deviceTs: undefined };
  const t = data.value.meterTime;
  const deviceTs = t === undefined ? undefined : localTimeToEpoch(t.year, t.month, t.day, t.hour, t.minute, t.second, timezone);
  return { parts: [meterTotal(device, data.value.totalM3, 'm3')], deviceTs };
}

function dlt645Readings(frame: Dlt645Frame, device: DeviceContext): BodyOrRejection[] | undefined {
  const value = interpretDlt645(frame);
  switch (value.kind) {
    case 'request':
      return undefined;
    case 'energy':
      return [meterTotal(device, value.kWh, 'kWh')];
    case 'power':
      return [meterRate(device, value.kW, 'kW')];
    case 'error':
      return [reject('device-error', value.detail)];
    case 'unsupported':
      return [reject('unsupported', value.detail)];
  }
}

/** Decodes a frames message into `batch`: one set of readings per meter frame. */
export function decodeMeterFrames(
  input: { readonly topic: string; readonly payload: Uint8Array; readonly receivedAt: number },
  devices: DeviceLookup,
  timezone: string,
  batch: DecodeBatch,
): DecodeBatch {
  const bytes = framePayloadBytes(input.payload);
  if (bytes === undefined) return batch.reject(reject('bad-frame', 'hex text with an odd number of digits').rejection);
  const scan = scanMeterFrames(bytes);
  for (const detail of scan.checksumErrors) batch.reject(reject('checksum', detail).rejection);
  if (scan.strayBytes > 0)
    batch.reject(
      reject(
        'bad-frame',
        `${scan.strayBytes} of ${bytes.length} bytes form no complete frame (garbage, or a frame cut off; frames are not joined across messages)`,
      ).rejection,
    );
  for (const frame of scan.frames) {
    const device = devices.bySource(frame.protocol, frame.address);
    const isRequest = (frame.control & 0x80) === 0;
    if (isRequest) continue;
    if (device === undefined) {
      batch.reject(
        reject('unknown-device', `${frame.protocol === 'cjt188' ? 'CJ/T 188' : 'DL/T 645'} meter ${frame.address} is not in the site file`).rejection,
      );
      continue;
    }
    const messageId = contentHash(input.topic, frame.raw);
    if (frame.protocol === 'cjt188') {
      const r = cjt188Readings(frame, device, timezone);
      if (r !== undefined) batch.add(device, r.parts, { deviceTs: r.deviceTs, receivedAt: input.receivedAt, messageId });
    } else {
      const parts = dlt645Readings(frame, device);
      if (parts !== undefined) batch.add(device, parts, { deviceTs: undefined, receivedAt: input.receivedAt, messageId });
    }
  }
  return batch;
}
