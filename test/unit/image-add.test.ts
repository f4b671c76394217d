import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { runImageAdd } from '../../src/commands/image/add.js';
import { NotFoundError } from '../../src/docker/container-client.js';
import type { CommitOptions, CreateOptions, ImageClient, ImageInfo } from '../../src/docker/image-client.js';
import { UserError } from '../../src/errors.js';
import { aftercareLines } from '../../src/commands/add/aftercare.js';
import { FakeClient } from '../support/fake-client.js';
import { fakeDebian } from '../support/fake-debian.js';
import { makeCa, removeCa, type TestCa } from '../support/pki.js';

const IMAGE: ImageInfo = {
  id: 'sha256:base',
  tags: ['vendor/app:1'],
  config: { Entrypoint: ['/entry'], Cmd: ['serve'], User: '1000', Labels: { vendor: 'x' } },
  layers: [],
  os: 'linux',
  size: 1000,
};

/** A fake engine with images: containers are fake Debians whose curl trusts what `trusts` says. */
class FakeImageEngine extends FakeClient implements ImageClient {
  readonly created: CreateOptions[] = [];
  readonly removed: string[] = [];
  readonly commits: CommitOptions[] = [];
  readonly tagged: string[] = [];
  readonly imageStore = new Map<string, ImageInfo>([
    [IMAGE.id, IMAGE],
    ['vendor/app:1', IMAGE],
  ]);

  constructor(private readonly trusts: (bundle: string) => boolean) {
    super();
  }

  images(): ImageClient {
    return this;
  }

  async inspectImage(name: string): Promise<ImageInfo> {
    const image = this.imageStore.get(name);
    if (image === undefined) throw new NotFoundError(`image ${name}`);
    return image;
  }

  async createContainer(options: CreateOptions): Promise<string> {
    this.created.push(options);
    const id = `tmp${this.created.length}`;
    this.add(fakeDebian(id, [], { curl: this.trusts })).write('/bin/sleep', 'ELF').info.state = 'created';
    this.containers.get(id)!.info.running = false;
    return id;
  }

  async startContainer(id: string): Promise<void> {
    Object.assign(this.containers.get(id)!.info, { state: 'running', running: true });
  }

  async commit(_id: string, options: CommitOptions): Promise<string> {
    this.commits.push(options);
    this.imageStore.set('sha256:new', { ...IMAGE, id: 'sha256:new', tags: [], config: options.config, size: 1500 });
    return 'sha256:new';
  }

  async tagImage(id: string, repo: string, tag: string): Promise<void> {
    this.tagged.push(`${repo}:${tag}`);
    this.imageStore.get(id)!.tags.push(`${repo}:${tag}`);
  }

  async removeContainer(id: string): Promise<void> {
    this.removed.push(id);
    this.containers.delete(id);
  }

  async removeImage(): Promise<void> {}

  saveImage(): Promise<Readable> {
    return Promise.reject(new Error('not reached: the commit kept the configuration'));
  }

  loadImage(): Promise<void> {
    return Promise.reject(new Error('not reached'));
  }
}

describe('image add (fake engine): the steps and the cleanup', () => {
  let ca: TestCa;
  let caFile: string;

  before(async () => {
    ca = await makeCa('Image Unit Root');
    caFile = join(ca.dir, 'ca.pem');
    await writeFile(caFile, ca.pem);
  });
  after(async () => removeCa(ca));

  it('waits in place of the entrypoint, commits IMAGE’s configuration plus the label, tags NEW, removes the container', async () => {
    const engine = new FakeImageEngine((bundle) => bundle.includes(ca.pem));
    const report = await runImageAdd({
      client: engine,
      certificate: caFile,
      image: 'vendor/app:1',
      checkUrls: ['https://127.0.0.1:1/'],
    });
    assert.equal(report.result?.status, 'patched', JSON.stringify(report.result));
    assert.deepEqual([engine.created[0]!.entrypoint, engine.created[0]!.cmd], [['sleep'], ['900']]);
    assert.deepEqual(engine.created[0]!.labels, { 'trustpatch.ca-fingerprints': 'temporary' });
    const fingerprint = report.installed[0]!.certificate.fingerprint;
    assert.deepEqual(engine.commits[0]!.config, {
      ...IMAGE.config,
      Labels: { vendor: 'x', 'trustpatch.ca-fingerprints': fingerprint },
    });
    assert.deepEqual(engine.tagged, ['vendor/app:1-trustpatch']);
    assert.deepEqual(
      [report.committed?.id, report.committed?.config, report.committed?.layerBytes],
      ['sha256:new', 'commit', 500],
    );
    assert.deepEqual(engine.removed, ['tmp1']);
    assert.equal(engine.containers.size, 0);
  });

  it('a check that still fails: no commit, the container removed', async () => {
    const engine = new FakeImageEngine(() => false);
    const report = await runImageAdd({
      client: engine,
      certificate: caFile,
      image: 'vendor/app:1',
      tag: 'vendor/app:ca',
      checkUrls: ['https://127.0.0.1:1/'],
    });
    assert.equal(report.result?.status, 'failed');
    assert.deepEqual([engine.commits.length, engine.tagged.length], [0, 0]);
    assert.deepEqual(engine.removed, ['tmp1']);
  });

  it('NEW that exists is refused before any container is made; an interruption before the start makes none', async () => {
    const engine = new FakeImageEngine(() => true);
    await assert.rejects(
      runImageAdd({ client: engine, certificate: caFile, image: 'vendor/app:1', tag: 'vendor/app:1' }),
      (error: unknown) => error instanceof UserError && /which is vendor\/app:1 itself/.test(error.message),
    );
    const aborted = new AbortController();
    aborted.abort();
    const report = await runImageAdd({
      client: engine,
      certificate: caFile,
      image: 'vendor/app:1',
      signal: aborted.signal,
    });
    assert.equal(report.interrupted, true);
    assert.deepEqual([engine.created.length, engine.commits.length], [0, 0]);
  });

  it('interrupted while the container starts: the container is removed at once, the error it causes is the interruption', async () => {
    const engine = new FakeImageEngine(() => true);
    const interrupt = new AbortController();
    engine.startContainer = async (id: string) => {
      interrupt.abort();
      await new Promise((resolve) => setImmediate(resolve));
      // What Podman answers for a container the abort removed meanwhile.
      if (!engine.containers.has(id)) throw new Error('(HTTP code 500) server error - no such container');
    };
    const report = await runImageAdd({
      client: engine,
      certificate: caFile,
      image: 'vendor/app:1',
      signal: interrupt.signal,
    });
    assert.deepEqual([report.interrupted, report.committed, engine.commits.length], [true, undefined, 0]);
    assert.deepEqual(engine.removed, ['tmp1']);
  });

  it('add’s persistence note points at image add as well as dockerfile', () => {
    const patched = {
      id: 'c',
      name: 'web',
      image: 'nginx:1',
      status: 'patched' as const,
      family: 'debian',
      method: 'update-command' as const,
      check: { before: [], after: [] },
      warnings: [],
      durationMs: 1,
    };
    const note = aftercareLines([patched], 'corp.pem').at(-1)!;
    assert.match(note, /`trustpatch dockerfile corp\.pem --family debian`/);
    assert.match(note, /`trustpatch image add corp\.pem nginx:1` writes an image that keeps them/);
  });
});
