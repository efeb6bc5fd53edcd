// A tiny promise wrapper over IndexedDB: what an inspector records without signal (the queue)
// and the last answers seen (the cache) outlive a closed app or a reload.
const NAME = "suiji";
const VERSION = 1;
export type StoreName = "queue" | "cache";

let opening: Promise<IDBDatabase> | null = null;

function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

export function openDb(): Promise<IDBDatabase> {
  opening ??= new Promise((resolve, reject) => {
    const req = indexedDB.open(NAME, VERSION);
    req.onupgradeneeded = () => {
      const db = req.result;
      if (!db.objectStoreNames.contains("queue")) {
        db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
      }
      if (!db.objectStoreNames.contains("cache")) db.createObjectStore("cache", { keyPath: "key" });
    };
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => {
      opening = null;
      reject(req.error);
    };
  });
  return opening;
}

/** Forget the open connection (tests delete the database between cases). */
export function closeDb(): void {
  void opening?.then((db) => db.close());
  opening = null;
}

async function store(name: StoreName, mode: IDBTransactionMode): Promise<IDBObjectStore> {
  return (await openDb()).transaction(name, mode).objectStore(name);
}

export async function add<T>(name: StoreName, value: T): Promise<IDBValidKey> {
  return request((await store(name, "readwrite")).add(value));
}

export async function put<T>(name: StoreName, value: T): Promise<IDBValidKey> {
  return request((await store(name, "readwrite")).put(value));
}

export async function get<T>(name: StoreName, key: IDBValidKey): Promise<T | undefined> {
  return request((await store(name, "readonly")).get(key)) as Promise<T | undefined>;
}

/** Every value, in key order (the queue's order of recording). */
export async function all<T>(name: StoreName): Promise<T[]> {
  return request((await store(name, "readonly")).getAll()) as Promise<T[]>;
}

export async function remove(name: StoreName, key: IDBValidKey): Promise<void> {
  await request((await store(name, "readwrite")).delete(key));
}
