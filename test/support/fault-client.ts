import type {
  ArchiveEntry,
  ContainerClient,
  ContainerInfo,
  ContainerSummary,
  ExecOptions,
  ExecResult,
  FileToWrite,
  ListFilters,
  PathStat,
  ProcessRow,
} from '../../src/docker/container-client.js';
import type { ProgressEvent } from '../../src/types.js';

export type CallKind = 'ping' | 'list' | 'inspect' | 'exec' | 'getArchive' | 'stat' | 'putFiles' | 'top' | 'restart';

export interface Call {
  kind: CallKind;
  argv?: readonly string[];
  path?: string;
}

type Action = () => Promise<void>;

/**
 * A ContainerClient around a real one that injects a fault at a chosen point, by sequence and
 * never by timing: right before the first engine call once a patch step has begun (`atStep`,
 * wired to runAdd's onProgress; the step's own first call follows its announcement without
 * a pause, so it is that container's call even when several run at once), right before a
 * matching call (`before`), while a matching call is in flight (`during`: for an engine dying
 * under a long exec), or once a matching call has failed (`afterFailure`). Each fires once.
 */
export class FaultClient implements ContainerClient {
  readonly calls: Call[] = [];
  readonly fired: string[] = [];
  /** Errors of the actions themselves (a test asserts there are none). */
  readonly errors: unknown[] = [];
  private armed: { name: string; action: Action } | undefined;
  private readonly rules: {
    name: string;
    match: (call: Call) => boolean;
    action: Action;
    when: 'before' | 'during' | 'after-failure';
  }[] = [];
  private readonly steps = new Map<string, Action>();

  constructor(private readonly inner: ContainerClient) {}

  get endpoint(): string {
    return this.inner.endpoint;
  }

  /** `container` (a name) limits it to one container of a run. */
  atStep(step: string, action: Action, container?: string): this {
    this.steps.set(container === undefined ? step : `${container}\0${step}`, action);
    return this;
  }

  before(name: string, match: (call: Call) => boolean, action: Action): this {
    this.rules.push({ name, match, action, when: 'before' });
    return this;
  }

  during(name: string, match: (call: Call) => boolean, action: Action): this {
    this.rules.push({ name, match, action, when: 'during' });
    return this;
  }

  /** Runs `action` once the first matching call has failed, before its caller sees the failure. */
  afterFailure(name: string, match: (call: Call) => boolean, action: Action): this {
    this.rules.push({ name, match, action, when: 'after-failure' });
    return this;
  }

  /** Pass as runAdd's onProgress. */
  readonly onProgress = (event: ProgressEvent): void => {
    const key = [`${event.container}\0${event.step}`, event.step].find((k) => this.steps.has(k));
    if (key === undefined) return;
    const action = this.steps.get(key)!;
    this.steps.delete(key);
    this.armed = { name: `at step "${event.step}"`, action };
  };

  ping(): Promise<void> {
    return this.call({ kind: 'ping' }, () => this.inner.ping());
  }

  list(filters?: ListFilters, all?: boolean): Promise<ContainerSummary[]> {
    return this.call({ kind: 'list' }, () => this.inner.list(filters, all));
  }

  inspect(nameOrId: string): Promise<ContainerInfo> {
    return this.call({ kind: 'inspect' }, () => this.inner.inspect(nameOrId));
  }

  exec(id: string, argv: readonly string[], options?: ExecOptions): Promise<ExecResult> {
    return this.call({ kind: 'exec', argv }, () => this.inner.exec(id, argv, options));
  }

  getArchive(id: string, path: string): Promise<ArchiveEntry[] | undefined> {
    return this.call({ kind: 'getArchive', path }, () => this.inner.getArchive(id, path));
  }

  stat(id: string, path: string): Promise<PathStat | undefined> {
    return this.call({ kind: 'stat', path }, () => this.inner.stat(id, path));
  }

  top(id: string): Promise<ProcessRow[]> {
    return this.call({ kind: 'top' }, () => this.inner.top(id));
  }

  restart(id: string, timeoutSeconds?: number): Promise<void> {
    return this.call({ kind: 'restart' }, () => this.inner.restart(id, timeoutSeconds));
  }

  putFiles(id: string, files: readonly FileToWrite[]): Promise<void> {
    return this.call({ kind: 'putFiles', path: files.map((f) => f.path).join(' ') }, () =>
      this.inner.putFiles(id, files),
    );
  }

  private async call<T>(call: Call, work: () => Promise<T>): Promise<T> {
    this.calls.push(call);
    if (this.armed !== undefined) {
      const { name, action } = this.armed;
      this.armed = undefined;
      this.fired.push(name);
      await this.run(action);
    }
    const index = this.rules.findIndex((rule) => rule.match(call));
    if (index < 0) return work();
    const rule = this.rules[index]!;
    if (rule.when === 'before') {
      this.rules.splice(index, 1);
      this.fired.push(rule.name);
      await this.run(rule.action);
      return work();
    }
    if (rule.when === 'after-failure') {
      try {
        return await work();
      } catch (error) {
        this.rules.splice(this.rules.indexOf(rule), 1);
        this.fired.push(rule.name);
        await this.run(rule.action);
        throw error;
      }
    }
    this.rules.splice(index, 1);
    this.fired.push(rule.name);
    // Both run; the call's own outcome is what the caller sees, once the action is done too.
    const [outcome] = await Promise.allSettled([work(), this.run(rule.action)]);
    if (outcome.status === 'rejected') throw outcome.reason;
    return outcome.value;
  }

  private async run(action: Action): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.errors.push(error);
    }
  }
}
