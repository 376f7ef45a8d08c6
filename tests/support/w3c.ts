import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv, { type ValidateFunction } from 'ajv-draft-04';
import addFormats from 'ajv-formats';

/**
 * The MUST assertions of the W3C Web Annotation test suite (w3c/web-annotation-tests), run with ajv as the suite's
 * README says: draft-04, formats, the suite's own keywords allowed, every definition registered, each assertion of a
 * `.test` list compiled. An assertion whose `assertionType` is "must" (the default) fails when it does not give its
 * `expectedResult` ("valid" unless it says "invalid").
 */

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
// A copy of the suite ships in tests/fixtures (W3C licence beside it), so the test never depends on files outside the repo.
export const W3C_SUITE_DIR = path.resolve(repoRoot, 'tests', 'fixtures', 'w3c-web-annotation-tests');

export type W3cKind = 'annotation' | 'collection' | 'page';

const LISTS: Record<W3cKind, string> = {
  annotation: 'annotations/annotationMusts.test',
  collection: 'collections/collectionMusts.test',
  page: 'collections/pages/pageMusts.test',
};

interface Assertion {
  file: string;
  title: string;
  errorMessage: string;
  assertionType: string;
  expectedResult: 'valid' | 'invalid';
  validate: ValidateFunction;
}

export interface W3cFailure {
  assertion: string;
  expected: 'valid' | 'invalid';
  message: string;
  errors: string[];
}

const readJson = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;

let compiled: Record<W3cKind, Assertion[]> | undefined;

function load(): Record<W3cKind, Assertion[]> {
  // CommonJS modules: under NodeNext the default import is `module.exports`, whose `default` is the class (and the plugin).
  const AjvClass = Ajv.default;
  const formats = addFormats.default;
  const ajv = new AjvClass({ allErrors: true, strict: false });
  formats(ajv);
  for (const keyword of ['assertionType', 'expectedResult', 'onUnexpectedResult', 'errorMessage'])
    ajv.addKeyword(keyword);
  const defs = path.join(W3C_SUITE_DIR, 'definitions');
  for (const file of readdirSync(defs)
    .filter((f) => f.endsWith('.json'))
    .sort())
    ajv.addSchema(readJson(path.join(defs, file)));

  const result = {} as Record<W3cKind, Assertion[]>;
  for (const [kind, list] of Object.entries(LISTS) as [W3cKind, string][]) {
    const files = (readJson(path.join(W3C_SUITE_DIR, list)) as { assertions: string[] }).assertions;
    result[kind] = files.map((file) => {
      const schema = readJson(path.join(W3C_SUITE_DIR, file));
      const id = typeof schema.id === 'string' ? schema.id : file;
      const validate = ajv.getSchema(id) ?? ajv.compile(schema);
      return {
        file,
        title: typeof schema.title === 'string' ? schema.title : file,
        errorMessage: typeof schema.errorMessage === 'string' ? schema.errorMessage : `${file} failed`,
        assertionType: typeof schema.assertionType === 'string' ? schema.assertionType : 'must',
        expectedResult: schema.expectedResult === 'invalid' ? 'invalid' : 'valid',
        validate,
      };
    });
  }
  return result;
}

/** How many MUST assertions each list has (a guard that the suite was really found and read). */
export function w3cAssertionCount(kind: W3cKind): number {
  compiled ??= load();
  return compiled[kind].filter((a) => a.assertionType === 'must').length;
}

/** The MUST assertions of `kind` that `doc` fails; empty when it passes them all. */
export function w3cFailures(kind: W3cKind, doc: unknown): W3cFailure[] {
  compiled ??= load();
  const failures: W3cFailure[] = [];
  for (const a of compiled[kind]) {
    if (a.assertionType !== 'must') continue;
    const valid = a.validate(doc) === true;
    if (valid === (a.expectedResult === 'valid')) continue;
    failures.push({
      assertion: a.file,
      expected: a.expectedResult,
      message: a.errorMessage,
      errors: (a.validate.errors ?? []).slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message ?? ''}`),
    });
  }
  return failures;
}

/**
 * Every check of an exported collection or page: the collection (or page) list, the page list (on the page itself or,
 * for a collection, its embedded first page), and the annotation list on each item. Items embedded in a page inherit
 * its `@context`, so an item without one of its own is checked with the page's.
 */
export function w3cExportFailures(doc: Record<string, unknown>): { where: string; failure: W3cFailure }[] {
  const out: { where: string; failure: W3cFailure }[] = [];
  const isCollection = doc.type === 'AnnotationCollection';
  if (isCollection) for (const f of w3cFailures('collection', doc)) out.push({ where: 'collection', failure: f });
  for (const f of w3cFailures('page', doc)) out.push({ where: isCollection ? 'collection.first' : 'page', failure: f });
  const page: unknown = isCollection ? doc.first : doc;
  const items: unknown[] =
    page && typeof page === 'object' && 'items' in page && Array.isArray(page.items) ? page.items : [];
  items.forEach((item, i) => {
    const withContext =
      item && typeof item === 'object' && !('@context' in item) ? { '@context': doc['@context'], ...item } : item;
    const id = item && typeof item === 'object' && 'id' in item ? String(item.id) : `#${i}`;
    for (const f of w3cFailures('annotation', withContext)) out.push({ where: `item ${i} (${id})`, failure: f });
  });
  return out;
}

export const w3cSample = (kind: 'correct' | 'incorrect', name: string): string =>
  path.join(W3C_SUITE_DIR, 'samples', kind, name);
