import { UserError } from '../errors.js';

const UNITS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
/** Longer than any test session; a record that says "temporary" for months would mislead. */
export const MAX_DURATION_MS = 30 * UNITS.d!;

/** `--for`'s DURATION: one or more NUMBER+UNIT parts (s, m, h, d), e.g. 90s, 10m, 1h30m. */
export function parseDuration(text: string, flag = '--for'): number {
  const parts = [...text.trim().matchAll(/(\d+(?:\.\d+)?)([smhd])/g)];
  const whole = parts.map((p) => p[0]).join('');
  if (parts.length === 0 || whole !== text.trim())
    throw new UserError(
      `${flag} ${JSON.stringify(text)}: not a duration; give a number with a unit, like 90s, 10m or 1h30m.`,
    );
  const ms = parts.reduce((sum, [, value, unit]) => sum + Number(value) * UNITS[unit!]!, 0);
  if (ms < 1000) throw new UserError(`${flag} ${text}: shorter than a second; give at least 1s.`);
  if (ms > MAX_DURATION_MS)
    throw new UserError(`${flag} ${text}: longer than 30 days; for lasting trust, use add without ${flag}.`);
  return Math.round(ms);
}

/** Milliseconds as "1h 02m 05s" / "4m 59s" / "12s", for the time left. */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  return m > 0 ? `${m}m ${pad(s)}s` : `${s}s`;
}
