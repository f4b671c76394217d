import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helpText } from '../support/help-text.js';

/** The repository root, from dist/test/unit/. */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** `trustpatch a b <x>  text` lines under "Commands:" name the subcommands of a help page. */
function subcommands(page: string, parent: string[]): string[][] {
  const section = page.split(/\n\n/).find((block) => block.startsWith('Commands:')) ?? '';
  const words = [...section.matchAll(/^ {2}trustpatch ((?:[a-z][a-z-]* ?)+)/gm)].map((m) => m[1]!.trim().split(' '));
  return words.filter((w) => w.length === parent.length + 1 && w.slice(0, -1).join(' ') === parent.join(' '));
}

/** Every command's help page, the top level's included, walking "Commands:" sections down. */
async function allHelpPages(): Promise<Map<string, string>> {
  const pages = new Map<string, string>();
  const queue: string[][] = [[]];
  while (queue.length > 0) {
    const command = queue.shift()!;
    const page = await helpText(command.join(' '));
    pages.set(command.join(' '), page);
    queue.push(...subcommands(page, command));
  }
  return pages;
}

/** The long flags a help page lists under "Options:" (yargs prints `--no-x` booleans as `--x`). */
function longFlags(page: string): string[] {
  const section = page.split(/\n\n/).find((block) => block.startsWith('Options:')) ?? '';
  return [...new Set([...section.matchAll(/^ {2}(?:-\w, )?\s*--([a-z][a-z0-9-]*)/gm)].map((m) => m[1]!))];
}

describe('the documentation keeps up with the code', () => {
  let pages: Map<string, string>;
  before(async function () {
    this.timeout(60_000);
    pages = await allHelpPages();
  });

  it('finds every command, registry subcommands included', () => {
    for (const name of [
      '',
      'add',
      'check',
      'remove',
      'status',
      'dockerfile',
      'inspect',
      'fetch-ca',
      'registry',
      'registry add',
    ]) {
      assert.ok(pages.has(name), `no help page found for "${name}" (found: ${[...pages.keys()].join(', ')})`);
    }
  });

  it('every flag that --help prints is in docs/commands.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/commands.md'), 'utf8');
    const missing: string[] = [];
    for (const [command, page] of pages) {
      for (const flag of longFlags(page)) {
        if (flag === 'help' || flag === 'version') continue;
        if (!new RegExp(`--(?:no-)?${flag}(?![\\w-])`).test(doc))
          missing.push(`trustpatch ${command} --${flag}`.replace(/ {2}/, ' '));
      }
    }
    assert.deepEqual(missing, [], 'flags printed by --help but not documented in docs/commands.md');
  });

  it('every command is in docs/commands.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/commands.md'), 'utf8');
    const missing = [...pages.keys()].filter((command) => command !== '' && !doc.includes(`trustpatch ${command}`));
    assert.deepEqual(missing, []);
  });

  it('every field of the published JSON Schema is described in docs/json.md', () => {
    // The schema is closed (additionalProperties: false) and real --json output is validated
    // against it (test/integration/json-schema.test.ts), so a field the code emits is in it.
    const schema: unknown = JSON.parse(readFileSync(join(ROOT, 'schema/trustpatch.schema.json'), 'utf8'));
    const doc = readFileSync(join(ROOT, 'docs/json.md'), 'utf8');
    const fields = new Set<string>();
    const walk = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(walk);
      else if (node !== null && typeof node === 'object') {
        const properties = (node as { properties?: unknown }).properties;
        if (properties !== null && typeof properties === 'object' && !Array.isArray(properties))
          for (const key of Object.keys(properties)) fields.add(key);
        Object.values(node).forEach(walk);
      }
    };
    walk(schema);
    assert.ok(fields.size > 50, `only ${fields.size} fields found in the schema`);
    const missing = [...fields].filter((field) => !new RegExp(`(?<![\\w-])${field}(?![\\w-])`).test(doc));
    assert.deepEqual(missing, [], 'fields in schema/trustpatch.schema.json that docs/json.md does not describe');
  });

  it('every relative link in README.md and docs/ points at a file and heading that exist', () => {
    const files = [
      'README.md',
      ...readdirSync(join(ROOT, 'docs'))
        .filter((f) => f.endsWith('.md'))
        .map((f) => `docs/${f}`),
    ];
    const broken: string[] = [];
    for (const file of files) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue; // https:, mailto:
        const [path, anchor] = target!.split('#') as [string, string | undefined];
        const linked = path === '' ? join(ROOT, file) : resolve(dirname(join(ROOT, file)), path);
        if (!existsSync(linked)) {
          broken.push(`${file}: ${target} (no such file)`);
          continue;
        }
        if (anchor !== undefined && linked.endsWith('.md') && !headingSlugs(readFileSync(linked, 'utf8')).has(anchor)) {
          broken.push(`${file}: ${target} (no such heading)`);
        }
      }
    }
    assert.deepEqual(broken, []);
  });
});

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens. */
function headingSlugs(markdown: string): Set<string> {
  const slugs = new Set<string>();
  for (const [, heading] of markdown.matchAll(/^#{1,6} (.+)$/gm)) {
    slugs.add(
      heading!
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\- _]/gu, '')
        .replace(/ /g, '-'),
    );
  }
  return slugs;
}
