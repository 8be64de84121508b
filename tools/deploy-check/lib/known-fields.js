// Unknown-field check. The API's OpenAPI schemas allow any extra field, but the API server
// rejects unknown fields (kubectl's default --validate=strict), so a misspelt field such as
// `readinesProbe` would pass schema validation and fail at `kubectl apply`. Each object is
// type-checked as a TypeScript object literal against the kubernetes-models interfaces, whose
// excess-property check names every field the type does not have, at any depth.
'use strict';

const path = require('path');
const ts = require('typescript');
const { modelModule } = require('./schema');

const kCompilerOptions = {
  strict: true,
  noEmit: true,
  skipLibCheck: true,
  target: ts.ScriptTarget.ES2020,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  types: [],
};

function sourceFor(object) {
  const name = modelModule(object.apiVersion, object.kind);
  return `import type { I${object.kind} } from ${JSON.stringify(name)};\n` +
    `export const manifest: I${object.kind} = ${JSON.stringify(object, null, 2)};\n`;
}

// Returns, for each object (in order), the list of problems TypeScript found: unknown fields
// and wrong types, each with its line in the object printed as JSON. Objects without a built-in
// schema must be filtered out first (validateSchema reports them).
function findUnknownFields(objects) {
  const root = path.join(__dirname, '..');
  const files = new Map(objects.map((object, i) => [path.join(root, `manifest${i}.ts`), sourceFor(object)]));
  const host = ts.createCompilerHost(kCompilerOptions);
  const readFile = host.readFile.bind(host);
  const fileExists = host.fileExists.bind(host);
  host.readFile = (name) => (files.has(name) ? files.get(name) : readFile(name));
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.getSourceFile = (name, version) => {
    const text = host.readFile(name);
    return text === undefined ? undefined : ts.createSourceFile(name, text, version, true);
  };
  const program = ts.createProgram([...files.keys()], kCompilerOptions, host);
  const names = [...files.keys()];
  const problems = objects.map(() => []);
  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n').split('\n')[0];
    const index = diagnostic.file ? names.indexOf(diagnostic.file.fileName) : -1;
    if (index < 0) throw new Error(`typescript: ${message}`);
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const field = diagnostic.file.text.split('\n')[line].trim();
    problems[index].push(`${message} (at ${field})`);
  }
  return problems;
}

module.exports = { findUnknownFields };
