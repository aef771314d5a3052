import { DatabaseError, literal, TimeoutError, Transaction, UniqueConstraintError } from 'sequelize';
import { GuidanceMessage, type GuideData } from '../model_db/guidance_message.js';
import { GuidanceRoom } from '../model_db/guidance_room.js';
import { guidanceStored } from './guidance_metrics.js';

/** One message to store; `bodyJson` is `body` as JSON text (what the table keeps). */
export interface GuideDraft {
  room: string;
  body: unknown;
  bodyJson: string;
  sender: string;
  senderId: number;
}

/** A stored message: what clients see, and the same as JSON text (the bus payload). */
export interface StoredGuide {
  data: GuideData;
  json: string;
}

interface Waiting {
  draft: GuideDraft;
  resolve(stored: StoredGuide): void;
  reject(err: unknown): void;
}

const MAX_BATCH = 200;
const MAX_ATTEMPTS = 6;
const KNOWN_ROOMS_MAX = 10_000;

/** The room's counter row vanished (database reset): create it again and retry. */
class MissingCounterRow extends Error {}

/** Lock waits, deadlocks, a duplicate seq (the unique index as backstop) are worth another try. */
function retryable(err: unknown): boolean {
  if (err instanceof MissingCounterRow || err instanceof UniqueConstraintError || err instanceof TimeoutError) return true;
  const code = err instanceof DatabaseError ? (err.parent as { code?: string }).code : undefined;
  return /^(ER_LOCK_DEADLOCK|ER_LOCK_WAIT_TIMEOUT|SQLITE_BUSY)/.test(code ?? '');
}

/**
 * Stores guidance messages with gap-free per-room seqs. Messages for one room queue up in
 * this process and are written in batches (group commit): each batch raises the room's
 * counter row and inserts its rows in one transaction, so writers in other processes wait
 * on that row and the numbering stays gap-free and unique on MySQL and SQLite alike.
 */
export class GuidanceWriter {
  private readonly queues = new Map<string, Waiting[]>();
  private readonly knownRooms = new Set<string>();
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  /** Queues `draft` at once (call order is seq order within a room); resolves once stored. */
  append(draft: GuideDraft): Promise<StoredGuide> {
    return new Promise((resolve, reject) => {
      const queue = this.queues.get(draft.room);
      if (queue) return void queue.push({ draft, resolve, reject });
      this.queues.set(draft.room, [{ draft, resolve, reject }]);
      void this.drain(draft.room);
    });
  }

  /** Resolves when nothing is queued or being written. */
  idle(): Promise<void> {
    if (this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async drain(room: string): Promise<void> {
    this.running++;
    const queue = this.queues.get(room)!;
    try {
      while (queue.length) {
        const batch = queue.splice(0, MAX_BATCH);
        try {
          const started = performance.now();
          const stored = await this.storeWithRetry(
            room,
            batch.map((w) => w.draft),
          );
          guidanceStored(stored.length, (performance.now() - started) / 1000);
          for (const [i, w] of batch.entries()) w.resolve(stored[i]!);
        } catch (err) {
          for (const w of batch) w.reject(err);
        }
      }
    } finally {
      this.queues.delete(room);
      if (--this.running === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  private async storeWithRetry(room: string, drafts: GuideDraft[]): Promise<StoredGuide[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        await this.ensureCounterRow(room);
        return await this.store(room, drafts);
      } catch (err) {
        if (attempt >= MAX_ATTEMPTS || !retryable(err)) throw err;
        await new Promise((r) => setTimeout(r, attempt * 10 + Math.random() * 20));
      }
    }
  }

  private store(room: string, drafts: GuideDraft[]): Promise<StoredGuide[]> {
    // IMMEDIATE takes SQLite's write lock up front (MySQL ignores the type); on MySQL the
    // UPDATE locks the counter row, so a second writer waits there until this one commits.
    return GuidanceRoom.sequelize!.transaction({ type: Transaction.TYPES.IMMEDIATE }, async (transaction) => {
      const n = drafts.length;
      const [changed] = await GuidanceRoom.update({ last_seq: literal(`last_seq + ${n}`) }, { where: { room }, transaction });
      if (changed !== 1) {
        this.knownRooms.delete(room);
        throw new MissingCounterRow(`room ${room} has no counter row`);
      }
      const counter = await GuidanceRoom.findByPk(room, { transaction, lock: true, attributes: ['last_seq'] });
      const first = counter!.last_seq - n + 1;
      const at = new Date();
      const rows = drafts.map((d, i) => ({
        room,
        seq: first + i,
        body: d.bodyJson,
        sender: d.sender,
        sender_id: d.senderId,
        created_at: at,
      }));
      await GuidanceMessage.bulkCreate(rows, { transaction });
      const iso = at.toISOString();
      return drafts.map((d, i) => {
        const data: GuideData = { room, seq: first + i, body: d.body, sender: d.sender, at: iso };
        return { data, json: JSON.stringify(data) };
      });
    });
  }

  /** Made outside the seq transaction, so two first writers of a room cannot deadlock creating it. */
  private async ensureCounterRow(room: string): Promise<void> {
    if (this.knownRooms.has(room)) return;
    await GuidanceRoom.bulkCreate([{ room, last_seq: 0 }], { ignoreDuplicates: true });
    if (this.knownRooms.size >= KNOWN_ROOMS_MAX) this.knownRooms.clear();
    this.knownRooms.add(room);
  }
}

/** The writer of this process: HTTP and WebSocket senders share it. */
export const guidanceWriter = new GuidanceWriter();
