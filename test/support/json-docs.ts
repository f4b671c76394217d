/** What the tests read from `status --json` and `remove --json`. */
export interface StatusDoc {
  containers: {
    status: string;
    certificates: {
      fingerprint: string;
      complete: boolean;
      stores: { store: string; path: string; present: boolean }[];
    }[];
    restartNeeded: { pid: number | string; runtime: string; command: string; advice: string }[];
  }[];
}
export interface RemoveDoc {
  containers: {
    status: string;
    removed: { fingerprint: string; anchor: string | null; bundles: string[]; certifi: string[]; java: string[] }[];
    counts: { path: string; before: number; after: number }[];
    left: string[];
    record: string | null;
    error: string | null;
  }[];
}
export interface AddDoc {
  containers: {
    status: string;
    method: string | null;
    error: string | null;
    stores: { kind: string; path: string; action: string; note: string }[];
    restartNeeded: { pid: number | string; runtime: string; command: string; advice: string }[];
    restarted: boolean;
    warnings: string[];
  }[];
}
