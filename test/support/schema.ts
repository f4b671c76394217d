import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { camel } from '../../src/report/counts.js';

/** The published schema (schema/trustpatch.schema.json), as the package ships it. */
export const SCHEMA_PATH = fileURLToPath(new URL('../../../schema/trustpatch.schema.json', import.meta.url));

// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

const ajv = addFormats(new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true }));
const validate = ajv.compile(JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as object);

/** Validates a parsed --json document; throws with every violation (path and message) when it does not match. */
export function assertValidDocument(document: unknown, what: string): void {
  if (validate(document)) return;
  // oneOf reports every branch: keep the errors of the document's own command.
  const command = (document as { command?: string }).command;
  const errors = (validate.errors ?? []).filter(
    (e) =>
      command === undefined ||
      !e.schemaPath.startsWith('#/$defs/') ||
      e.schemaPath.includes(`${camelName(command)}Document`) ||
      !/Document\//.test(e.schemaPath),
  );
  throw new Error(
    `${what}: does not match ${SCHEMA_PATH}:\n${errors.map((e) => `  ${e.instancePath || '/'} ${e.message}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`).join('\n')}`,
  );
}

/** `registry client-cert` -> `registryClientCert`, as the schema names its documents. */
function camelName(command: string): string {
  return camel(command.replaceAll(' ', '-'));
}
