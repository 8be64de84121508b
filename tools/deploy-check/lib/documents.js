// Reads Kubernetes YAML files into plain objects, one per document, the way kubectl reads them
// (YAML 1.1: `yes`, `no`, `on`, `off` are booleans; duplicate keys are an error).
'use strict';

const fs = require('fs');
const YAML = require('yaml');

// Returns [{source, index, object}] for every non-empty document of `text`; throws an Error
// naming `source` and the line for malformed YAML.
function parseDocuments(text, source) {
  const documents = [];
  YAML.parseAllDocuments(text, { version: '1.1', uniqueKeys: true }).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      const error = doc.errors[0];
      const line = error.linePos ? `:${error.linePos[0].line}` : '';
      throw new Error(`${source}${line}: ${error.message.split('\n')[0]}`);
    }
    const object = doc.toJS({ maxAliasCount: 100 });
    if (object !== null && object !== undefined) documents.push({ source, index, object });
  });
  return documents;
}

function readDocuments(path) {
  return parseDocuments(fs.readFileSync(path, 'utf8'), path);
}

// "file#2 DaemonSet/name": how messages name a document.
function describe(document) {
  const { kind = '?', metadata = {} } = document.object;
  return `${document.source}#${document.index} ${kind}/${metadata.name || '?'}`;
}

module.exports = { parseDocuments, readDocuments, describe };
