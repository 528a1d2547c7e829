// Slot arithmetic. A tracking of D days has D × 24 slots; slot k is due at created_at + k × interval.
import type { VideoRow } from '../store/schema.ts';

export const SLOTS_PER_DAY = 24;

export const totalSlots = (durationDays: number): number => durationDays * SLOTS_PER_DAY;

export const slotDueAt = (video: Pick<VideoRow, 'created_at' | 'interval_seconds'>, slot: number): number =>
  video.created_at + slot * video.interval_seconds * 1000;

/** The slot whose window contains `now` (slot k's window is [due(k), due(k+1))). */
export const slotAt = (video: Pick<VideoRow, 'created_at' | 'interval_seconds'>, now: number): number =>
  Math.floor((now - video.created_at) / (video.interval_seconds * 1000));
