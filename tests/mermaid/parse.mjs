// Parses Mermaid files with Mermaid's own parser (mermaid.parse), as GitHub's and GitLab's
// renderers read them. Usage: node parse.mjs FILE... with CONTRAIL_MERMAID_DIR naming the
// directory where scripts/test.sh installed package.json's dependencies.
// Prints `FILE: DIAGRAM-TYPE` per file; exits 1 when any file does not parse.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const dir = process.env.CONTRAIL_MERMAID_DIR;
if (!dir) {
  console.error('CONTRAIL_MERMAID_DIR is not set (scripts/test.sh installs Mermaid and sets it)');
  process.exit(2);
}
const require = createRequire(path.join(dir, 'package.json'));
// DOMPurify, which mermaid loads, needs a window even to parse: jsdom gives it one.
const { JSDOM } = require('jsdom');
const { window } = new JSDOM('');
globalThis.window = window;
globalThis.document = window.document;
const { default: mermaid } = await import(pathToFileURL(require.resolve('mermaid')).href);

let failed = false;
for (const file of process.argv.slice(2)) {
  try {
    const parsed = await mermaid.parse(fs.readFileSync(file, 'utf8'));
    console.log(`${file}: ${parsed.diagramType}`);
  } catch (error) {
    console.error(`${file}: ${error.message ?? error}`);
    failed = true;
  }
}
process.exit(failed ? 1 : 0);
