// Generates the HTML documentation of one AsyncAPI document with the AsyncAPI generator and
// its HTML template, as `asyncapi generate fromTemplate DOC @asyncapi/html-template` does,
// without the CLI around it (which would only add its own start-up to the peer's time).
//
// usage: NODE_PATH=DIR/node_modules node asyncapi_html.js DOC OUT
//   where DIR holds `npm install @asyncapi/generator @asyncapi/html-template`
const path = require('path');
const Generator = require('@asyncapi/generator');

const [doc, out] = process.argv.slice(2);
const modules = (process.env.NODE_PATH || '').split(path.delimiter)[0];
const template = path.join(modules, '@asyncapi/html-template');
// forceWrite: the output directory is reused from one document to the next.
const generator = new Generator(template, out, { forceWrite: true });
generator.generateFromFile(doc).then(
  () => process.exit(0),
  (e) => {
    console.error(e && e.message ? e.message : e);
    process.exit(1);
  },
);
