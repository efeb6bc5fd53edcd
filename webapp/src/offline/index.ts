// The app's offline queue and what the screens show of it ("待同步 N 项", conflicts, upload
// progress). The queue is sent when the app starts, when the network returns, when the app
// comes back to the foreground, and after each new record.
import { reactive } from "vue";
import { api, ApiError } from "../api";
import { notifyError, showSuccessToast, showToast } from "../ui";
import { session } from "../auth/session";
import { OfflineQueue, type NewEntry, type Outcome, type QueueEntry } from "./queue";

export const sync = reactive({
  entries: [] as QueueEntry[],
  online: typeof navigator === "undefined" ? true : navigator.onLine,
  progress: {} as Record<string, number>,
  get pending(): number {
    return this.entries.length;
  },
  get conflicts(): number {
    return this.entries.filter((e) => e.status === "conflict").length;
  },
});

/** Finding ids learnt from answers, so photos recorded offline find their finding. */
const findingIds = new Map<string, number>();
const FINDING_URL = /\/inspections\/(\d+)\/findings\/(\d+)$/;

async function lookupFinding(inspectionId: number, itemVersionId: number): Promise<number> {
  const known = findingIds.get(`${inspectionId}:${itemVersionId}`);
  if (known) return known;
  const detail = await api.get("/inspections/{inspection_id}", { path: { inspection_id: inspectionId } });
  const found = detail.findings.find((f) => f.item_version_id === itemVersionId);
  if (!found) {
    throw new ApiError(409, "finding_missing", "这张照片所属的检查结果没有保存，照片无法归档");
  }
  return found.id;
}

export const queue = new OfflineQueue({
  sender: api,
  owner: () => session.me?.id ?? null,
  online: () => sync.online,
  lookupFinding,
  onSent(entry, result) {
    const m = FINDING_URL.exec(entry.url);
    const id = (result as { id?: number } | undefined)?.id;
    if (m && typeof id === "number") findingIds.set(`${m[1]}:${m[2]}`, id);
  },
});

let reloading: Promise<void> | null = null;
async function reload(): Promise<void> {
  reloading ??= (async () => {
    try {
      sync.entries = session.me ? await queue.entries() : [];
      sync.progress = Object.fromEntries(queue.progress);
    } finally {
      reloading = null;
    }
  })();
  return reloading;
}
queue.subscribe(() => {
  sync.progress = Object.fromEntries(queue.progress);
  void reload();
});

export function record(entry: NewEntry): Promise<Outcome> {
  return queue.submit(entry);
}

/** Tell the inspector what became of a record: sent, kept on the phone, or refused with what
 * to do (it then waits on the 待同步 screen). False when refused. */
export function tell(outcome: Outcome, sent: string): boolean {
  if (outcome.state === "conflict") {
    const { status, code, detail, advice } = outcome.problem;
    notifyError(new ApiError(status, code, `${detail}。${advice}`));
    return false;
  }
  if (outcome.state === "queued") showToast("已保存在手机上，联网后自动发送");
  else showSuccessToast(sent);
  return true;
}

/** The records of one inspection still on the phone (shown on its screens as 待同步). */
export function pendingFor(inspectionId: number): QueueEntry[] {
  return sync.entries.filter((e) => e.scope === `inspection:${inspectionId}`);
}

export function startSync(): void {
  if (typeof window === "undefined") return;
  window.addEventListener("online", () => {
    sync.online = true;
    void queue.retryNow();
  });
  window.addEventListener("offline", () => {
    sync.online = false;
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible" && sync.online) void queue.retryNow();
  });
  void reload().then(() => queue.retryNow());
}

export { reload as reloadQueue };
