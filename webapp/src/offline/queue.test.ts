import "fake-indexeddb/auto";
import { IDBFactory } from "fake-indexeddb";
import { beforeEach, describe, expect, it } from "vitest";
import { reactive } from "vue";
import { ApiError, NetworkError } from "../api/client";
import { closeDb } from "./db";
import { backoff, OfflineQueue, type Sender } from "./queue";
import { findingRef, resolveRefs } from "./refs";

interface Call {
  method: string;
  url: string;
  body?: unknown;
  key?: string;
}

/** A stand-in server that remembers idempotency keys like the real one. */
class FakeServer implements Sender {
  calls: Call[] = [];
  created: Call[] = [];
  seen = new Map<string, unknown>();
  down = false;
  refuse: ApiError | null = null;
  refuseOnly = ""; // refuse only URLs starting with this
  lostAnswers = 0; // the request arrives, the answer is lost (signal gone on the way back)

  async raw(method: string, url: string, body?: unknown, key?: string): Promise<unknown> {
    this.calls.push({ method, url, body, key });
    if (this.down) throw new NetworkError();
    if (this.refuse && url.startsWith(this.refuseOnly)) throw this.refuse;
    if (key && this.seen.has(key)) return this.seen.get(key);
    const result = { id: this.created.length + 1, url };
    this.created.push({ method, url, body, key });
    if (key) this.seen.set(key, result);
    if (this.lostAnswers > 0) {
      this.lostAnswers -= 1;
      throw new NetworkError();
    }
    return result;
  }

  async uploadRaw(url: string, file: Blob, _name: string, key?: string,
    onProgress?: (f: number) => void): Promise<unknown> {
    onProgress?.(0.5);
    return this.raw("POST", url, { size: file.size }, key);
  }
}

let server: FakeServer;
let clock: number;
let timers: Array<{ fn: () => void; ms: number }>;
let keyCounter: number;

function makeQueue(owner: number | null = 7, online = () => true): OfflineQueue {
  return new OfflineQueue({
    sender: server,
    owner: () => owner,
    online,
    now: () => clock,
    random: () => 0.5,
    newKey: () => `key-${++keyCounter}`,
    schedule: (fn, ms) => timers.push({ fn, ms }),
    cancel: () => undefined,
    lookupFinding: async (inspection, item) => inspection * 1000 + item,
  });
}

const finding = (item: number) => ({
  scope: "inspection:3", label: `检查结果 ${item}`, method: "PUT" as const,
  url: `/api/v1/inspections/3/findings/${item}`, body: { result: "compliant" },
});

beforeEach(() => {
  closeDb();
  globalThis.indexedDB = new IDBFactory();
  server = new FakeServer();
  clock = 1_000_000;
  timers = [];
  keyCounter = 0;
});

describe("offline queue", () => {
  it("sends at once when online and keeps nothing", async () => {
    const queue = makeQueue();
    const outcome = await queue.submit(finding(1));
    expect(outcome).toEqual({ state: "sent", result: { id: 1, url: finding(1).url } });
    expect(await queue.entries()).toEqual([]);
    expect(server.calls[0].key).toBe("key-1");
  });

  it("keeps records without signal, in order, and survives a new page", async () => {
    server.down = true;
    const queue = makeQueue();
    expect(await queue.submit(finding(1))).toEqual({ state: "queued" });
    expect(await queue.submit(finding(2))).toEqual({ state: "queued" });
    // A reload: a new queue object over the same database sees both, in order.
    closeDb();
    const reloaded = makeQueue();
    const kept = await reloaded.entries();
    expect(kept.map((e) => e.label)).toEqual(["检查结果 1", "检查结果 2"]);
    expect(kept[0].attempts).toBe(1); // the first was tried; the second waits behind it
    expect(kept[1].attempts).toBe(0);
    server.down = false;
    await reloaded.retryNow();
    expect(await reloaded.entries()).toEqual([]);
    expect(server.created.map((c) => c.url)).toEqual([finding(1).url, finding(2).url]);
  });

  it("never creates twice when an answer is lost and the request is retried", async () => {
    const queue = makeQueue();
    server.lostAnswers = 1;
    expect(await queue.submit(finding(1))).toEqual({ state: "queued" });
    await queue.retryNow();
    expect(server.calls).toHaveLength(2);
    expect(server.calls[0].key).toBe(server.calls[1].key); // the same key on the retry
    expect(server.created).toHaveLength(1);
    expect(await queue.entries()).toEqual([]);
  });

  it("backs off after failures and wakes itself", async () => {
    server.down = true;
    const queue = makeQueue();
    await queue.submit(finding(1));
    expect(timers.at(-1)!.ms).toBe(2000);
    clock += 2000;
    timers.at(-1)!.fn();
    await queue.flush();
    expect(timers.at(-1)!.ms).toBe(4000);
    const [entry] = await queue.entries();
    expect(entry.attempts).toBe(2);
    expect(entry.lastError).toBe("网络不可用");
  });

  it("doubles the wait up to five minutes, with jitter", () => {
    expect(backoff(1, () => 0.5)).toBe(2000);
    expect(backoff(3, () => 0.5)).toBe(8000);
    expect(backoff(30, () => 0.5)).toBe(300_000);
    expect(backoff(1, () => 0)).toBe(1600);
    expect(backoff(1, () => 1)).toBe(2400);
  });

  it("keeps a refused record with the reason and holds back its inspection only", async () => {
    const queue = makeQueue();
    server.down = true;
    await queue.submit(finding(1));
    await queue.submit(finding(2));
    await queue.submit({ ...finding(9), scope: "inspection:4", url: "/api/v1/inspections/4/findings/9" });
    server.down = false;
    server.refuse = new ApiError(409, "illegal_transition", "检查已办结，不能记录检查结果");
    server.refuseOnly = "/api/v1/inspections/3/";
    await queue.retryNow();
    let kept = await queue.entries();
    expect(kept[0].status).toBe("conflict");
    expect(kept[0].problem?.detail).toBe("检查已办结，不能记录检查结果");
    expect(kept[0].problem?.advice).toContain("联系组长");
    expect(kept[1].status).toBe("pending"); // held behind the conflict of the same inspection
    // The other inspection is not held back.
    kept = await queue.entries();
    expect(kept.map((e) => e.scope)).toEqual(["inspection:3", "inspection:3"]);
    expect(server.created.map((c) => c.url)).toEqual(["/api/v1/inspections/4/findings/9"]);
    // Discarding is explicit; then what was held goes through.
    server.refuse = null;
    await queue.discard(kept[0].seq!);
    expect(await queue.entries()).toEqual([]);
    expect(server.created.map((c) => c.url)).toContain(finding(2).url);
  });

  it("waits for login again on 401 without marking a conflict", async () => {
    const queue = makeQueue();
    server.refuse = new ApiError(401, "unauthenticated", "请先登录");
    expect(await queue.submit(finding(1))).toEqual({ state: "queued" });
    const [entry] = await queue.entries();
    expect(entry.status).toBe("pending");
  });

  it("does not try while the phone says it is offline", async () => {
    let online = false;
    const queue = makeQueue(7, () => online);
    expect(await queue.submit(finding(1))).toEqual({ state: "queued" });
    expect(server.calls).toHaveLength(0);
    online = true;
    await queue.flush();
    expect(server.created).toHaveLength(1);
  });

  it("stores what the screens hand over, reactive or not", async () => {
    server.down = true;
    const queue = makeQueue();
    const body = reactive({ finding_ids: [1, 2], requirements: "补签" });
    expect(await queue.submit({ ...finding(1), body })).toEqual({ state: "queued" });
    const [kept] = await queue.entries();
    expect(kept.body).toEqual({ finding_ids: [1, 2], requirements: "补签" });
  });

  it("keeps each staff member's records apart", async () => {
    server.down = true;
    await makeQueue(7).submit(finding(1));
    expect(await makeQueue(8).entries()).toEqual([]);
    expect(await makeQueue(7).entries()).toHaveLength(1);
  });

  it("uploads photos with progress and resolves the finding they belong to", async () => {
    const queue = makeQueue();
    const seen: number[] = [];
    queue.subscribe(() => {
      for (const v of queue.progress.values()) seen.push(v);
    });
    const outcome = await queue.submit({
      scope: "inspection:3", label: "照片", method: "POST",
      url: `/api/v1/inspections/3/evidence?finding_id=${findingRef(3, 12)}`,
      file: { blob: new Blob([new Uint8Array(100)], { type: "image/jpeg" }), name: "a.jpg" },
    });
    expect(outcome.state).toBe("sent");
    expect(server.calls[0].url).toBe("/api/v1/inspections/3/evidence?finding_id=3012");
    expect(server.calls[0].body).toEqual({ size: 100 });
    expect(seen).toContain(0.5);
  });
});

describe("finding references", () => {
  it("replaces whole references by numbers and references inside text by digits", async () => {
    const value = { finding_ids: [findingRef(1, 2), 5], url: `/x?finding_id=${findingRef(1, 3)}` };
    expect(await resolveRefs(value, async (i, v) => i * 100 + v)).toEqual(
      { finding_ids: [102, 5], url: "/x?finding_id=103" });
  });
});
