/**
 * The shape of `src/`: file and folder counts, import cycles between files, folder pairs that
 * import each other, the ten longest functions, and the lines over 120 characters.
 *
 * Usage: `node dist/scripts/import-map.js [ROOT]` (ROOT holds `tsconfig.json` and `src/`; the
 * current directory by default). Every import counts, `import type` and `import()` included:
 * a type-only cycle compiles, but a reader still has to hold both files in mind at once.
 *
 * Parsing goes through TypeScript 7's API (`typescript/unstable/sync`, which asks the native
 * compiler for each file's syntax tree): https://github.com/microsoft/typescript-go
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { API } from 'typescript/unstable/sync';
import {
  isArrowFunction,
  isCallExpression,
  isExportDeclaration,
  isFunctionDeclaration,
  isFunctionExpression,
  isIdentifier,
  isImportDeclaration,
  isMethodDeclaration,
  isStringLiteral,
} from 'typescript/unstable/ast/is';
import { type Node, type SourceFile, SyntaxKind } from 'typescript/unstable/ast';

const LONG_LINE = 120;
const TOP_FUNCTIONS = 10;

interface FunctionLength {
  file: string;
  line: number;
  name: string;
  lines: number;
}

function listTs(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...listTs(path));
    else if (name.endsWith('.ts') && !name.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** A relative specifier's file under src/ (`./x.js` is `./x.ts` on disk), or undefined. */
function resolveSpecifier(from: string, specifier: string, files: Set<string>): string | undefined {
  if (!specifier.startsWith('.')) return undefined;
  const target = resolve(dirname(from), specifier).replace(/\.js$/, '.ts');
  return files.has(target) ? target : undefined;
}

function specifiers(sourceFile: SourceFile): string[] {
  const found: string[] = [];
  const visit = (node: Node): void => {
    if ((isImportDeclaration(node) || isExportDeclaration(node)) && node.moduleSpecifier) {
      if (isStringLiteral(node.moduleSpecifier)) found.push(node.moduleSpecifier.text);
    } else if (isCallExpression(node) && node.expression.kind === SyntaxKind.ImportKeyword) {
      const first = node.arguments[0];
      if (first && isStringLiteral(first)) found.push(first.text);
    }
    node.forEachChild(visit);
  };
  visit(sourceFile);
  return found;
}

function functionName(node: Node): string {
  const named = node as Node & { name?: Node };
  if (named.name && isIdentifier(named.name)) return named.name.text;
  const parent = node.parent as (Node & { name?: Node }) | undefined;
  if (parent?.name && isIdentifier(parent.name)) return parent.name.text;
  return '(anonymous)';
}

function functionLengths(sourceFile: SourceFile, file: string): FunctionLength[] {
  const found: FunctionLength[] = [];
  const visit = (node: Node): void => {
    if (
      isFunctionDeclaration(node) ||
      isMethodDeclaration(node) ||
      isArrowFunction(node) ||
      isFunctionExpression(node)
    ) {
      const start = sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line;
      const end = sourceFile.getLineAndCharacterOfPosition(node.end).line;
      found.push({ file, line: start + 1, name: functionName(node), lines: end - start + 1 });
    }
    node.forEachChild(visit);
  };
  visit(sourceFile);
  return found;
}

/** Tarjan's strongly connected components; the ones with more than one file are the cycles. */
function cycles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  const connect = (v: string): void => {
    indices.set(v, index);
    low.set(v, index);
    index += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!indices.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v)!, indices.get(w)!));
      }
    }
    if (low.get(v) === indices.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.has(v)) out.push(component.sort());
    }
  };
  for (const v of [...graph.keys()].sort()) if (!indices.has(v)) connect(v);
  return out;
}

/** One shortest cycle through a component's first file (breadth-first inside the component). */
function oneCycle(component: string[], graph: Map<string, Set<string>>): string[] {
  const members = new Set(component);
  const start = component[0]!;
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift()!;
    for (const w of [...(graph.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(previous.get(path[0]!)!);
        return [...path, start];
      }
      if (!previous.has(w)) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return component;
}

function main(): void {
  const root = resolve(process.argv[2] ?? '.');
  const src = join(root, 'src');
  const files = listTs(src);
  const fileSet = new Set(files);
  const folderOf = (file: string): string => {
    const parts = relative(src, file).split('/');
    return parts.length > 1 ? parts[0]! : '.';
  };
  const show = (file: string): string => relative(root, file);

  const api = new API({ cwd: root });
  const graph = new Map<string, Set<string>>();
  const lengths: FunctionLength[] = [];
  let longLines = 0;
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(root, 'tsconfig.json')] });
    const program = snapshot.getProjects()[0]!.program;
    for (const file of files) {
      const sourceFile = program.getSourceFile(file);
      if (!sourceFile) throw new Error(`${show(file)} is not in ${join(root, 'tsconfig.json')}'s program`);
      const targets = new Set<string>();
      for (const specifier of specifiers(sourceFile)) {
        const target = resolveSpecifier(file, specifier, fileSet);
        if (target) targets.add(target);
      }
      graph.set(file, targets);
      lengths.push(...functionLengths(sourceFile, show(file)));
    }
  } finally {
    api.close();
  }
  for (const file of files) {
    longLines += readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.length > LONG_LINE).length;
  }

  const folders = new Set(files.map(folderOf));
  console.log(`src/: ${files.length} files in ${folders.size - (folders.has('.') ? 1 : 0)} folders`);

  const found = cycles(graph);
  console.log(`\nimport cycles (file level, type imports included): ${found.length}`);
  for (const component of found) {
    console.log(`  ${component.length} files: ${component.map(show).join(', ')}`);
    console.log(`    e.g. ${oneCycle(component, graph).map(show).join(' -> ')}`);
  }

  const folderEdges = new Map<string, Set<string>>();
  for (const [file, targets] of graph) {
    for (const target of targets) {
      const a = folderOf(file);
      const b = folderOf(target);
      if (a === b || a === '.' || b === '.') continue;
      if (!folderEdges.has(a)) folderEdges.set(a, new Set());
      folderEdges.get(a)!.add(b);
    }
  }
  const pairs: string[] = [];
  for (const [a, targets] of folderEdges) {
    for (const b of targets) if (a < b && folderEdges.get(b)?.has(a)) pairs.push(`${a} <-> ${b}`);
  }
  pairs.sort();
  console.log(`\nfolder pairs importing each other: ${pairs.length}`);
  for (const pair of pairs) console.log(`  ${pair}`);

  lengths.sort((x, y) => y.lines - x.lines || x.file.localeCompare(y.file));
  console.log(`\nlongest functions:`);
  for (const f of lengths.slice(0, TOP_FUNCTIONS)) console.log(`  ${f.lines} lines  ${f.name}  ${f.file}:${f.line}`);

  console.log(`\nlines over ${LONG_LINE} characters: ${longLines}`);
}

main();
