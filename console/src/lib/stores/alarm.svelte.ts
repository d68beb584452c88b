import type { Severity } from '@dutyroom/domain';
import { board } from './board.svelte.ts';

/** Per operator: one wall screen may be shared by the shift's operators, each with their own choice. */
const muteKey = (username: string) => `dutyroom.alarm.muteLow.${username}`;

/**
 * A tone pattern per severity, so an operator knows the severity without looking: P1 a fast
 * two-tone siren, P2 a double beep, P3 one beep, P4 one soft low beep. Frequencies in Hz,
 * durations in seconds; `every` is how often the pattern repeats until acknowledged.
 */
const PATTERNS: Record<Severity, { tones: readonly [number, number][]; type: OscillatorType; gain: number; everyMs: number }> = {
  P1: {
    tones: [
      [880, 0.18],
      [660, 0.18],
      [880, 0.18],
      [660, 0.18],
    ],
    type: 'square',
    gain: 0.25,
    everyMs: 2000,
  },
  P2: {
    tones: [
      [740, 0.15],
      [740, 0.15],
    ],
    type: 'triangle',
    gain: 0.22,
    everyMs: 5000,
  },
  P3: { tones: [[520, 0.2]], type: 'sine', gain: 0.18, everyMs: 15_000 },
  P4: { tones: [[330, 0.15]], type: 'sine', gain: 0.12, everyMs: 30_000 },
};

/**
 * The audible alarm (SPEC §8): sounds while a work order is unacknowledged, the pattern of the
 * most severe one, repeating until acknowledged. An operator may mute P3/P4 for themselves
 * (remembered per operator in this browser); P1 and P2 cannot be muted. Browsers start audio only after a
 * user gesture: until then `needsGesture` is true and the header offers a button.
 */
class AlarmManager {
  mutedLow = $state(false);
  #username = '';
  audioState = $state<'unavailable' | 'suspended' | 'running'>('unavailable');
  /** Patterns played so far, per severity (tests and the status line read it). */
  played = $state<Record<Severity, number>>({ P1: 0, P2: 0, P3: 0, P4: 0 });
  #context: AudioContext | undefined;
  #lastPlayed = 0;
  #timer: ReturnType<typeof setInterval> | undefined;

  /** The severity that sounds now, or null: the most severe unacknowledged work order not muted. */
  readonly sounding = $derived.by((): Severity | null => {
    for (const { severity, n } of board.unacknowledged) {
      if (n === 0) continue;
      if (this.mutedLow && (severity === 'P3' || severity === 'P4')) continue;
      return severity;
    }
    return null;
  });

  get needsGesture(): boolean {
    return this.audioState !== 'running';
  }

  start(username: string): void {
    this.#username = username;
    this.mutedLow = localStorage.getItem(muteKey(username)) === '1';
    if (this.#timer !== undefined) return;
    this.#ensureContext();
    // Any click or key on the page counts as the gesture that lets audio start.
    const unlock = () => void this.enable();
    window.addEventListener('pointerdown', unlock);
    window.addEventListener('keydown', unlock);
    this.#timer = setInterval(() => this.#tick(), 250);
  }

  async enable(): Promise<void> {
    const context = this.#ensureContext();
    if (context === undefined) return;
    if (context.state !== 'running') await context.resume().catch(() => undefined);
    this.audioState = context.state === 'running' ? 'running' : 'suspended';
  }

  toggleMuteLow(): void {
    this.mutedLow = !this.mutedLow;
    localStorage.setItem(muteKey(this.#username), this.mutedLow ? '1' : '0');
  }

  #ensureContext(): AudioContext | undefined {
    if (this.#context === undefined && typeof AudioContext !== 'undefined') {
      this.#context = new AudioContext();
      this.#context.onstatechange = () => {
        this.audioState = this.#context?.state === 'running' ? 'running' : 'suspended';
      };
    }
    this.audioState = this.#context === undefined ? 'unavailable' : this.#context.state === 'running' ? 'running' : 'suspended';
    return this.#context;
  }

  #tick(): void {
    const severity = this.sounding;
    if (severity === null) {
      this.#lastPlayed = 0;
      return;
    }
    const now = performance.now();
    if (this.#lastPlayed !== 0 && now - this.#lastPlayed < PATTERNS[severity].everyMs) return;
    this.#lastPlayed = now;
    this.#play(severity);
  }

  #play(severity: Severity): void {
    const context = this.#context;
    if (context === undefined || context.state !== 'running') return;
    const pattern = PATTERNS[severity];
    let at = context.currentTime + 0.02;
    for (const [frequency, seconds] of pattern.tones) {
      const oscillator = context.createOscillator();
      const gain = context.createGain();
      oscillator.type = pattern.type;
      oscillator.frequency.value = frequency;
      gain.gain.setValueAtTime(pattern.gain, at);
      gain.gain.exponentialRampToValueAtTime(0.001, at + seconds);
      oscillator.connect(gain).connect(context.destination);
      oscillator.start(at);
      oscillator.stop(at + seconds);
      at += seconds + 0.05;
    }
    this.played = { ...this.played, [severity]: this.played[severity] + 1 };
  }
}

export const alarm = new AlarmManager();
