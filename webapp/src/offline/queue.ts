// The queue of records made in the field: every change an inspector makes is stored here first
// (IndexedDB, with the Idempotency-Key it will be sent with) and then sent, in the order it was
// made. Without signal it waits and is retried with back-off; a retry of a request that did
// arrive is answered by the server from its idempotency record, so nothing is created twice. A
// refusal (a conflict: e.g. the visit was closed meanwhile) keeps the record, with the server's
// reason and what to do, and holds back the later records of the same inspection until the
// inspector retries or discards it. Nothing is dropped without the inspector saying so.
import { ApiError, NetworkError } from "../api/client";
import { adviceFor } from "./advice";
import * as db from "./db";
import { resolveRefs, type FindingLookup } from "./refs";

export interface QueuedFile {
  blob: Blob;
  name: string;
}

export interface QueueProblem {
  status: number;
  code: string;
  detail: string;
  advice: string;
}

export type EntryKind = "check-in" | "finding" | "photo" | "confirm" | "submit" | "order"
  | "notice" | "follow-up" | "close" | "other";

export interface QueueEntry {
  seq?: number;
  key: string; // the Idempotency-Key, fixed when the record is made
  owner: number; // staff id: keys are per staff member, and so is the queue
  scope: string; // e.g. "inspection:12": a conflict holds back later entries of the same scope
  label: string; // what was recorded, in the inspector's words
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  url: string;
  body?: unknown;
  file?: QueuedFile;
  kind?: EntryKind; // what the screens show it as, while it waits
  item?: number; // the item version a finding or photo belongs to
  createdAt: number;
  attempts: number;
  nextAttemptAt: number;
  status: "pending" | "conflict";
  problem?: QueueProblem;
  lastError?: string;
}

export type NewEntry = Pick<QueueEntry, "scope" | "label" | "method" | "url" | "body" | "file"
  | "kind" | "item">;

export type Outcome =
  | { state: "sent"; result: unknown }
  | { state: "queued" } // kept on the phone, sent when the network returns
  | { state: "conflict"; problem: QueueProblem };

export interface Sender {
  raw(method: string, url: string, body?: unknown, key?: string): Promise<unknown>;
  uploadRaw(url: string, file: Blob, filename: string, key?: string,
    onProgress?: (fraction: number) => void): Promise<unknown>;
}

export interface QueueDeps {
  sender: Sender;
  owner: () => number | null;
  lookupFinding: FindingLookup;
  online?: () => boolean;
  now?: () => number;
  random?: () => number;
  newKey?: () => string;
  schedule?: (fn: () => void, ms: number) => unknown;
  cancel?: (handle: unknown) => void;
  onSent?: (entry: QueueEntry, result: unknown) => void;
}

const BASE_DELAY = 2_000;
const MAX_DELAY = 5 * 60_000;

/** Wait before the n-th retry: doubling from 2 s up to 5 min, ±20 % so phones that regain
 * signal together do not all call at once. */
export function backoff(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_DELAY, BASE_DELAY * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.8 + 0.4 * random()));
}

export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  // randomUUID needs a secure context; plain-HTTP development pages lack it.
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export class OfflineQueue {
  private running: Promise<void> | null = null;
  private again = false;
  private timer: unknown = null;
  private readonly outcomes = new Map<string, Outcome>();
  private readonly listeners = new Set<() => void>();
  /** Upload progress of the entry being sent, by key (0..1). */
  readonly progress = new Map<string, number>();

  constructor(private readonly deps: QueueDeps) {}

  private get now(): number {
    return (this.deps.now ?? Date.now)();
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }

  /** This staff member's entries, oldest first. */
  async entries(): Promise<QueueEntry[]> {
    const owner = this.deps.owner();
    const rows = await db.all<QueueEntry>("queue");
    return rows.filter((e) => e.owner === owner);
  }

  /** Store a record, then try to send it (and whatever waits before it). */
  async submit(entry: NewEntry): Promise<Outcome> {
    const owner = this.deps.owner();
    if (owner === null) throw new Error("not logged in");
    const full: QueueEntry = {
      ...entry, owner, key: (this.deps.newKey ?? newIdempotencyKey)(), createdAt: this.now,
      // A plain copy: IndexedDB cannot store the screens' reactive proxies.
      body: entry.body === undefined ? undefined : JSON.parse(JSON.stringify(entry.body)),
      attempts: 0, nextAttemptAt: 0, status: "pending",
    };
    await db.add("queue", full);
    this.changed();
    await this.flush();
    const outcome = this.outcomes.get(full.key) ?? { state: "queued" };
    this.outcomes.delete(full.key);
    return outcome;
  }

  /** Send what is due, in order; returns when this pass (and any pass asked for meanwhile) ends. */
  flush(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.pass();
        } while (this.again);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  private async pass(): Promise<void> {
    if (this.deps.online && !this.deps.online()) return;
    const held = new Set<string>();
    for (const entry of await this.entries()) {
      if (entry.status === "conflict") {
        held.add(entry.scope);
        continue;
      }
      if (held.has(entry.scope)) continue;
      if (entry.nextAttemptAt > this.now) {
        this.wakeAt(entry.nextAttemptAt);
        return; // keep the order: nothing overtakes a record waiting for its retry
      }
      const sent = await this.send(entry);
      if (sent === "stop") return;
      if (sent === "held") held.add(entry.scope);
    }
  }

  private async send(entry: QueueEntry): Promise<"ok" | "held" | "stop"> {
    try {
      const url = await resolveRefs(entry.url, this.deps.lookupFinding);
      let result: unknown;
      if (entry.file) {
        this.progress.set(entry.key, 0);
        this.changed();
        result = await this.deps.sender.uploadRaw(url, entry.file.blob, entry.file.name, entry.key,
          (fraction) => {
            this.progress.set(entry.key, fraction);
            this.changed();
          });
      } else {
        const body = await resolveRefs(entry.body, this.deps.lookupFinding);
        result = await this.deps.sender.raw(entry.method, url, body, entry.key);
      }
      await db.remove("queue", entry.seq!);
      this.progress.delete(entry.key);
      this.outcomes.set(entry.key, { state: "sent", result });
      this.deps.onSent?.(entry, result);
      this.changed();
      return "ok";
    } catch (error) {
      this.progress.delete(entry.key);
      if (error instanceof ApiError && !error.transient && error.status !== 401) {
        const problem: QueueProblem = { status: error.status, code: error.code,
          detail: error.detail, advice: adviceFor(error) };
        await db.put("queue", { ...entry, status: "conflict", problem });
        this.outcomes.set(entry.key, { state: "conflict", problem });
        this.changed();
        return "held";
      }
      if (error instanceof ApiError && error.status === 401) {
        // Not the record's fault: it waits until the inspector logs in again.
        this.changed();
        return "stop";
      }
      const attempts = entry.attempts + 1;
      const nextAttemptAt = this.now + backoff(attempts, this.deps.random);
      const lastError = error instanceof NetworkError || error instanceof ApiError
        ? error.message : String(error);
      await db.put("queue", { ...entry, attempts, nextAttemptAt, lastError });
      this.wakeAt(nextAttemptAt);
      this.changed();
      return "stop";
    }
  }

  private wakeAt(at: number): void {
    const schedule = this.deps.schedule ?? ((fn, ms) => setTimeout(fn, ms));
    const cancel = this.deps.cancel ?? ((h) => clearTimeout(h as ReturnType<typeof setTimeout>));
    if (this.timer !== null) cancel(this.timer);
    this.timer = schedule(() => {
      this.timer = null;
      void this.flush();
    }, Math.max(0, at - this.now));
  }

  /** The network is back (or the inspector asked): retry now rather than after the back-off. */
  async retryNow(): Promise<void> {
    for (const entry of await this.entries()) {
      if (entry.status === "pending" && entry.nextAttemptAt > 0) {
        await db.put("queue", { ...entry, nextAttemptAt: 0 });
      }
    }
    await this.flush();
  }

  /** The inspector fixed the cause of a conflict (or wants to try again as it is). */
  async retry(seq: number): Promise<void> {
    const entry = (await this.entries()).find((e) => e.seq === seq);
    if (!entry) return;
    await db.put("queue", { ...entry, status: "pending", problem: undefined, attempts: 0,
      nextAttemptAt: 0 });
    this.changed();
    await this.flush();
  }

  /** Discard one record, only ever at the inspector's explicit request. */
  async discard(seq: number): Promise<void> {
    const entry = (await this.entries()).find((e) => e.seq === seq);
    if (!entry) return;
    await db.remove("queue", seq);
    this.changed();
    await this.flush();
  }
}
