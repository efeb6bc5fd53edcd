// Records made offline can depend on one another: a photo belongs to a finding, an order lists
// findings, and a finding recorded without signal has no id yet. Such a request carries
// "@finding:<inspection>:<item version>" where the id goes; it is replaced by the real id when
// the request is sent, after the finding's own request (earlier in the queue) has gone through.
const REF = /@finding:(\d+):(\d+)/g;
const WHOLE = /^@finding:(\d+):(\d+)$/;

export function findingRef(inspectionId: number, itemVersionId: number): string {
  return `@finding:${inspectionId}:${itemVersionId}`;
}

export type FindingLookup = (inspectionId: number, itemVersionId: number) => Promise<number>;

export function refsIn(value: unknown): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const walk = (v: unknown): void => {
    if (typeof v === "string") {
      for (const m of v.matchAll(REF)) found.push([Number(m[1]), Number(m[2])]);
    } else if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === "object" && !(v instanceof Blob)) {
      Object.values(v).forEach(walk);
    }
  };
  walk(value);
  return found;
}

/** A copy of `value` with every finding reference replaced by its id (a number where the
 * whole string was the reference, digits inside a longer string such as a URL). */
export async function resolveRefs<T>(value: T, lookup: FindingLookup): Promise<T> {
  const ids = new Map<string, number>();
  for (const [inspection, item] of refsIn(value)) {
    const key = findingRef(inspection, item);
    if (!ids.has(key)) ids.set(key, await lookup(inspection, item));
  }
  const swap = (v: unknown): unknown => {
    if (typeof v === "string") {
      if (WHOLE.test(v)) return ids.get(v);
      return v.replace(REF, (m) => String(ids.get(m)));
    }
    if (Array.isArray(v)) return v.map(swap);
    if (v && typeof v === "object" && !(v instanceof Blob)) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, swap(x)]));
    }
    return v;
  };
  return swap(value) as T;
}
