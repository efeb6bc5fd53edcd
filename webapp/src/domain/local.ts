// An inspection as the inspector sees it on the phone: the server's last answer plus what they
// recorded that is still waiting to be sent (marked 待同步).
import type { Schemas } from "../api";
import type { QueueEntry } from "../offline/queue";

type Detail = Schemas["InspectionDetail"];
export interface LocalFinding {
  result: string;
  description: string;
  basis: string;
  id: number | null; // null until the server has it
  pending: boolean;
}

export interface LocalView {
  state: string;
  checkInPending: boolean;
  findings: Map<number, LocalFinding>; // by item version id
  photos: Map<number, QueueEntry[]>; // waiting photos by item version id
  confirmPending: boolean;
  submitPending: boolean;
}

export function localView(detail: Detail, pending: QueueEntry[]): LocalView {
  const findings = new Map<number, LocalFinding>();
  for (const f of detail.findings) {
    findings.set(f.item_version_id, { result: f.result, description: f.description, basis: f.basis,
      id: f.id, pending: false });
  }
  const photos = new Map<number, QueueEntry[]>();
  let state: string = detail.state;
  let checkInPending = false;
  let confirmPending = false;
  let submitPending = false;
  for (const e of pending) {
    if (e.kind === "check-in") {
      checkInPending = true;
      if (state === "assigned") state = "checked_in";
    } else if (e.kind === "finding" && e.item) {
      const b = e.body as { result: string; description?: string; basis?: string };
      findings.set(e.item, { result: b.result, description: b.description ?? "", basis: b.basis ?? "",
        id: findings.get(e.item)?.id ?? null, pending: true });
    } else if (e.kind === "photo" && e.item) {
      photos.set(e.item, [...(photos.get(e.item) ?? []), e]);
    } else if (e.kind === "confirm") {
      confirmPending = true;
    } else if (e.kind === "submit") {
      submitPending = true;
    }
  }
  return { state, checkInPending, findings, photos, confirmPending, submitPending };
}

/** The photos already on the server for one item (through its finding). */
export function photosOf(detail: Detail, itemVersionId: number): Schemas["EvidenceOut"][] {
  const finding = detail.findings.find((f) => f.item_version_id === itemVersionId);
  return finding ? detail.evidence.filter((e) => e.finding_id === finding.id) : [];
}
